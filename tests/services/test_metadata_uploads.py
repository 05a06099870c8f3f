"""The DWC's metadata CSV uploaded by staff (decisions/services/metadata_uploads.py, its job in
decisions/services/upload_jobs.py): what the request refuses, by content and naming the file,
with nothing stored; what the job applies through the metadata service and reports; the same
file twice.

Queued jobs run at once here (tests/settings.py), so an upload's page already holds its
outcome; the database queue, the worker and a crashed job are in test_upload_worker.py.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import re
from html import unescape
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from decisions.models import DwcCase, Letter, MetadataConflict, MetadataLoad, SearchEntry, Upload
from decisions.views import uploads as upload_views
from tests.helpers import (
    DWC_CASE,
    DWC_HEADER,
    PNG,
    as_upload,
    dwc_rows_agreeing_with,
    entry_writes_of,
    letter_file,
    post,
    seed_bytes,
    zip_of,
)

pytestmark = pytest.mark.django_db

METADATA_URL = "/upload/metadata/"
ROW = f"{DWC_CASE},03/02/2015,,,,Pharmaceuticals,Opioids,\n"


def send_metadata(client, data: bytes, name: str = "dwc.csv"):
    return client.post(METADATA_URL, {"file": as_upload(name, data)})


def text_of(response) -> str:
    """The page's words, without tags, spaces run together."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def kept_files() -> list[Path]:
    return sorted(p for p in (Path(settings.MEDIA_ROOT) / "metadata").rglob("*") if p.is_file())


@pytest.fixture(autouse=True)
def no_kept_files():
    """The media root is the test session's: each test starts without kept metadata files."""
    for path in kept_files():
        path.unlink()


@pytest.fixture
def stored(tmp_path) -> Letter:
    """Seed letter 0 (no case number in its text), stored from a file named by its case."""
    call_command(
        "ingest",
        str(letter_file(tmp_path, f"{DWC_CASE}_redacted.txt")),
        "--workers=1",
        stdout=StringIO(),
    )
    return Letter.objects.get()


def test_a_good_file_is_kept_applied_by_its_job_and_reported(admin_client, admin_user, stored):
    data = (
        DWC_HEADER + dwc_rows_agreeing_with(stored) + "CM15-0000009,03/03/2015,,,,Imaging,MRI,\n"
    ).encode()
    response = send_metadata(admin_client, data)
    upload = Upload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == upload.get_absolute_url()
    assert (upload.kind, upload.state, upload.sources, upload.user, upload.attempts) == (
        "metadata",
        "done",
        "dwc.csv",
        admin_user,
        1,
    )

    load = upload.metadata_load
    items = stored.items.count()
    counts = (load.rows, load.cases, load.letters, load.pending, load.conflicts, load.skipped)
    assert counts == (items + 1, 2, 1, 1, 0, 0)
    assert load.bytes_read == load.size == len(data)
    # Kept by its hash, as letters' originals are, byte for byte.
    assert load.sha256 == hashlib.sha256(data).hexdigest()
    assert kept_files() == [Path(settings.MEDIA_ROOT) / load.file.name]
    assert kept_files()[0].read_bytes() == data
    assert kept_files()[0].stat().st_mode & 0o777 == settings.FILE_UPLOAD_PERMISSIONS
    assert load.file.name == f"metadata/{load.sha256[:2]}/{load.sha256}.csv"

    # Applied as `apply_metadata` applies it, naming the upload as the rows' source.
    letter = Letter.objects.get()
    assert letter.dwc_decision_date == datetime.date(2015, 3, 2)
    assert set(letter.items.values_list("dwc_category", flat=True)) == {
        f"Category {n}" for n in range(1, items + 1)
    }
    assert set(DwcCase.objects.values_list("source_name", flat=True)) == {
        f"dwc.csv (upload {upload.pk})"
    }

    page = text_of(admin_client.get(upload.get_absolute_url()))
    assert "DWC metadata upload" in page and "dwc.csv" in page
    assert f"{items + 1} rows of 2 cases read" in page and "applied to 1 stored letter " in page
    assert "1 case kept for letters not stored yet" in page and "0 conflicts" in page
    assert "Done. The rows filled what 1 stored letter did not state" in page
    assert "Rows skipped" not in page
    status = json.loads(
        admin_client.get(reverse("decisions:upload-status", args=[upload.pk])).content
    )
    assert status == {
        "state": "done",
        "finished": True,
        "size": len(data),
        "bytes_read": len(data),
        "rows": items + 1,
        "cases": 2,
        "letters": 1,
        "pending": 1,
        "conflicts": 0,
        "skipped": 0,
    }


