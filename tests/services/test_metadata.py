"""The DWC's metadata applied to stored letters (decisions/services/metadata.py), through the
commands an admin runs: `apply_metadata FILE.csv` and `ingest --metadata FILE.csv PATH`."""

from __future__ import annotations

import csv
import datetime
import io
import json
import threading
from collections import Counter
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.urls import reverse

from decisions.models import DisputedItem, DwcCase, Letter, MetadataConflict, SearchEntry
from decisions.services import letters as letters_service
from decisions.services import metadata as metadata_service
from decisions.services.metadata import load_metadata
from devtools.synthetic import METADATA_FILE, write_corpus
from tests.factories import make_item, make_letter
from tests.helpers import (
    DWC_CASE,
    DWC_HEADER,
    assert_derived_rows_match_the_items,
    dwc_rows_agreeing_with,
    letter_file,
    seed_variant,
)

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str, CommandError | None]:
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def csv_file(folder: Path, body: str, name: str = "dwc.csv") -> Path:
    path = folder / name
    path.write_text(DWC_HEADER + body, encoding="utf-8")
    return path


@pytest.fixture
def stored(tmp_path) -> Letter:
    """Seed letter 0 (no case number in its text), stored from a file named by its case."""
    run("ingest", str(letter_file(tmp_path, f"{DWC_CASE}_redacted.txt")), "--workers=1")
    return Letter.objects.get()


def test_a_file_named_by_its_case_gives_the_stored_letter_its_number(stored):
    assert (stored.case_number, stored.case_number_source) == (DWC_CASE, "file_name")
    assert stored.layout == "standard"


def test_rows_fill_the_dates_and_categories_the_letter_does_not_state(stored, tmp_path):
    out, err, error = run("apply_metadata", str(csv_file(tmp_path, dwc_rows_agreeing_with(stored))))
    assert error is None and err == ""
    assert "1 cases" in out and "applied to 1 stored letters" in out and "0 conflicts" in out
    letter = Letter.objects.get()
    assert letter.decision_date is None  # what the letter says: nothing
    assert letter.dwc_decision_date == datetime.date(2015, 3, 2)
    assert letter.dwc_received_date == datetime.date(2015, 1, 20)
    items = list(letter.items.order_by("position"))
    assert [(i.decision_date, i.dwc_category, i.dwc_subcategory) for i in items] == [
        (datetime.date(2015, 3, 2), f"Category {i.position}", f"Sub {i.position}") for i in items
    ]
    # The received filters read the items' copy of the date.
    assert {i.received_date for i in items} == {datetime.date(2015, 1, 20)}
    # "Newest first" reads the search entries' dates: moved with the items.
    assert set(SearchEntry.objects.values_list("decision_date", flat=True)) == {
        datetime.date(2015, 3, 2)
    }
    assert_derived_rows_match_the_items()
    assert MetadataConflict.objects.count() == 0


def test_disagreements_are_reported_and_kept_and_the_letter_stands(stored, tmp_path):
    first = stored.items.get(position=1)
    other = "overturned" if first.outcome == "upheld" else "upheld"
    rows = dwc_rows_agreeing_with(stored).splitlines(keepends=True)
    rows[0] = rows[0].replace(f",{first.outcome}\n", f",{other}\n")
    rows = [row.replace(f",{stored.reviewer_specialty},", ",Dermatology,") for row in rows]
    out, _, error = run("apply_metadata", str(csv_file(tmp_path, "".join(rows))))
    assert error is None
    assert f"conflict {DWC_CASE} item 1: item decision: the letter says {first.outcome}" in out
    assert f"{DWC_CASE}: reviewer specialty: the letter says" in out and "Dermatology" in out
    assert DisputedItem.objects.get(pk=first.pk).outcome == first.outcome
    conflicts = set(
        MetadataConflict.objects.values_list("field", "position", "letter_value", "dwc_value")
    )
    assert conflicts == {
        ("decision", 1, first.outcome, other),
        ("specialty", None, stored.reviewer_specialty_canonical, "Dermatology"),
    }
    # The same file again lists each disagreement once; a file that agrees clears them.
    run("apply_metadata", str(csv_file(tmp_path, "".join(rows))))
    assert MetadataConflict.objects.count() == 2
    run("apply_metadata", str(csv_file(tmp_path, dwc_rows_agreeing_with(stored), "fixed.csv")))
    assert MetadataConflict.objects.count() == 0


