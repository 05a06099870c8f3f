"""Date filters (decided_*, received_*) and the date orders: undated results last, counted."""

from __future__ import annotations

import csv
import datetime
import io

import pytest

from decisions.models import DisputedItem
from tests.factories import make_item, make_letter
from tests.helpers import found

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def dated():
    """Decision dates from the letter or the DWC (the item's decision_date either way), and
    received dates from the letter or, when it states none, the DWC."""
    rows = [
        ("january", D(2020, 1, 15), D(2019, 12, 1), None),
        ("march", D(2020, 3, 31), None, D(2020, 2, 10)),
        ("april", D(2020, 4, 1), D(2020, 3, 1), D(2021, 1, 1)),  # the letter's date stands
        ("undated", None, None, None),
        ("also undated", None, None, None),
    ]
    for name, decided, received, dwc_received in rows:
        letter = make_letter(
            decision_date=decided, application_received=received, dwc_received_date=dwc_received
        )
        make_item(letter, treatment=name)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"decided_from": "2020-03-31"}, ["april", "march"]),
        ({"decided_to": "2020-03-31"}, ["march", "january"]),
        ({"decided_from": "2020-01-15", "decided_to": "2020-01-15"}, ["january"]),
        ({"received_from": "2020-02-10"}, ["april", "march"]),
        ({"received_to": "2020-02-09"}, ["january"]),
        ({"received_from": "2020-03-01", "received_to": "2020-03-01"}, ["april"]),
        ({"decided_from": "2020-02-01", "q": "march"}, ["march"]),
    ],
)
def test_date_filters_are_inclusive(dated, params, expected):
    assert found(params) == expected


def test_newest_first_puts_undated_results_last_and_ties_by_id(dated):
    assert found({}) == ["april", "march", "january", "also undated", "undated"]
    assert found({"sort": "oldest"}) == ["january", "march", "april", "undated", "also undated"]


def test_the_page_says_how_many_results_have_no_date(client, dated):
    html = client.get("/").content.decode()
    assert "2 of these results have no decision date: they come last." in html
    html = client.get("/", {"q": "undated", "sort": "newest"}).content.decode()
    assert "None of these results has a decision date." in html
    assert "no decision date" not in client.get("/", {"q": "march"}).content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("decided_from=2020-13-01", "Enter a valid date"),
        ("received_to=yesterday", "Enter a valid date"),
        ("decided_from=2021-01-01&decided_to=2020-01-01", "decision dates are the wrong way"),
        ("received_from=2021-01-01&received_to=2020-01-01", "received dates are the wrong way"),
    ],
)
def test_a_bad_date_is_a_form_error_never_a_server_error(client, dated, query, message):
    response = client.get(f"/?{query}")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert client.get(f"/export.csv?{query}").status_code == 400


def test_the_export_takes_the_date_filters_in_the_page_order(client, dated):
    response = client.get("/export.csv", {"decided_from": "2020-02-01"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["treatment"], r["decision_date"]) for r in rows] == [
        ("april", "2020-04-01"),
        ("march", "2020-03-31"),
    ]


def test_the_date_fields_are_on_the_form_with_the_active_filter(client, dated):
    html = client.get("/", {"decided_from": "2020-02-01"}).content.decode()
    for name in ("decided_from", "decided_to", "received_from", "received_to"):
        assert f'name="{name}"' in html
    assert "Decided on or after: <strong>Feb 1, 2020</strong>" in html


def test_ingest_copies_the_letters_received_date_onto_its_items(synthetic_corpus):
    rows = list(DisputedItem.objects.values_list("received_date", "letter__application_received"))
    assert any(received for received, _ in rows)  # some synthetic layouts state it
    assert all(on_item == on_letter for on_item, on_letter in rows)