def test_a_byte_order_mark_and_crlf_lines_are_read_as_excel_writes_them(admin_client, stored):
    text = (DWC_HEADER + dwc_rows_agreeing_with(stored)).replace("\n", "\r\n")
    send_metadata(admin_client, b"\xef\xbb\xbf" + text.encode())
    load = MetadataLoad.objects.get()
    assert (load.upload.state, load.letters, load.skipped) == ("done", 1, 0)


LATIN = (DWC_HEADER + f"{DWC_CASE},,,,Médecine,,,\n").encode("cp1252")
LATIN_E = LATIN.index("é".encode("cp1252")) + 1


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "dwc.csv: the file is empty. Nothing was stored."),
        (
            b"case,date\nCM15-0000001,03/02/2015\n",
            "dwc.csv: the header row lacks the column(s) case_number, decision_date, "
            "date_of_injury, received_date, specialty, category, subcategory, decision (it "
            "needs case_number,",
        ),
        (
            DWC_HEADER.replace("specialty,", "").encode(),
            "dwc.csv: the header row lacks the column(s) specialty (it needs",
        ),
        (b"\n\n", "dwc.csv: there is no header row"),
        (
            LATIN,
            f"dwc.csv: it is not UTF-8 text: byte {LATIN_E} (line 2) is 0xE9. "
            'Save it as UTF-8 (Excel: "CSV UTF-8"), with or without a byte-order mark. '
            "Nothing was stored.",
        ),
        ((DWC_HEADER + ROW).encode("utf-16"), "dwc.csv: it is UTF-16 text, not UTF-8"),
        (
            # After a byte-order mark, and in a later chunk than the first, the byte is placed
            # exactly: the decoder counts from elsewhere.
            b"\xef\xbb\xbf" + LATIN,
            f"dwc.csv: it is not UTF-8 text: byte {LATIN_E + 3} (line 2) is 0xE9.",
        ),
        (
            (DWC_HEADER + ROW * 21_000).encode() + "é".encode() + b"\xff",
            f"dwc.csv: it is not UTF-8 text: byte {len(DWC_HEADER + ROW * 21_000) + 3:,} "
            "(line 21,002) is 0xFF.",
        ),
        (
            zip_of({"dwc.csv": (DWC_HEADER + ROW).encode()}),
            "dwc.csv: it is a ZIP archive, not a CSV file: unzip it and upload the CSV.",
        ),
        (PNG, "dwc.csv: it is a binary file (PNG image), not a CSV file."),
        (b"%PDF-1.4\n", "dwc.csv: it is a PDF, not a CSV file"),
        (
            (DWC_HEADER + ROW).encode() + b"CM15\x00",
            f"dwc.csv: it holds a NUL byte (byte {len(DWC_HEADER + ROW) + 5}, line 3): not a "
            "text file.",
        ),
        (
            (DWC_HEADER + ROW).encode() + "é".encode()[:1],
            "dwc.csv: it is not UTF-8 text: it ends in the middle of a character.",
        ),
        (b"x" * 70_000, "dwc.csv: its first 65,536 characters hold no line break"),
    ],
)
def test_a_file_that_cannot_be_applied_is_refused_naming_it_and_nothing_is_stored(
    admin_client, data, reason
):
    response = send_metadata(admin_client, data)
    assert response.status_code == 400
    assert reason in text_of(response)
    assert response.context["metadata_form"].is_bound is False  # the form, ready for another
    assert not Upload.objects.exists() and not MetadataLoad.objects.exists()
    assert kept_files() == []