def test_a_specialty_spelled_otherwise_is_no_conflict(stored, tmp_path):
    assert stored.reviewer_specialty_canonical  # the seed's specialty is in the vocabulary
    spelled = stored.reviewer_specialty.upper().replace(" AND ", " & ")
    rows = dwc_rows_agreeing_with(stored).replace(f",{stored.reviewer_specialty},", f",{spelled},")
    run("apply_metadata", str(csv_file(tmp_path, rows)))
    assert MetadataConflict.objects.count() == 0


def test_rows_that_are_not_as_many_as_the_items_only_give_the_letters_values(stored, tmp_path):
    rows = dwc_rows_agreeing_with(stored) + f"{DWC_CASE},,,,,Extra,,upheld\n"
    out, _, _ = run("apply_metadata", str(csv_file(tmp_path, rows)))
    items = stored.items.count()
    assert f"number of items: the letter says {items}, the DWC's data {items + 1}" in out
    assert set(DisputedItem.objects.values_list("dwc_category", flat=True)) == {None}
    assert Letter.objects.get().dwc_decision_date == datetime.date(2015, 3, 2)
    assert set(DisputedItem.objects.values_list("decision_date", flat=True)) == {
        datetime.date(2015, 3, 2)
    }


def test_a_date_of_injury_that_differs_is_a_conflict(stored, tmp_path):
    assert stored.date_of_injury is not None
    rows = dwc_rows_agreeing_with(stored).replace(
        stored.date_of_injury.strftime("%m/%d/%Y"), "01/01/1999"
    )
    out, _, _ = run("apply_metadata", str(csv_file(tmp_path, rows)))
    assert f"date of injury: the letter says {stored.date_of_injury.isoformat()}" in out
    assert Letter.objects.get().date_of_injury == stored.date_of_injury


def test_bad_rows_are_reported_by_line_and_the_rest_applies(stored, tmp_path):
    body = (
        ",03/02/2015,,,,,,upheld\n"
        + dwc_rows_agreeing_with(stored)
        + "CM15-0000002,13/45/2015,,,,,,upheld\n"
    )
    path = csv_file(tmp_path, body)
    _, err, error = run("apply_metadata", str(path))
    assert f"{path}:2: row skipped: no case number" in err
    assert "row skipped (CM15-0000002): decision_date '13/45/2015' is not a date" in err
    assert error is not None and "2 rows skipped" in str(error)
    assert Letter.objects.get().dwc_decision_date == datetime.date(2015, 3, 2)


