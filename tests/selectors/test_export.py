"""Export: the whole result set (not one page) as CSV and JSON, streamed, same filters."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.http import StreamingHttpResponse

from decisions.models import DisputedItem
from decisions.search.paging import PER_PAGE
from decisions.selectors.export import EXPORT_CHUNK
from tests.factories import make_item, make_letter
from tests.preparation_hooks import CITATION_WARNING, SPECIALTY_WARNING

pytestmark = pytest.mark.django_db


def body(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode()


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body(response))))


@pytest.fixture
def many_items() -> int:
    """More rows than a page and than one fetch from the server-side cursor."""
    letter = make_letter()
    count = EXPORT_CHUNK + 150
    DisputedItem.objects.bulk_create(
        DisputedItem(
            letter=letter,
            position=n,
            treatment=f"Physical therapy {n}",
            outcome="overturned" if n % 10 == 0 else "upheld",
            rationale="Therapy is indicated.",
        )
        for n in range(1, count + 1)
    )
    return count


def test_csv_has_every_result_not_just_a_page(client, many_items):
    assert many_items > PER_PAGE
    rows = csv_rows(client.get("/export.csv"))
    assert len(rows) == many_items
    overturned = csv_rows(client.get("/export.csv", {"outcome": "overturned", "q": "therapy"}))
    assert len(overturned) == many_items // 10
    assert {r["outcome_meaning"] for r in overturned} == {"Overturned: treatment approved"}


def test_json_is_one_array_of_every_result(client, many_items):
    response = client.get("/export.json", {"outcome": "upheld"})
    assert response["Content-Type"] == "application/json"
    rows = json.loads(body(response))
    assert len(rows) == many_items - many_items // 10
    assert json.loads(body(client.get("/export.json", {"q": "nothing-matches-this"}))) == []


def test_rows_are_held_a_chunk_at_a_time(client, many_items):
    """Each block of either file holds at most EXPORT_CHUNK rows, so memory stays flat however
    many the result has; and a whole chunk's rows, so the server writes to the socket once a
    chunk, not once a row."""
    csv_blocks = list(client.get("/export.csv").streaming_content)[1:]  # after the header
    records = [len(list(csv.reader(io.StringIO(block.decode())))) for block in csv_blocks]
    assert sum(records) == many_items and max(records) == EXPORT_CHUNK
    json_blocks = list(client.get("/export.json").streaming_content)
    objects = [block.count(b'\n{"url": ') for block in json_blocks]  # after "[" or ","
    assert sum(objects) == many_items and max(objects) == EXPORT_CHUNK


def test_export_rows_carry_the_decision_and_the_reviewers_citations(client, letters_dir):
    call_command("ingest", str(letters_dir), "--workers=1")
    response = client.get("/export.csv", {"q": "norco", "outcome": "overturned"})
    assert response["Content-Disposition"] == 'attachment; filename="imr-decisions.csv"'
    [row] = csv_rows(response)
    norco = DisputedItem.objects.get(treatment="Norco 10/325mg, #120")
    assert row["url"] == f"http://testserver/letters/{norco.letter_id}/#item-3"
    assert row["treatment"] == "Norco 10/325mg, #120"
    assert row["outcome"] == "overturned"
    assert row["reviewer_specialty"] == "Occupational Medicine"
    assert row["date_of_injury"] == "2013-12-31"
    assert row["reviewer_pages"] == "Chronic Pain Medical Treatment Guidelines:91"
    assert row["guideline_mismatch"] == "no"
    assert row["patient_age"] == ""  # not stated
    assert row["rationale"].startswith("The request in question")
    assert (row["category"], row["drug_class"]) == ("pharmaceutical", "opioid")
    assert row["generic_names"] == "hydrocodone; acetaminophen"
    [item] = json.loads(body(client.get("/export.json", {"q": "norco", "outcome": "overturned"})))
    assert item["reviewer_guidelines"] == ["MTUS"] and item["patient_age"] is None
    assert item["generic_names"] == ["hydrocodone", "acetaminophen"]
    assert list(item) == list(row)


def test_a_non_drug_has_a_category_and_no_class_or_names(client, letters_dir):
    call_command("ingest", str(letters_dir), "--workers=1")
    params = {"category": "injection", "sort": "oldest"}
    rows = csv_rows(client.get("/export.csv", params))
    assert len(rows) == 5
    assert {(r["category"], r["drug_class"], r["generic_names"]) for r in rows} == {
        ("injection", "", "")
    }
    items = json.loads(body(client.get("/export.json", params)))
    assert {(i["category"], i["drug_class"], tuple(i["generic_names"])) for i in items} == {
        ("injection", None, ())
    }
    assert len(csv_rows(client.get("/export.csv", {"drug": "Norco"}))) == 1


def as_csv_text(value) -> str:
    """A JSON value the way the CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "; ".join(value) if isinstance(value, list) else str(value)


