"""The upload page and its service: per-file report, limits by content, safe ZIPs, run records.

Uploads are loaded by a background job; tests/settings.py runs queued jobs at once, inside the
request, so each upload's page already holds its final report here. The queue and the worker
themselves are tested in tests/services/test_upload_worker.py.
"""

from __future__ import annotations

import re
import struct
import zipfile
from unittest.mock import ANY

import pytest
from django.core.files.uploadedfile import TemporaryUploadedFile

from decisions.models import DisputedItem, IngestFailure, IngestRun, Letter, Upload
from decisions.services import ingest as ingest_service
from decisions.services.upload_jobs import staging_folder
from decisions.services.uploads import SNIFF_BYTES, upload_accept
from tests.helpers import (
    PNG,
    SEED_NAMES,
    UPLOAD_URL,
    post,
    report_rows,
    seed_bytes,
    seed_text,
    send,
    zip_of,
)
from tests.pdfs import text_pdf
from tests.preparation_hooks import (
    CITATION_WARNING,
    SPECIALTY_WARNING,
    misbehaving_prepare,
    prepare_with_overlong_specialty,
    prepare_with_warnings,
)

pytestmark = pytest.mark.django_db


def test_upload_page_shows_the_form_and_limits(admin_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 7
    response = admin_client.get(UPLOAD_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file"' in html and "multiple" in html
    assert "At most 7 files in one upload" in html


def test_mixed_batch_loads_the_good_files_and_names_each_failure(admin_client, admin_user):
    response = post(
        admin_client,
        ("first.txt", seed_bytes(0)),
        ("empty.txt", b""),
        ("second.pdf", text_pdf(seed_text(SEED_NAMES[1]))),
        ("photo.pdf", PNG),
        ("third.txt", seed_bytes(2)),
        ("shopping.txt", b"Milk\nEggs\nBread\n"),
    )
    assert response.status_code == 200
    rows = report_rows(response)
    assert [(name, status) for name, status, _ in rows] == [
        ("first.txt", "created"),
        ("empty.txt", "failed"),
        ("second.pdf", "created"),
        ("photo.pdf", "failed"),
        ("third.txt", "created"),
        ("shopping.txt", "failed"),
    ]
    assert rows[1][2] == "file is empty"
    assert rows[3][2] == "binary file (PNG image), not a PDF or text"
    assert "IMR" in rows[5][2]
    assert Letter.objects.count() == 3
    assert DisputedItem.objects.count() == 5 + 4 + 1

    html = response.content.decode()
    for _, status, letter in rows:
        if status == "created":
            assert f'href="{letter.get_absolute_url()}"' in html
    assert "3 added" in html and "0 already stored" in html and "3 not loaded" in html
    assert "Binary file (PNG image), not a PDF or text" in html

    run = IngestRun.objects.get()
    assert (run.origin, run.user, run.created, run.duplicates, run.failed) == (
        "upload",
        admin_user,
        3,
        0,
        3,
    )
    assert run.sources.splitlines() == [name for name, _, _ in rows]
    assert set(run.failures.values_list("source_name", flat=True)) == {
        "empty.txt",
        "photo.pdf",
        "shopping.txt",
    }
    assert set(run.letters.values_list("source_name", flat=True)) == {
        "first.txt",
        "second.pdf",
        "third.txt",
    }


def test_letter_already_stored_is_reported_with_a_link_to_it(admin_client):
    post(admin_client, ("letter.txt", seed_bytes(1)))
    stored = Letter.objects.get()
    response = post(admin_client, ("same letter, other name.txt", seed_bytes(1)))
    [(_, status, letter)] = report_rows(response)
    assert (status, letter) == ("duplicate", stored)
    assert f'href="{stored.get_absolute_url()}"' in response.content.decode()
    assert Letter.objects.count() == 1


def test_report_says_in_words_what_became_of_each_file(admin_client):
    post(admin_client, ("stored.txt", seed_bytes(1)))
    response = post(
        admin_client, ("new.txt", seed_bytes(0)), ("again.txt", seed_bytes(1)), ("empty.txt", b"")
    )
    rows = re.findall(
        r'<tr class="report-row report-row--(\w+)">\s*<td class="file-name">([^<]*)</td>\s*'
        r'<td class="status">([^<]*)</td>',
        response.content.decode(),
    )
    assert rows == [
        ("created", "new.txt", "Added"),
        ("duplicate", "again.txt", "Already stored"),
        ("failed", "empty.txt", "Not loaded"),
    ]


def test_same_letter_twice_in_one_upload_is_stored_once(admin_client):
    response = post(admin_client, ("a.txt", seed_bytes(0)), ("b.txt", seed_bytes(0)))
    statuses = [status for _, status, _ in report_rows(response)]
    assert statuses == ["created", "duplicate"]
    assert Letter.objects.count() == 1


def test_originals_are_kept_byte_for_byte(admin_client):
    pdf = text_pdf(seed_text(SEED_NAMES[0]))
    text = (
        seed_text(SEED_NAMES[1])
        .replace("The applicant is a represented", "The applicant is a \u2018represented\u2019")
        .encode("cp1252")
    )
    post(admin_client, ("letter.pdf", pdf), ("letter.txt", text))
    for name, data in (("letter.pdf", pdf), ("letter.txt", text)):
        letter = Letter.objects.get(source_name=name)
        with letter.original_file.open("rb") as handle:
            assert handle.read() == data


@pytest.mark.parametrize(
    ("encoding", "marked"),
    [
        ("utf-8", "The applicant is a \u2018represented\u2019 employee"),
        ("utf-8-sig", "The applicant is a \u201crepresented\u201d employee \u2014 Ren\u00e9e"),
        ("cp1252", "The applicant is a \u2018represented\u2019 employee \u2013 Ren\u00e9e"),
        ("latin-1", "The applicant is a represented employee, Ren\u00e9e \u00a7 9792"),
        # UTF-16 without a byte-order mark: told by where its NUL bytes fall.
        ("utf-16-le", "The applicant is a \u2018represented\u2019 employee \u2013 Ren\u00e9e"),
        ("utf-16-be", "The applicant is a \u201crepresented\u201d employee \u2014 Ren\u00e9e"),
    ],
)
def test_text_in_any_common_encoding_is_read_correctly(admin_client, encoding, marked):
    text = seed_text(SEED_NAMES[1]).replace("The applicant is a represented  employee", marked)
    assert marked in text
    [(_, status, letter)] = report_rows(post(admin_client, ("letter.txt", text.encode(encoding))))
    assert status == "created"
    assert marked in letter.raw_text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        # A UTF-8 byte-order mark in front of bytes that are not UTF-8.
        (b"\xef\xbb\xbf" + seed_bytes(0) + b"\xff\xfe\x80", "binary file, not a PDF or text"),
        # UTF-16 without a byte-order mark but cut mid-character: not read as UTF-16 by accident.
        (seed_text(SEED_NAMES[0]).encode("utf-16-le")[:-1], "binary file, not a PDF or text"),
    ],
    ids=["broken-utf8-with-bom", "odd-length-utf16"],
)
def test_text_in_an_unreadable_encoding_is_refused_and_the_rest_load(admin_client, data, reason):
    response = post(admin_client, ("bad.txt", data), ("good.txt", seed_bytes(1)))
    assert report_rows(response)[0] == ("bad.txt", "failed", reason)
    assert report_rows(response)[1][1] == "created"


