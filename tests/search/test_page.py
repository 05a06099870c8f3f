"""The search page: parameters, what a result shows, facet links, errors, query counts."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from decisions.models import DisputedItem
from tests.factories import make_item, make_letter
from tests.helpers import links, reads

pytestmark = pytest.mark.django_db


def params_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def test_norco_is_found_with_its_outcome_in_plain_words_and_its_reviewer(client, seeds):
    html = client.get("/", {"q": "Norco"}).content.decode()
    assert "2 decisions matching “Norco”" in html
    result = html[html.index('class="result"') :]
    assert "<mark>Norco</mark> 10/325mg, #120" in result
    assert "Overturned: treatment approved" in result
    assert "Occupational Medicine" in result
    assert "Chronic Pain Medical Treatment Guidelines · Hydrocodone-Acetaminophen, p. 91" in result
    assert "Dec 31, 2013" in result  # date of injury
    assert "first-time request for <mark>Norco</mark>" in result
    norco = DisputedItem.objects.get(treatment="Norco 10/325mg, #120")
    assert f"/letters/{norco.letter_id}/?q=Norco#item-3" in links(result)


def test_without_a_query_every_item_is_listed_newest_first_with_not_stated(client, seeds):
    html = client.get("/").content.decode()
    assert "10 decisions" in html
    assert html.count('class="result"') == 10
    assert "not stated" in html  # patient age and sex are not in these letters
    assert "Upheld: treatment denied" in html


def test_facet_links_add_their_value_and_keep_the_other_parameters(client, seeds):
    html = client.get("/", {"q": "injection", "sort": "newest", "page": "1"}).content.decode()
    specialty = next(
        h for h in links(html) if params_of(h).get("specialty") == ["Occupational Medicine"]
    )
    assert params_of(specialty) == {
        "q": ["injection"],
        "sort": ["newest"],
        "specialty": ["Occupational Medicine"],
    }
    filtered = client.get(specialty).content.decode()
    assert "2 decisions matching “injection”" in filtered
    # The active value links to its own removal, keeping everything else.
    assert {"q": ["injection"], "sort": ["newest"]} in [params_of(h) for h in links(filtered)]


def test_facets_show_counts_and_overturn_rates(client, seeds):
    html = client.get("/").content.decode()
    facets = html[html.index('class="facets"') :]
    assert re.search(r'Occupational Medicine</span>\s*<span class="facet__count">4</span>', facets)
    assert "25% overturned" in facets  # 1 of Occupational Medicine's 4 items
    assert "Chronic Pain Medical Treatment Guidelines, p. 46" in facets
    assert "10% overturned (1 of 10)" in html


def test_counts_read_with_thousands_separators(client):
    """At a million letters counts run to six digits: 127,166 reads at a glance, 127166 not."""
    letter = make_letter()
    DisputedItem.objects.bulk_create(
        DisputedItem(letter=letter, position=n, treatment="Norco", outcome="upheld", rationale="x")
        for n in range(1, 1235)
    )
    text = re.sub(
        r"\s+", " ", unescape(client.get("/", {"q": "norco", "page": "2"}).content.decode())
    )
    assert "1,234 decisions matching" in text
    assert "Download all 1,234:" in text
    assert "Results 21–40 of 1,234 · page 2 of 62" in text
    assert re.search(r'class="facet__count">1,234<', text)


def test_mismatch_filter_and_mark(client):
    letter = make_letter()
    make_item(letter, treatment="Lumbar MRI", guideline_mismatch=True, reviewer_guidelines=["MTUS"])
    make_item(letter, treatment="Physical therapy", guideline_mismatch=False)
    html = client.get("/", {"mismatch": "on"}).content.decode()
    results = html[html.index('class="results"') :]  # the form lists "Physical therapy"
    assert "1 decision" in results and "Lumbar MRI" in results
    assert "Physical therapy" not in results
    assert "Different guideline" in html
    assert "The IMR reviewer relied on a different guideline" in html


def test_parameters_survive_a_copied_url(client, seeds):
    url = (
        "/?q=%22epidural+steroid%22+-thoracic&guideline=MTUS"
        "&document=Chronic+Pain+Medical+Treatment+Guidelines&sort=oldest"
    )
    first = client.get(url).content.decode()
    again = client.get(url).content.decode()
    assert first == again
    assert "decisions matching “&quot;epidural steroid&quot; -thoracic”" in first
    assert "Thoracic ESI" not in first
    assert 'value="Chronic Pain Medical Treatment Guidelines"' in first  # kept for the next search


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("outcome=maybe", "Select a valid choice"),
        ("injured_from=31/12/2013", "Enter a valid date"),
        ("age_min=abc", "Enter a whole number"),
        ("age_min=70&age_max=20", "wrong way round"),
        ("page=0", "greater than or equal to 1"),
        ("cited_page=46", "document:page"),
        ("guideline=%3Cscript%3E", "Select a valid choice"),
        ("sort=%27%3B+drop+table", "Select a valid choice"),
    ],
)
def test_bad_parameters_show_a_form_error_not_a_server_error(client, seeds, query, message):
    response = client.get(f"/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please check the search" in html and message in html
    assert 'class="result"' not in html
    assert html.count("<script>") == 1  # the page's own; the parameters come back escaped


def test_a_page_past_the_end_says_where_the_results_end(client, seeds):
    html = client.get("/", {"page": "9"}).content.decode()
    assert "There is no page 9" in html
    assert "?page=1" in links(html)


def test_untrusted_letter_text_is_escaped_around_the_highlights(client):
    make_item(
        treatment="Norco <b>bold</b>",
        rationale='Norco <script>alert("x")</script> and <b>bold</b> are not medically necessary.',
    )
    html = client.get("/", {"q": "norco"}).content.decode()
    assert "<script>alert" not in html and "<b>bold" not in html
    assert "<mark>Norco</mark> &lt;b&gt;bold&lt;/b&gt;" in html  # the treatment, whole
    # Snippet fragments drop tag-like words (Postgres's headline parser), and escape the rest.
    assert "<mark>Norco</mark>  alert(&quot;x&quot;)" in html
    bare = client.get("/").content.decode()
    assert "<script>alert" not in bare and "&lt;script&gt;" in bare


@pytest.mark.parametrize("count", [3, 20])
@pytest.mark.parametrize(
    ("params", "statements"),
    [
        ({}, 2),  # the undated count read with the counts
        ({"q": "opioids", "outcome": "upheld", "guideline": "MTUS"}, 2),
        # the page's ids and the undated count picked with the counts
        ({"guideline": "MTUS", "specialty": "Occupational Medicine", "sort": "oldest"}, 2),
        ({"sex": "female"}, 3),
        ({"drug": "hydrocodone", "category": "pharmaceutical"}, 3),
    ],
)
def test_a_results_page_costs_the_same_statements_whatever_its_length(
    client, count, params, statements
):
    """Count and facets in one statement, the page's rows with their citations in another, and
    in a date order the undated results' count; around them only the search's settings, a
    savepoint per count (see decisions/search/budget.py); the look for a bulk load's mark
    (planning.Plan.counted) is in the settings' statement."""
    letter = make_letter(patient_sex="female")
    for n in range(count):
        make_item(
            letter,
            treatment=f"Norco {n}mg",
            rationale="Opioids for moderate pain.",
            reviewer_guidelines=["MTUS"],
        )
    with CaptureQueriesContext(connection) as captured:
        html = client.get("/", params).content.decode()
    assert html.count('class="result"') == count
    assert len(reads(captured)) == statements
    # + BEGIN or savepoint, settings, each count's savepoint and its release, COMMIT
    counts = statements - 1  # all but the page's rows
    assert len(captured) == statements + 3 + 2 * counts


def test_bad_parameters_cost_no_queries(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/", {"age_min": "x"}).status_code == 200


def test_the_page_reads_the_request_parameters_once_for_all_its_links(client, seeds, monkeypatch):
    """A results page makes some 60 links from the request's parameters (facets, order,
    pages, filters to remove): copying the request's QueryDict for each, a deep copy, cost
    more than the rest of the link."""
    copies = []
    original = QueryDict.copy
    monkeypatch.setattr(QueryDict, "copy", lambda self: copies.append(1) or original(self))
    html = client.get("/", {"q": "Norco", "guideline": "MTUS", "page": "1"}).content.decode()
    assert len(links(html)) > 20
    assert copies == []
