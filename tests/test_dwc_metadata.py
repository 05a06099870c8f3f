"""Reading the DWC's metadata CSV (decisions/dwc_metadata.py): cases, their items, bad rows."""

from __future__ import annotations

import datetime

import pytest

from decisions.dwc_metadata import BadRow, CaseRows, MetadataFileError, read_metadata

HEADER = (
    "case_number,decision_date,date_of_injury,received_date,specialty,category,subcategory,"
    "decision\n"
)


def read(body: str, header: str = HEADER) -> list[CaseRows | BadRow]:
    return list(read_metadata((header + body).splitlines(keepends=True)))


def test_rows_of_a_case_make_one_case_with_its_items_in_order():
    (case,) = read(
        "CM15-0123456,03/02/2015,07/28/2008,2015-01-20,Orthopedic Surgery,"
        "Pharmaceuticals,Opioids,Overturned\n"
        "cm150123456,,,,,Physical Therapy,,UPHELD\n"
    )
    assert isinstance(case, CaseRows)
    assert case.case_number == "CM15-0123456"
    assert (case.decision_date, case.date_of_injury, case.received_date) == (
        datetime.date(2015, 3, 2),
        datetime.date(2008, 7, 28),
        datetime.date(2015, 1, 20),
    )
    assert case.specialty == "Orthopedic Surgery"
    assert [(i.line, i.category, i.subcategory, i.decision) for i in case.items] == [
        (2, "Pharmaceuticals", "Opioids", "overturned"),
        (3, "Physical Therapy", None, "upheld"),
    ]


def test_columns_may_come_in_any_order_and_empty_cells_are_none():
    header = ",".join(reversed(HEADER.strip().split(","))) + "\n"
    (case,) = read("Upheld,,,,,,,CM13-0000001\n", header)
    assert isinstance(case, CaseRows)
    assert case.decision_date is None and case.specialty is None
    assert [(i.category, i.decision) for i in case.items] == [(None, "upheld")]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (",03/02/2015,,,,,,Upheld", "no case number"),
        ("15-0123456,,,,,,,Upheld", "is not a DWC case number"),
        ("CM15-0123456,31/02/2015,,,,,,Upheld", "decision_date '31/02/2015' is not a date"),
        ("CM15-0123456,,yesterday,,,,,Upheld", "date_of_injury 'yesterday' is not a date"),
        ("CM15-0123456,,,,,,,Modified", "decision 'Modified' is neither Upheld nor Overturned"),
    ],
)
def test_a_row_that_cannot_be_read_is_reported_by_line_and_the_rest_still_count(row, reason):
    results = read(f"CM15-0000001,,,,,,,Upheld\n{row}\nCM15-0000002,,,,,,,Overturned\n")
    bad = [r for r in results if isinstance(r, BadRow)]
    assert [(b.line, reason in b.reason) for b in bad] == [(3, True)]
    assert [r.case_number for r in results if isinstance(r, CaseRows)] == [
        "CM15-0000001",
        "CM15-0000002",
    ]


def test_rows_of_one_case_that_disagree_keep_the_first_value_and_report_the_other():
    results = read("CM15-0000001,03/02/2015,,,,,,Upheld\nCM15-0000001,03/09/2015,,,,,,Upheld\n")
    (bad,) = [r for r in results if isinstance(r, BadRow)]
    (case,) = [r for r in results if isinstance(r, CaseRows)]
    assert bad.line == 3 and "decision_date 2015-03-09 differs from 2015-03-02" in bad.reason
    assert case.decision_date == datetime.date(2015, 3, 2)
    assert len(case.items) == 2


def test_a_header_without_a_required_column_is_refused_naming_it():
    with pytest.raises(MetadataFileError, match="lacks the column\\(s\\) decision_date, decision"):
        read("", "case_number,date_of_injury,received_date,specialty,category,subcategory\n")


def test_header_names_ignore_case_and_spaces_and_extra_cells_are_ignored():
    header = HEADER.replace("case_number,decision_date", " Case_Number , Decision_Date")
    header = header.replace("decision\n", "decision,notes\n")
    (case,) = read("CM15-0000001,2015-03-02,,,,,,Upheld,a note,another\n", header)
    assert isinstance(case, CaseRows) and case.decision_date == datetime.date(2015, 3, 2)


def test_the_file_is_read_a_case_at_a_time():
    lines = iter(
        [HEADER, "CM15-0000001,,,,,,,Upheld\n", "CM15-0000002,,,,,,,Upheld\n", "never read\n"]
    )
    cases = read_metadata(lines)
    first = next(cases)
    assert isinstance(first, CaseRows) and first.case_number == "CM15-0000001"
    # The first case is complete once the second's first row is read; nothing after that is.
    assert next(lines) == "never read\n"


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("03/02/2015", datetime.date(2015, 3, 2)),
        ("3/2/2015", datetime.date(2015, 3, 2)),
        ("2015-03-02", datetime.date(2015, 3, 2)),
        ("02/29/2016", datetime.date(2016, 2, 29)),
    ],
)
def test_dates_as_the_dwc_writes_them_or_iso(written, day):
    (case,) = read(f"CM15-0000001,{written},,,,,,Upheld\n")
    assert isinstance(case, CaseRows) and case.decision_date == day


@pytest.mark.parametrize("written", ["02/29/2015", "2015-02-30", "2015-3-2", "3/2/15", "20150302"])
def test_what_is_no_day_is_a_bad_row(written):
    (bad,) = read(f"CM15-0000001,{written},,,,,,Upheld\n")
    assert isinstance(bad, BadRow) and "is not a date" in bad.reason