def test_csv_and_json_hold_the_same_rows_in_the_same_order(client, letters_dir, many_items):
    """Postgres writes the CSV, Python the JSON: they must still agree cell for cell."""
    call_command("ingest", str(letters_dir), "--workers=1")
    for params in ({}, {"q": "injection"}, {"sort": "oldest"}):
        from_csv = csv_rows(client.get("/export.csv", params))
        from_json = json.loads(body(client.get("/export.json", params)))
        assert len(from_csv) == len(from_json) > 0
        assert from_csv == [{k: as_csv_text(v) for k, v in row.items()} for row in from_json]
    assert body(client.get("/export.csv")).count("\r") == 0  # one line ending throughout


def test_csv_neutralises_spreadsheet_formulas(client):
    letter = make_letter()
    DisputedItem.objects.create(
        letter=letter,
        position=1,
        treatment='=HYPERLINK("http://x")',
        outcome="upheld",
        rationale="-2+3 is not a rationale",
    )
    [row] = csv_rows(client.get("/export.csv"))
    assert row["treatment"] == '\'=HYPERLINK("http://x")'
    assert row["rationale"] == "'-2+3 is not a rationale"


def test_invalid_parameters_are_a_bad_request(client):
    response = client.get("/export.csv", {"age_min": "old"})
    assert response.status_code == 400
    assert "age_min" in response.content.decode()
    assert client.get("/export.json", {"outcome": "x"}).status_code == 400


def test_search_page_links_to_the_export_of_its_results(client, letters_dir):
    call_command("ingest", str(letters_dir), "--workers=1")
    html = client.get("/", {"q": "injection", "page": "1"}).content.decode()
    assert "Download all 8:" in html
    assert 'href="/export.csv?q=injection"' in html
    assert len(csv_rows(client.get("/export.csv?q=injection"))) == 8


def test_each_row_names_the_codes_of_the_warnings_about_its_values(client, warned_letter):
    """The letter's warnings concern every one of its items; an item's, that item alone."""
    from_csv = csv_rows(client.get("/export.csv", {"sort": "oldest"}))
    from_json = json.loads(body(client.get("/export.json", {"sort": "oldest"})))
    assert from_csv == [{k: as_csv_text(v) for k, v in row.items()} for row in from_json]
    codes = {(row["letter_id"], row["position"]): row["warnings"] for row in from_json}
    assert codes == {
        **{key: [] for key in codes if key[0] != warned_letter.pk},
        (warned_letter.pk, 1): sorted([SPECIALTY_WARNING.code, CITATION_WARNING.code]),
        **{(warned_letter.pk, n): [SPECIALTY_WARNING.code] for n in (2, 3, 4)},
    }
    assert "warnings" in from_csv[0]


def warning(code: str) -> dict:
    return {"code": code, "field": "items[1]", "message": "A message.", "quote": ""}


@pytest.fixture
def awkward_items() -> list[DisputedItem]:
    """Two items whose values exercise every way a cell is written: quotes, separators, line
    breaks, backslashes, control characters, text beyond ASCII (and beyond 16 bits), formula
    starts, lists empty and not, missing values, warnings of the letter and of the item."""
    letter = make_letter(
        pk=7001,  # fixed, for the pinned addresses
        case_number="CM13-0000042",
        warnings=[warning("z-letter"), warning("b-both")],
        patient_age=47,
        patient_sex="female",
        date_of_injury=datetime.date(2012, 3, 4),
        decision_date=datetime.date(2014, 5, 6),
    )
    first = make_item(
        letter,
        treatment="Norco 10/325mg, #120 \u201cbrand\u201d caf\u00e9 \U0001f600",
        outcome="overturned",
        rationale='He said "no".\nC:\\path\ttab\x01\x7f end',
        claims_administrator_basis=None,
        reviewer_basis="=SUM(A1)",
        reviewer_guidelines=["MTUS", "ODG"],
        reviewer_documents=['Chronic Pain, "Opioids"', "back\\slash"],
        reviewer_pages=["Chronic Pain:91"],
        guideline_mismatch=False,
        warnings=[warning("b-both"), warning("a-item")],
        dwc_category="Pharmaceuticals",
        dwc_subcategory="-Opioids",
    )
    second = make_item(
        make_letter(pk=7002, reviewer_specialty="Orthopedic Surgery"),
        treatment="Physical therapy",
        outcome="upheld",
        rationale="",
        claims_administrator_basis="",
        reviewer_basis="Page 3; see above",
        guideline_mismatch=True,
    )
    return [first, second]