def test_type_is_decided_by_content_not_by_name(admin_client):
    response = post(
        admin_client,
        ("really-a-pdf.txt", text_pdf(seed_text(SEED_NAMES[0]))),
        ("really-an-image.txt", PNG),
        ("really-a-zip.pdf", zip_of({"inside.txt": seed_bytes(1)})),
        ("really-text.pdf", seed_bytes(2)),
    )
    rows = report_rows(response)
    assert [status for _, status, _ in rows] == ["created", "failed", "created", "created"]
    assert rows[0][2].original_kind == "pdf"
    assert rows[1][2] == "binary file (PNG image), not a PDF or text"
    assert rows[2][0] == "really-a-zip.pdf/inside.txt"
    assert rows[3][2].original_kind == "text"


def test_oversized_file_is_refused_without_being_read_and_the_rest_load(admin_client, settings):
    settings.IMR_MAX_FILE_BYTES = 200_000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1_000  # both files reach the view on disk
    big = seed_bytes(0) + b" " * 300_000
    response = post(admin_client, ("big.txt", big), ("small.txt", seed_bytes(2)))
    rows = report_rows(response)
    assert rows[0] == ("big.txt", "failed", "file is 0.3 MB, over the 0.2 MB limit")
    assert rows[1][1] == "created"
    assert not Letter.objects.filter(source_name="big.txt").exists()


def test_oversized_spooled_file_is_refused_by_its_size_unread_and_not_staged(settings, admin_user):
    """The request reads only the start of it, to tell whether it is a ZIP."""
    settings.IMR_MAX_FILE_BYTES = 200_000
    big = TemporaryUploadedFile("big.txt", "text/plain", 300_000, None)
    big.write(b"x" * 300_000)
    reads = []
    real_read = big.file.read
    big.file.read = lambda size=-1: reads.append(size) or real_read(size)
    upload = upload_accept(files=[big], user=admin_user)
    [file] = upload.files.all()
    assert (file.staged, file.reason) == (False, "file is 0.3 MB, over the 0.2 MB limit")
    assert reads == [SNIFF_BYTES]
    assert not staging_folder(upload.pk).exists()