def test_a_file_without_the_columns_is_refused_naming_them(tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("case,date\nCM15-0000001,03/02/2015\n", encoding="utf-8")
    _, _, error = run("apply_metadata", str(path))
    assert error is not None and "lacks the column(s) case_number" in str(error)
    _, _, error = run("apply_metadata", str(tmp_path / "missing.csv"))
    assert error is not None and "missing.csv: cannot read the metadata file" in str(error)


def test_rows_for_a_letter_not_stored_yet_apply_when_it_is_ingested(tmp_path):
    csv = csv_file(tmp_path, f"{DWC_CASE},03/02/2015,,,,Pharmaceuticals,Opioids,\n" * 3)
    out, _, _ = run("apply_metadata", str(csv))
    assert "applied to 0 stored letters, 1 cases kept" in out
    letters = tmp_path / "letters"
    letters.mkdir()
    letter_file(letters, f"{DWC_CASE}.txt")
    run("ingest", str(letters), "--workers=1")
    letter = Letter.objects.get()
    assert letter.dwc_decision_date == datetime.date(2015, 3, 2)
    if letter.items.count() == 3:
        assert set(letter.items.values_list("dwc_category", flat=True)) == {"Pharmaceuticals"}


def test_a_letter_stored_on_its_own_after_its_batch_failed_gets_its_kept_rows(tmp_path):
    """A letter the database refuses sends its batch's letters through one transaction each
    (decisions/services/ingest.py); those letters are written with their kept rows too."""
    run("apply_metadata", str(csv_file(tmp_path, f"{DWC_CASE},03/02/2015,,2015-01-20,,,,\n")))
    letters = tmp_path / "letters"
    letters.mkdir()
    letter_file(letters, f"{DWC_CASE}.txt")
    refused = seed_variant(3).replace("Neurology", "Neurology " + "and Neurology " * 30, 1)
    (letters / "long_specialty.txt").write_text(refused, encoding="utf-8")
    out, _, error = run("ingest", str(letters), "--workers=1")
    assert error is not None and "created 1, duplicates 0, failed 1" in out
    letter = Letter.objects.get()
    assert (letter.dwc_decision_date, letter.dwc_received_date) == (
        datetime.date(2015, 3, 2),
        datetime.date(2015, 1, 20),
    )
    assert set(letter.items.values_list("decision_date", flat=True)) == {datetime.date(2015, 3, 2)}


def test_ingest_with_metadata_applies_the_file_to_the_letters_it_stores(tmp_path):
    letters = tmp_path / "letters"
    letters.mkdir()
    letter_file(letters, f"{DWC_CASE}.txt")
    csv = csv_file(tmp_path, f"{DWC_CASE},2015-03-02,,2015-01-20,,,,\n")
    out, _, error = run("ingest", "--metadata", str(csv), str(letters), "--workers=1")
    assert error is None and "created 1" in out
    assert Letter.objects.get().dwc_decision_date == datetime.date(2015, 3, 2)
    assert set(DisputedItem.objects.values_list("received_date", flat=True)) == {
        datetime.date(2015, 1, 20)
    }
    _, _, error = run("ingest", "--metadata", str(csv), "--dry-run", str(letters))
    assert error is not None and "cannot go with --dry-run" in str(error)


def disagreeing_rows(letter: Letter) -> str:
    """Rows for `letter` that give it dates and categories and disagree on item 1's decision,
    the specialty and the date of injury."""
    first = letter.items.get(position=1)
    other = "overturned" if first.outcome == "upheld" else "upheld"
    rows = dwc_rows_agreeing_with(letter).splitlines(keepends=True)
    rows[0] = rows[0].replace(f",{first.outcome}\n", f",{other}\n")
    return "".join(
        row.replace(f",{letter.reviewer_specialty},", ",Dermatology,").replace(
            f"{letter.case_number},03/02/2015,,", f"{letter.case_number},03/02/2015,01/01/2001,"
        )
        for row in rows
    )


def dwc_values_stored() -> tuple:
    """Everything the DWC's rows gave the one stored letter, without its ids."""
    letter = Letter.objects.get()
    return (
        letter.dwc_decision_date,
        letter.dwc_received_date,
        list(
            letter.items.order_by("position").values_list(
                "position", "decision_date", "received_date", "dwc_category", "dwc_subcategory"
            )
        ),
        sorted(
            MetadataConflict.objects.values_list(
                "case_number", "field", "position", "letter_value", "dwc_value", "source_name"
            ),
            key=str,
        ),
    )


def test_rows_kept_before_a_letter_give_it_what_applying_them_after_gives(stored, tmp_path):
    csv = csv_file(tmp_path, disagreeing_rows(stored))
    run("apply_metadata", str(csv))  # after the letter: its rows are updated
    applied_after = dwc_values_stored()
    assert applied_after[0] is not None and len(applied_after[3]) >= 2  # something to compare
    Letter.objects.all().delete()
    run("ingest", str(letter_file(tmp_path, f"{DWC_CASE}_redacted.txt")), "--workers=1")
    assert dwc_values_stored() == applied_after  # the kept rows, written with the letter
    assert_derived_rows_match_the_items()


def rows_updated() -> dict[str, int]:
    """Rows this transaction updated in the letters, items and search entries tables (the item
    trigger's updates of the entries included)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_upd FROM pg_stat_xact_user_tables WHERE relname IN "
            "('decisions_letter', 'decisions_disputeditem', 'decisions_searchentry')"
        )
        return dict(cursor.fetchall())


def test_a_letter_whose_rows_are_kept_is_written_once_with_its_values(stored, tmp_path):
    rows = disagreeing_rows(stored)
    Letter.objects.all().delete()
    run("apply_metadata", str(csv_file(tmp_path, rows)))
    before = rows_updated()
    run("ingest", str(letter_file(tmp_path, f"{DWC_CASE}_redacted.txt")), "--workers=1")
    assert rows_updated() == before
    assert Letter.objects.get().dwc_decision_date == datetime.date(2015, 3, 2)
    assert MetadataConflict.objects.count() >= 2
    # Applying the same rows again writes nothing either, conflicts included...
    conflicts = list(MetadataConflict.objects.values_list("pk", "found_at"))
    run("apply_metadata", str(csv_file(tmp_path, rows)))
    assert rows_updated() == before
    assert list(MetadataConflict.objects.values_list("pk", "found_at")) == conflicts
    # ...while rows that say otherwise are written (so the count above can see updates).
    run("apply_metadata", str(csv_file(tmp_path, rows.replace("03/02/2015", "04/02/2015"))))
    assert rows_updated()["decisions_disputeditem"] > before["decisions_disputeditem"]


def test_a_later_copy_named_by_its_case_gives_the_stored_letter_its_number(tmp_path):
    run("ingest", str(letter_file(tmp_path, "letter.txt")), "--workers=1")
    assert Letter.objects.get().case_number is None
    csv = csv_file(tmp_path, f"{DWC_CASE},03/02/2015,,,,,,\n")
    run("apply_metadata", str(csv))
    out, _, _ = run("ingest", str(letter_file(tmp_path, f"{DWC_CASE}.txt")), "--workers=1")
    assert "duplicates 1" in out
    letter = Letter.objects.get()
    assert (letter.case_number, letter.case_number_source) == (DWC_CASE, "file_name")
    assert letter.dwc_decision_date == datetime.date(2015, 3, 2)  # its kept rows applied
    # A copy named by another case gives nothing more: the letter keeps its number.
    run("ingest", str(letter_file(tmp_path, "CM15-0000009.txt")), "--workers=1")
    assert Letter.objects.get().case_number == DWC_CASE


def test_a_reparse_keeps_the_dwc_values_and_a_number_a_copy_gave(tmp_path):
    run("ingest", str(letter_file(tmp_path, "letter.txt")), "--workers=1")
    run("ingest", str(letter_file(tmp_path, f"{DWC_CASE}.txt")), "--workers=1")
    run("apply_metadata", str(csv_file(tmp_path, dwc_rows_agreeing_with(Letter.objects.get()))))
    before = rows_updated()
    _, _, error = run("reparse", "--all")
    assert error is None
    # The new items are written with their DWC values, not updated after.
    for table in ("decisions_disputeditem", "decisions_searchentry"):
        assert rows_updated()[table] == before[table]
    letter = Letter.objects.get()
    assert (letter.case_number, letter.case_number_source) == (DWC_CASE, "file_name")
    assert set(letter.items.values_list("decision_date", flat=True)) == {datetime.date(2015, 3, 2)}
    assert letter.items.filter(dwc_category__isnull=True).count() == 0
    assert_derived_rows_match_the_items()
    assert DwcCase.objects.get().case_number == DWC_CASE


def test_admins_list_the_conflicts_by_field_and_find_a_case_however_typed(
    stored, tmp_path, admin_client, django_assert_max_num_queries
):
    rows = dwc_rows_agreeing_with(stored).replace(f",{stored.reviewer_specialty},", ",Dermatology,")
    run("apply_metadata", str(csv_file(tmp_path, rows)))
    conflicts = reverse("admin:decisions_metadataconflict_changelist")
    with django_assert_max_num_queries(8):
        page = admin_client.get(conflicts, {"field": "specialty", "q": "cm150000001"})
    listed = page.context["cl"].result_list
    assert [(c.case_number, c.dwc_value) for c in listed] == [(DWC_CASE, "Dermatology")]
    assert stored.get_absolute_url() in page.content.decode()
    assert admin_client.get(conflicts, {"field": "decision"}).context["cl"].result_list.count() == 0
    cases = admin_client.get(reverse("admin:decisions_dwccase_changelist"), {"q": "CM150000001"})
    assert [case.case_number for case in cases.context["cl"].result_list] == [DWC_CASE]
    # Read only, like every record of what was loaded.
    assert admin_client.get(reverse("admin:decisions_metadataconflict_add")).status_code == 403


def test_the_letter_page_says_where_each_value_came_from_and_where_the_dwc_disagrees(
    stored, tmp_path, client
):
    first = stored.items.get(position=1)
    other = "overturned" if first.outcome == "upheld" else "upheld"
    rows = dwc_rows_agreeing_with(stored).splitlines(keepends=True)
    rows[0] = rows[0].replace(f",{first.outcome}\n", f",{other}\n")
    run("apply_metadata", str(csv_file(tmp_path, "".join(rows))))
    html = client.get(stored.get_absolute_url()).content.decode()
    assert f"IMR final determination {DWC_CASE}" in html
    assert "(from the file's name; the letter's text does not state it)" in html
    assert 'Mar 2, 2015 <span class="provenance">(from the DWC\'s data' in html
    assert "Jan 20, 2015" in html  # received, from the DWC too
    assert "The DWC files this request under Category 1 / Sub 1." in html
    assert "The DWC's data says otherwise on 1 value" in html
    assert (
        f"Item decision (item 1): the letter says {first.outcome}, the DWC's data {other}" in html
    )


def test_a_generated_corpus_and_its_metadata_report_exactly_the_planted_disagreements(tmp_path):
    """The generator's letters, named by case number, and its DWC metadata with disagreements
    planted in known numbers (devtools/synthetic/publication.py): every one is reported, and
    nothing else."""
    stats = write_corpus(tmp_path, 1000, 5, workers=2)
    assert set(stats.planted) == {
        "unlisted",
        "items",
        "decision",
        "date_of_injury",
        "specialty",
        "file_name",
        "bad_row",
    }
    out, err, error = run(
        "ingest", "--metadata", str(tmp_path / METADATA_FILE), str(tmp_path), "--workers=1"
    )
    assert "created 1000" in out
    assert error is not None and f"{stats.planted['bad_row']} metadata rows skipped" in str(error)
    assert err.count("row skipped: no case number") == stats.planted["bad_row"]
    fields = Counter(MetadataConflict.objects.values_list("field", flat=True))
    assert fields == {
        name: stats.planted[name] for name in ("items", "decision", "date_of_injury", "specialty")
    }
    named_otherwise = Letter.objects.filter(warning_codes__contains=["case-number-file-name"])
    assert named_otherwise.count() == stats.planted["file_name"]
    assert Letter.objects.filter(case_number__isnull=True).count() == 0
    undated = DisputedItem.objects.filter(decision_date__isnull=True)
    assert undated.values("letter").distinct().count() <= stats.planted["unlisted"]
    assert_derived_rows_match_the_items()


def test_the_export_carries_the_dwc_categories_and_defuses_them(stored, tmp_path, client):
    rows = dwc_rows_agreeing_with(stored).replace("Category 1,", "=HYPERLINK(1),")
    run("apply_metadata", str(csv_file(tmp_path, rows)))
    exported = list(
        csv.DictReader(io.StringIO(b"".join(client.get("/export.csv").streaming_content).decode()))
    )
    by_position = {int(row["position"]): row for row in exported}
    assert by_position[1]["dwc_category"] == "'=HYPERLINK(1)"
    assert (by_position[2]["dwc_category"], by_position[2]["dwc_subcategory"]) == (
        "Category 2",
        "Sub 2",
    )
    assert {row["decision_date"] for row in exported} == {"2015-03-02"}
    [first, *_] = json.loads(b"".join(client.get("/export.json").streaming_content))
    assert list(first)[-2:] == ["dwc_category", "dwc_subcategory"]


@pytest.mark.django_db(transaction=True)
def test_a_letter_stored_while_its_rows_are_applied_gets_them(tmp_path, monkeypatch):
    """The race of a load and an ingest: the load has read the stored letters (this one not
    yet) when ingest stores the letter and looks for its kept rows. Were the rows kept in the
    transaction that reads the letters, ingest could not see them yet, and neither side would
    apply them."""
    path = csv_file(tmp_path, f"{DWC_CASE},03/02/2015,,,,,,\n")
    letters_read, go_on = threading.Event(), threading.Event()
    read_letters = metadata_service._letters_of

    def pausing(letters):
        found = read_letters(letters)
        if threading.current_thread() is loader:
            letters_read.set()
            assert go_on.wait(60)
        return found

    def load() -> None:
        try:
            with open(path, encoding="utf-8") as lines:
                load_metadata(lines, "dwc.csv")
        finally:
            connection.close()  # this thread's

    monkeypatch.setattr(metadata_service, "_letters_of", pausing)
    loader = threading.Thread(target=load)
    loader.start()
    try:
        assert letters_read.wait(60)
        letters = tmp_path / "letters"
        letters.mkdir()
        letter_file(letters, f"{DWC_CASE}.txt")
        _, _, error = run("ingest", str(letters), "--workers=1")
        assert error is None
    finally:
        go_on.set()
        loader.join(60)
    assert Letter.objects.get().dwc_decision_date == datetime.date(2015, 3, 2)


@pytest.mark.django_db(transaction=True)
def test_rows_kept_while_a_letter_is_written_reach_it(tmp_path, monkeypatch):
    """The other race: ingest has looked for the letter's kept rows (there are none yet) and
    not committed it when a load keeps the rows and applies them to the letters it can see.
    Keeping waits for the letter's transaction (KEPT_ROWS_LOCK), so the load's application
    finds the letter; without the wait neither side would apply the rows."""
    path = csv_file(tmp_path, f"{DWC_CASE},03/02/2015,,,,,,\n")
    looked, go_on = threading.Event(), threading.Event()
    give = letters_service.give_kept_values

    def pausing(letters):
        given = give(letters)
        looked.set()
        assert go_on.wait(60)
        return given

    def ingest() -> None:
        try:
            letters = tmp_path / "letters"
            letters.mkdir()
            letter_file(letters, f"{DWC_CASE}.txt")
            assert run("ingest", str(letters), "--workers=1", "--writers=1")[2] is None
        finally:
            connection.close()  # this thread's

    monkeypatch.setattr(letters_service, "give_kept_values", pausing)
    waited = second_waits_for_a_lock(ingest, looked, loading(path, []), go_on)
    assert waited, "keeping the rows never waited for the letter"
    assert Letter.objects.get().dwc_decision_date == datetime.date(2015, 3, 2)


@pytest.mark.django_db(transaction=True)
def test_applying_beside_an_uncommitted_ingest_batch_waits_for_it_then_completes(tmp_path):
    """An ingest batch holds the count rows its items add to until it commits (the item
    trigger, decisions/schema.py). The DWC's dates and categories count nothing, but the
    trigger's update still looks up the items' combinations (INSERT ... ON CONFLICT DO
    NOTHING), and that waits for a batch that added to the same one: the load waits for the
    batch's commit, holding nothing the batch needs, and then completes."""
    stored = make_letter(case_number=DWC_CASE)
    for treatment in ("Norco 10/325mg, #120", "Physical therapy, 6 sessions"):
        make_item(stored, treatment=treatment)
    path = csv_file(tmp_path, dwc_rows_agreeing_with(stored))
    holding, release = threading.Event(), threading.Event()
    loaded: list = []

    def uncommitted_batch() -> None:
        try:
            with transaction.atomic():
                letter = make_letter()
                for item in stored.items.order_by("position"):
                    make_item(letter, treatment=item.treatment)
                holding.set()
                assert release.wait(60)
        finally:
            connection.close()  # this thread's

    waited = second_waits_for_a_lock(uncommitted_batch, holding, loading(path, loaded), release)
    assert waited, "the load never waited for the batch"
    assert loaded[0].letters == 1
    assert set(stored.items.values_list("dwc_category", flat=True)) == {"Category 1", "Category 2"}


def loading(path: Path, loaded: list) -> Callable[[], None]:
    """A thread's target that loads the metadata file at `path` into `loaded`."""

    def load() -> None:
        try:
            with open(path, encoding="utf-8") as lines:
                loaded.append(load_metadata(lines, "dwc.csv"))
        finally:
            connection.close()  # this thread's

    return load


def second_waits_for_a_lock(
    first: Callable[[], None],
    reached: threading.Event,
    second: Callable[[], None],
    release: threading.Event,
) -> bool:
    """Run `first` in a thread until it sets `reached`, then `second` beside it: whether
    `second` came to wait for a lock before `release` let `first` go on (both then end)."""
    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    try:
        assert reached.wait(60)
        threads[1].start()
        return waiting_for_a_lock()
    finally:
        release.set()
        for thread in threads:
            thread.join(60)


def waiting_for_a_lock() -> bool:
    """Whether a session of this database comes to wait for a lock (looked at for up to ~30 s)."""
    for _ in range(600):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
        threading.Event().wait(0.05)
    return False