def test_a_small_exports_bytes_are_pinned(client, awkward_items):
    """Every column's encoding, byte for byte, in both formats: a faster export must write the
    same files."""
    csv_bytes = b"".join(client.get("/export.csv", {"sort": "oldest"}).streaming_content)
    json_bytes = b"".join(client.get("/export.json", {"sort": "oldest"}).streaming_content)
    assert csv_bytes == PINNED_CSV
    assert json_bytes == PINNED_JSON


# Written by the export before it was made faster (session 9), and checked by eye: COPY's CSV
# (an empty string quoted, a missing value empty, formula starts defused, text as UTF-8) and
# Python's JSON (", " and ": " between values, text beyond ASCII escaped).
PINNED_CSV = (
    b"url,letter_id,position,case_number,decision_date,treatment,outcome,outcome_meaning,"
    b"reviewer_specialty,patient_age,patient_sex,date_of_injury,reviewer_guidelines,"
    b"reviewer_documents,reviewer_pages,guideline_mismatch,claims_administrator_basis,"
    b"reviewer_basis,rationale,warnings,category,drug_class,generic_names,dwc_category,"
    b"dwc_subcategory\n"
    b'http://testserver/letters/7001/#item-1,7001,1,CM13-0000042,2014-05-06,"Norco 10/325mg, '
    b'#120 \xe2\x80\x9cbrand\xe2\x80\x9d caf\xc3\xa9 \xf0\x9f\x98\x80",overturned,'
    b"Overturned: treatment approved,Occupational Medicine,47,female,2012-03-04,MTUS; ODG,"
    b'"Chronic Pain, ""Opioids""; back\\slash",Chronic Pain:91,no,,\'=SUM(A1),"He said '
    b'""no"".\n'
    b'C:\\path\ttab\x01\x7f end",a-item; b-both; z-letter,pharmaceutical,opioid,hydrocodone; '
    b"acetaminophen,Pharmaceuticals,'-Opioids\n"
    b"http://testserver/letters/7002/#item-1,7002,1,,,Physical therapy,upheld,Upheld: "
    b'treatment denied,Orthopaedic Surgery,,,,"","","",yes,"",Page 3; see above,"","",'
    b'physical_therapy,,"",,\n'
)
PINNED_JSON = (
    b"[\n"
    b'{"url": "http://testserver/letters/7001/#item-1", "letter_id": 7001, "position": 1, '
    b'"case_number": "CM13-0000042", "decision_date": "2014-05-06", "treatment": "Norco '
    b'10/325mg, #120 \\u201cbrand\\u201d caf\\u00e9 \\ud83d\\ude00", "outcome": "overturned",'
    b' "outcome_meaning": "Overturned: treatment approved", "reviewer_specialty": '
    b'"Occupational Medicine", "patient_age": 47, "patient_sex": "female", "date_of_injury": '
    b'"2012-03-04", "reviewer_guidelines": ["MTUS", "ODG"], "reviewer_documents": ["Chronic '
    b'Pain, \\"Opioids\\"", "back\\\\slash"], "reviewer_pages": ["Chronic Pain:91"], '
    b'"guideline_mismatch": false, "claims_administrator_basis": null, "reviewer_basis": '
    b'"=SUM(A1)", "rationale": "He said \\"no\\".\\nC:\\\\path\\ttab\\u0001\\u007f end", '
    b'"warnings": ["a-item", "b-both", "z-letter"], "category": "pharmaceutical", '
    b'"drug_class": "opioid", "generic_names": ["hydrocodone", "acetaminophen"], '
    b'"dwc_category": "Pharmaceuticals", "dwc_subcategory": "-Opioids"},\n'
    b'{"url": "http://testserver/letters/7002/#item-1", "letter_id": 7002, "position": 1, '
    b'"case_number": null, "decision_date": null, "treatment": "Physical therapy", '
    b'"outcome": "upheld", "outcome_meaning": "Upheld: treatment denied", '
    b'"reviewer_specialty": "Orthopaedic Surgery", "patient_age": null, "patient_sex": null, '
    b'"date_of_injury": null, "reviewer_guidelines": [], "reviewer_documents": [], '
    b'"reviewer_pages": [], "guideline_mismatch": true, "claims_administrator_basis": "", '
    b'"reviewer_basis": "Page 3; see above", "rationale": "", "warnings": [], "category": '
    b'"physical_therapy", "drug_class": null, "generic_names": [], "dwc_category": null, '
    b'"dwc_subcategory": null}\n'
    b"]\n"
)