def test_too_many_files_are_refused_with_a_message_and_nothing_loads(admin_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    response = send(
        admin_client, ("a.txt", seed_bytes(0)), ("b.txt", seed_bytes(1)), ("c.txt", seed_bytes(2))
    )
    assert response.status_code == 400
    assert "Too many files: one upload takes at most 2. Nothing was loaded." in (
        response.content.decode()
    )
    assert Letter.objects.count() == 0
    assert IngestRun.objects.count() == 0
    assert Upload.objects.count() == 0


def test_upload_without_files_asks_for_them(admin_client):
    response = admin_client.post(UPLOAD_URL, {})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert IngestRun.objects.count() == 0
    assert Upload.objects.count() == 0


def test_letter_the_database_refuses_leaves_no_partial_rows(admin_client, monkeypatch):
    """A parse the schema cannot hold (a 500-character specialty) fails at insert time."""
    monkeypatch.setattr(ingest_service, "prepare", prepare_with_overlong_specialty)
    response = post(admin_client, *[(f"{n}.txt", seed_bytes(n)) for n in range(3)])
    rows = report_rows(response)
    assert [status for _, status, _ in rows] == ["failed", "created", "created"]
    assert rows[0][2].startswith("cannot be stored: value too long")
    assert not Letter.objects.filter(source_name="0.txt").exists()
    assert DisputedItem.objects.count() == 4 + 1
    assert IngestRun.objects.get().failed == 1


@pytest.mark.timeout(60)
def test_a_file_over_the_time_budget_fails_alone(admin_client, monkeypatch, settings):
    """The budget holds in the request too: the page answers with the slow file failed."""
    settings.IMR_FILE_SECONDS = 1
    monkeypatch.setattr(ingest_service, "prepare", misbehaving_prepare)
    response = post(
        admin_client,
        ("0.txt", seed_bytes(0)),
        ("sleeps.txt", seed_bytes(1)),
        ("2.txt", seed_bytes(2)),
    )
    assert report_rows(response) == [
        ("0.txt", "created", ANY),
        ("sleeps.txt", "failed", "took longer than 1 s to read"),
        ("2.txt", "created", ANY),
    ]


def test_the_report_shows_the_warnings_of_each_letter_it_added(admin_client, monkeypatch):
    monkeypatch.setattr(ingest_service, "prepare", prepare_with_warnings)
    response = post(admin_client, *[(f"{n}.txt", seed_bytes(n)) for n in (1, 1, 2)])
    rows = response.context["rows"]
    assert [(file.status, [n.code for n in notes]) for file, notes in rows] == [
        ("created", [SPECIALTY_WARNING.code, CITATION_WARNING.code]),
        ("duplicate", []),
        ("created", []),
    ]
    html = response.content.decode()
    assert "1 added with warnings" in html and "Added, with 2 warnings" in html
    url = rows[0][0].letter.get_absolute_url()
    assert (
        f'<a href="{url}#facts-heading">Reviewer specialty</a>: {SPECIALTY_WARNING.message}' in html
    )
    assert f'<a href="{url}#item-1">Item 1, what the IMR reviewer relied on</a>' in html
    assert "<script>" not in html and "&lt;script&gt;alert" in html


# --- ZIP archives -------------------------------------------------------------------------


def test_zip_entries_are_loaded_in_order_and_folders_and_mac_metadata_skipped(admin_client):
    archive = zip_of(
        {
            "batch/": b"",
            "batch/one.txt": seed_bytes(0),
            "batch/sub/two.pdf": text_pdf(seed_text(SEED_NAMES[1])),
            "__MACOSX/batch/._one.txt": b"\x00\x05\x16\x07 AppleDouble",
            "batch/.DS_Store": b"\x00\x00\x00\x01Bud1",
        }
    )
    response = post(admin_client, ("letters.zip", archive), ("loose.txt", seed_bytes(2)))
    rows = report_rows(response)
    assert [(name, status) for name, status, _ in rows] == [
        ("letters.zip/batch/one.txt", "created"),
        ("letters.zip/batch/sub/two.pdf", "created"),
        ("loose.txt", "created"),
    ]
    run = IngestRun.objects.get()
    assert run.sources.splitlines() == ["letters.zip", "loose.txt"]
    assert (run.created, run.failed) == (3, 0)


@pytest.mark.parametrize(
    ("entry", "why"),
    [
        ("../escape.txt", "'..' in '../escape.txt'"),
        ("batch/../../escape.txt", "'..' in 'batch/../../escape.txt'"),
        ("..\\escape.txt", "'..' in '..\\\\escape.txt'"),
        ("/etc/escape.txt", "absolute path '/etc/escape.txt'"),
        ("\\\\server\\escape.txt", "absolute path '\\\\\\\\server\\\\escape.txt'"),
        ("C:/Windows/escape.txt", "absolute path 'C:/Windows/escape.txt'"),
    ],
)
def test_zip_entry_with_a_traversal_path_is_refused_and_the_rest_load(admin_client, entry, why):
    archive = zip_of({entry: seed_bytes(0), "fine.txt": seed_bytes(1)})
    rows = report_rows(post(admin_client, ("letters.zip", archive)))
    reason = f"unsafe path in the ZIP ({why}): not read"
    assert rows[0] == (f"letters.zip/{entry}", "failed", reason)
    assert rows[1][:2] == ("letters.zip/fine.txt", "created")
    assert Letter.objects.count() == 1
    failure = IngestFailure.objects.get()
    assert failure.source_name == f"letters.zip/{entry}"
    assert IngestRun.objects.get().failed == 1


def test_zip_entry_with_a_nul_in_its_name_is_refused_under_its_whole_name(admin_client):
    """zipfile cuts an entry's name at a NUL (its `filename`; `orig_filename` keeps the name
    as written): the name is judged, and shown, as the archive wrote it."""
    archive = zip_of({"evil.txt_../../etc/passwd": seed_bytes(0), "fine.txt": seed_bytes(1)})
    archive = archive.replace(b"evil.txt_", b"evil.txt\x00")
    rows = report_rows(post(admin_client, ("letters.zip", archive)))
    reason = "unsafe path in the ZIP (a NUL character in the name): not read"
    assert rows[0] == ("letters.zip/evil.txt../../etc/passwd", "failed", reason)
    assert rows[1][:2] == ("letters.zip/fine.txt", "created")
    assert Letter.objects.count() == 1


def test_zip_symbolic_link_is_refused(admin_client):
    archive = zip_of({"fine.txt": seed_bytes(1)}, links={"link.txt": "/etc/passwd"})
    rows = report_rows(post(admin_client, ("letters.zip", archive)))
    reason = "a symbolic link in the ZIP, not a file: not read"
    assert rows[0] == ("letters.zip/fine.txt", "created", ANY)
    assert rows[1] == ("letters.zip/link.txt", "failed", reason)


def test_zip_bomb_entry_stops_at_the_file_limit(admin_client, settings):
    settings.IMR_MAX_FILE_BYTES = 100_000
    archive = zip_of({"bomb.txt": b"A" * 50_000_000, "fine.txt": seed_bytes(1)})
    assert len(archive) < 200_000
    rows = report_rows(post(admin_client, ("letters.zip", archive)))
    reason = "expands to more than 0.1 MB, over the limit"
    assert rows[0] == ("letters.zip/bomb.txt", "failed", reason)
    assert rows[1][1] == "created"


def test_zip_header_understating_a_size_does_not_let_more_through(admin_client):
    """The central directory claims 100 bytes; the data is a whole letter, and fails its CRC."""
    archive = bytearray(zip_of({"liar.txt": seed_bytes(0)}, zipfile.ZIP_STORED))
    directory = archive.rindex(b"PK\x01\x02")
    archive[directory + 24 : directory + 28] = struct.pack("<I", 100)
    rows = report_rows(post(admin_client, ("letters.zip", bytes(archive))))
    [(name, status, reason)] = rows
    assert (name, status) == ("letters.zip/liar.txt", "failed")
    assert reason.startswith("cannot be read from the ZIP (Bad CRC-32")
    assert Letter.objects.count() == 0


def test_zip_total_uncompressed_budget_is_counted_while_reading(admin_client, settings):
    sizes = [len(seed_bytes(n)) for n in range(3)]
    settings.IMR_ZIP_MAX_TOTAL_BYTES = sizes[0] + sizes[1] + 10
    archive = zip_of({f"{n}.txt": seed_bytes(n) for n in range(3)} | {"3.txt": b"late"})
    rows = report_rows(post(admin_client, ("letters.zip", archive)))
    over = "not loaded: the upload's ZIP files expand to more than 0.0 MB in all"
    assert rows[0][1] == rows[1][1] == "created"
    assert rows[2] == ("letters.zip/2.txt", "failed", over)
    assert rows[3] == ("letters.zip/3.txt", "failed", over)
    assert Letter.objects.count() == 2


def test_budget_is_shared_by_all_zips_of_an_upload(admin_client, settings):
    settings.IMR_ZIP_MAX_ENTRIES = 3
    first = zip_of({"a.txt": seed_bytes(0), "b.txt": seed_bytes(1)})
    second = zip_of({"c.txt": seed_bytes(2), "d.txt": b"more"})
    rows = report_rows(post(admin_client, ("one.zip", first), ("two.zip", second)))
    assert [(name, status) for name, status, _ in rows] == [
        ("one.zip/a.txt", "created"),
        ("one.zip/b.txt", "created"),
        ("two.zip", "failed"),
    ]


def test_zip_with_too_many_entries_is_refused_whole(admin_client, settings):
    settings.IMR_ZIP_MAX_ENTRIES = 2
    archive = zip_of({f"{n}.txt": seed_bytes(n) for n in range(3)} | {"folder/": b""})
    rows = report_rows(post(admin_client, ("letters.zip", archive), ("loose.txt", seed_bytes(0))))
    assert rows[0] == (
        "letters.zip",
        "failed",
        "the ZIP holds 3 files; an upload's ZIP files may hold at most 2 in all. "
        "Nothing in it was read",
    )
    assert rows[1][:2] == ("loose.txt", "created")


def test_zip_directory_too_big_for_the_entry_limit_is_refused_unopened(
    admin_client, settings, monkeypatch
):
    """Millions of empty entries would cost memory to list: the end record gives them away."""
    settings.IMR_ZIP_MAX_ENTRIES = 2
    archive = zip_of({f"{n:0>40}.txt": b"" for n in range(100)})

    def must_not_open(*args, **kwargs):
        raise AssertionError("the archive was opened")

    monkeypatch.setattr("decisions.services.uploads.zipfile.ZipFile", must_not_open)
    rows = report_rows(post(admin_client, ("letters.zip", archive), ("loose.txt", seed_bytes(0))))
    assert rows[0] == (
        "letters.zip",
        "failed",
        "the ZIP lists more files than an upload's ZIP files may hold (2 in all). "
        "Nothing in it was read",
    )
    assert rows[1][:2] == ("loose.txt", "created")


def test_zip_file_larger_than_the_zip_limit_is_refused_unopened(admin_client, settings):
    archive = zip_of({"0.txt": seed_bytes(0)}, zipfile.ZIP_STORED)
    settings.IMR_ZIP_MAX_TOTAL_BYTES = len(archive) - 1
    [(name, status, reason)] = report_rows(post(admin_client, ("letters.zip", archive)))
    assert (name, status) == ("letters.zip", "failed")
    assert reason.startswith("ZIP file is 0.0 MB, over the 0.0 MB limit for ZIP files")


def test_nested_archive_is_refused_by_content(admin_client):
    inner = zip_of({"0.txt": seed_bytes(0)})
    archive = zip_of({"inner.zip": inner, "disguised.txt": inner, "fine.txt": seed_bytes(1)})
    rows = report_rows(post(admin_client, ("letters.zip", archive)))
    nested = "a ZIP inside the ZIP: nested archives are not opened"
    assert rows[0] == ("letters.zip/inner.zip", "failed", nested)
    assert rows[1] == ("letters.zip/disguised.txt", "failed", nested)
    assert rows[2][1] == "created"
    assert Letter.objects.count() == 1


def test_damaged_zip_is_refused_and_the_other_files_load(admin_client):
    rows = report_rows(
        post(
            admin_client,
            ("broken.zip", b"PK\x03\x04" + b"\x00" * 100),
            ("fine.txt", seed_bytes(0)),
        )
    )
    assert rows[0][:2] == ("broken.zip", "failed")
    assert rows[0][2].startswith("not a readable ZIP archive")
    assert rows[1][1] == "created"


def test_empty_and_binary_zip_entries_are_refused_on_upload(admin_client):
    archive = zip_of({"empty.txt": b"", "image.pdf": PNG, "fine.txt": seed_bytes(1)})
    rows = report_rows(post(admin_client, ("letters.zip", archive)))
    assert rows[0] == ("letters.zip/empty.txt", "failed", "file is empty")
    reason = "binary file (PNG image), not a PDF or text"
    assert rows[1] == ("letters.zip/image.pdf", "failed", reason)
    assert rows[2][1] == "created"
    staged = Upload.objects.get().files.values_list("name", "staged")
    assert list(staged) == [
        ("letters.zip/empty.txt", False),
        ("letters.zip/image.pdf", False),
        ("letters.zip/fine.txt", True),
    ]
