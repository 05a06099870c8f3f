"""Case lookup: a case number typed in the search box, and the case_number filter."""

from __future__ import annotations

import csv
import io

import pytest

from tests.factories import make_item, make_letter
from tests.helpers import found

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases():
    one = make_letter(case_number="CM15-0123456")
    make_item(one, treatment="Norco 10/325mg, #120")
    make_item(one, treatment="Physical therapy x 12")
    twice = [make_letter(case_number="CM16-0000042") for _ in range(2)]
    for letter in twice:
        make_item(letter, treatment=f"Acupuncture, letter {letter.pk}")
    make_item(make_letter(), treatment="Norco 5/325mg, no case number")
    return one, twice


@pytest.mark.parametrize("typed", ["CM15-0123456", "cm15-0123456", "CM150123456", " cm150123456 "])
def test_a_case_number_of_one_letter_goes_to_that_letter(client, cases, typed):
    one, _ = cases
    response = client.get("/", {"q": typed})
    assert response.status_code == 302
    assert response["Location"] == f"/letters/{one.pk}/"


def test_a_case_number_of_several_letters_lists_them(client, cases):
    response = client.get("/", {"q": "cm16 0000042".replace(" ", ""), "sort": "oldest"})
    assert response.status_code == 302
    assert response["Location"] == "/?case_number=CM16-0000042"
    html = client.get(response["Location"]).content.decode()
    assert "2 decisions" in html
    assert "Case number: <strong>CM16-0000042</strong>" in html
    for letter in cases[1]:
        assert f"/letters/{letter.pk}/#item-1" in html


def test_a_case_number_no_letter_has_says_so(client, cases):
    response = client.get("/", {"q": "CM13-9999999", "outcome": "upheld"}, follow=True)
    assert response.redirect_chain == [("/?outcome=upheld&case_number=CM13-9999999", 302)]
    html = response.content.decode()
    assert "No letter with case number CM13-9999999 is stored among these results" in html


def test_words_that_are_not_a_case_number_are_searched(client, cases):
    assert client.get("/", {"q": "CM15-0123456 norco"}).status_code == 200
    assert client.get("/", {"q": "CM15-01234567"}).status_code == 200


@pytest.mark.parametrize("typed", ["cm15-0123456", "CM150123456"])
def test_the_case_number_filter_reads_any_spelling(cases, typed):
    assert sorted(found({"case_number": typed})) == [
        "Norco 10/325mg, #120",
        "Physical therapy x 12",
    ]
    assert found({"case_number": typed, "q": "norco"}) == ["Norco 10/325mg, #120"]


def test_a_bad_case_number_is_a_form_error(client, cases):
    html = client.get("/", {"case_number": "12345"}).content.decode()
    assert "Please check the search" in html and "Give a DWC case number" in html
    assert client.get("/export.csv", {"case_number": "12345"}).status_code == 400


def test_the_export_takes_the_case_number_filter(client, cases):
    response = client.get("/export.csv", {"case_number": "cm16-0000042"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["case_number"] for row in rows] == ["CM16-0000042"] * 2