def test_a_file_over_the_limit_is_refused_by_its_size(admin_client, settings):
    settings.IMR_METADATA_MAX_BYTES = 2 * 1024 * 1024
    data = (DWC_HEADER + ROW * (3 * 1024 * 1024 // len(ROW))).encode()
    response = send_metadata(admin_client, data)
    assert response.status_code == 400
    assert (
        "dwc.csv: the file is 3.0 MB, over the 2.0 MB limit for a metadata file. Split it (by "
        "year, say) or apply it with `manage.py apply_metadata`. Nothing was stored."
    ) in text_of(response)
    assert not Upload.objects.exists() and kept_files() == []
    # The page states the limit beside the form.
    assert "A DWC metadata CSV may be at most 2.0 MB" in text_of(admin_client.get("/upload/"))


def test_bad_rows_are_listed_by_line_and_all_of_them_download(admin_client, stored, monkeypatch):
    monkeypatch.setattr(upload_views, "BAD_ROWS_SHOWN", 2)
    good = dwc_rows_agreeing_with(stored)
    body = (
        ",03/02/2015,,,,,,upheld\n"
        + good
        + "CM15-0000002,13/45/2015,,,,,,upheld\n"
        + "=HYPERLINK(1),,,,,,,\n"
    )
    send_metadata(admin_client, (DWC_HEADER + body).encode())
    upload = Upload.objects.get()
    load = upload.metadata_load
    after = 3 + good.count("\n")
    assert (load.skipped, load.letters, upload.state) == (3, 1, "done")
    assert list(load.bad_rows.values_list("line", "case_number", "reason")) == [
        (2, "", "no case number"),
        (
            after,
            "CM15-0000002",
            "decision_date '13/45/2015' is not a date (MM/DD/YYYY or YYYY-MM-DD)",
        ),
        (after + 1, "=HYPERLINK(1)", "'=HYPERLINK(1)' is not a DWC case number"),
    ]
    assert Letter.objects.get().dwc_decision_date == datetime.date(2015, 3, 2)  # the rest applies

    page = admin_client.get(upload.get_absolute_url())
    rows = [
        [cell.strip() for cell in re.findall(r"<td>(.*?)</td>", row)]
        for row in re.findall(r"<tr><td>.*?</tr>", page.content.decode())
    ]
    assert rows == [
        ["2", "none", "No case number"],
        [
            str(after),
            "CM15-0000002",
            "Decision_date &#x27;13/45/2015&#x27; is not a date (MM/DD/YYYY or YYYY-MM-DD)",
        ],
    ]
    assert "The first 2 of 3 are listed here" in text_of(page)

    download = admin_client.get(reverse("decisions:upload-bad-rows", args=[upload.pk]))
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="upload-{upload.pk}-bad-rows.csv"' in download["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert lines[0] == ["line", "case_number", "reason"]
    assert lines[1:] == [
        ["2", "", "no case number"],
        [
            str(after),
            "CM15-0000002",
            "decision_date '13/45/2015' is not a date (MM/DD/YYYY or YYYY-MM-DD)",
        ],
        # The file's own text, which a spreadsheet would run as a formula, defused.
        [str(after + 1), "'=HYPERLINK(1)", "'=HYPERLINK(1)' is not a DWC case number"],
    ]


def test_rows_for_a_letter_not_stored_yet_are_kept_and_apply_when_it_is_uploaded(admin_client):
    send_metadata(admin_client, (DWC_HEADER + ROW).encode())
    load = MetadataLoad.objects.get()
    assert (load.cases, load.letters, load.pending) == (1, 0, 1)
    assert "1 case kept for letters not stored yet" in text_of(
        admin_client.get(load.upload.get_absolute_url())
    )

    post(admin_client, (f"{DWC_CASE}.txt", seed_bytes(0)))  # the letter, uploaded later
    letter = Letter.objects.get()
    assert (letter.case_number, letter.dwc_decision_date) == (DWC_CASE, datetime.date(2015, 3, 2))


def test_the_same_file_twice_changes_nothing_and_its_conflicts_link_to_the_admin(
    admin_client, stored
):
    first = stored.items.get(position=1)
    other = "overturned" if first.outcome == "upheld" else "upheld"
    rows = dwc_rows_agreeing_with(stored).splitlines(keepends=True)
    rows[0] = rows[0].replace(f",{first.outcome}\n", f",{other}\n")
    data = (DWC_HEADER + "".join(rows)).encode()

    def state() -> tuple:
        return (
            list(Letter.objects.values_list("dwc_decision_date", "dwc_received_date")),
            list(
                stored.items.order_by("pk").values_list(
                    "decision_date", "received_date", "dwc_category", "dwc_subcategory", "outcome"
                )
            ),
            list(SearchEntry.objects.order_by("pk").values_list("item_id", "decision_date")),
            list(DwcCase.objects.values_list("case_number", "decision_date", "items")),
            list(
                MetadataConflict.objects.values_list(
                    "letter_id", "field", "position", "letter_value", "dwc_value"
                )
            ),
        )

    send_metadata(admin_client, data)
    once = state()
    assert once[4] == [(stored.pk, "decision", 1, first.outcome, other)]
    # Again: nothing is written to the search entries, and everything reads the same.
    assert entry_writes_of(lambda: send_metadata(admin_client, data, "dwc again.csv")) == {}
    assert state() == once
    first_load, second_load = MetadataLoad.objects.order_by("pk")
    for load in (first_load, second_load):
        counts = (load.cases, load.letters, load.pending, load.conflicts, load.skipped)
        assert counts == (1, 1, 0, 1, 0)
    assert len(kept_files()) == 1  # the same bytes, kept once

    # The conflicts are the latest file's, and its page links to them in the admin.
    assert MetadataConflict.objects.get().source_name == second_load.source_name
    page = admin_client.get(second_load.upload.get_absolute_url()).content.decode()
    url = second_load.conflicts_url()
    assert f'href="{url.replace("&", "&amp;")}"' in page
    admin_list = admin_client.get(url)
    assert admin_list.status_code == 200
    assert [c.pk for c in admin_list.context["cl"].result_list] == [
        MetadataConflict.objects.get().pk
    ]
    # The first file stands in no conflict now: its link lists none.
    assert list(admin_client.get(first_load.conflicts_url()).context["cl"].result_list) == []


def test_the_admin_lists_the_metadata_uploads_and_every_bad_row(admin_client):
    send_metadata(admin_client, (DWC_HEADER + ROW + ",,,,,,,\n").encode())
    load = MetadataLoad.objects.get()
    uploads = admin_client.get(reverse("admin:decisions_metadataload_changelist"))
    assert uploads.status_code == 200
    assert f"dwc.csv (upload {load.upload_id})" in uploads.content.decode()
    assert f'href="{load.upload.get_absolute_url()}"' in uploads.content.decode()

    # A second file, so that the bad rows' "By load" filter has two loads to offer: follow the
    # link the filter itself writes for the first one.
    send_metadata(admin_client, (DWC_HEADER + ",,,,,,,\n,,,,,,,\n").encode(), name="second.csv")
    all_bad_rows = reverse("admin:decisions_metadatabadrow_changelist")
    listed = admin_client.get(all_bad_rows)
    assert [row.line for row in listed.context["cl"].result_list] == [3, 2, 3]
    (by_load,) = [f for f in listed.context["cl"].filter_specs if f.title == "load"]
    (first_load,) = [c for c in by_load.choices(listed.context["cl"]) if c["display"] == str(load)]
    bad_rows = admin_client.get(all_bad_rows + first_load["query_string"])
    assert bad_rows.status_code == 200
    assert [row.line for row in bad_rows.context["cl"].result_list] == [3]
