"""What a results page costs in Python beyond its queries (issue 15, "page overhead"): the
templates it renders do not grow with the results it lists, its loops are Jinja2 fragments
rendered once a page (decisions/jinja.py), and the form's selects, the same on every page, are
rendered once; the cheaper helpers write what Django's did. Counted, not timed: each template
rendered is a context and a render of its own, the cost that a per-result `{% include %}`
multiplies by twenty."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.base import Template
from jinja2 import Environment

from decisions.labels import thousands
from decisions.search import widgets
from tests.factories import make_letter
from tests.helpers import CHRONIC_PAIN, make_decision

pytestmark = pytest.mark.django_db

SELECT = widgets.Select.template_name
INPUT = "django/forms/widgets/input.html"


@pytest.fixture
def rendered(monkeypatch):
    """The templates rendered since the fixture began, by name."""
    counted: Counter[str] = Counter()
    original = Template.render

    def counting(self, context):
        counted[self.name] += 1
        return original(self, context)

    # A Jinja2 fragment is counted where it is loaded: by the `jinja` tag, and by each
    # `{% include %}` run inside one.
    original_fragment = Environment.get_template

    def counting_fragment(self, name, *args, **kwargs):
        counted[f"fragment {name}"] += 1
        return original_fragment(self, name, *args, **kwargs)

    monkeypatch.setattr(Template, "render", counting)
    monkeypatch.setattr(Environment, "get_template", counting_fragment)
    return counted


@pytest.fixture
def twenty_decisions(db):
    """Twenty decisions on Norco and one on tramadol, each showing everything a result can:
    citations of both parties (a guideline mismatch), a drug with its class and generic
    names, a patient, dates."""
    for n in range(21):
        letter = make_letter(
            patient_age=40 + n,
            patient_sex="female",
            date_of_injury=datetime.date(2010, 1, 1 + n),
            decision_date=datetime.date(2015, 1, 1 + n),
        )
        make_decision(
            letter,
            treatment="Tramadol 50mg, #60" if n == 0 else "Norco 10/325mg, #120",
            outcome="overturned" if n % 2 else "upheld",
            cites=[("MTUS", CHRONIC_PAIN, [91 + n % 3])],
            claims_cites=[("ODG", "Pain Chapter", [])],
        )


def page_renders(client, rendered: Counter[str], params: dict[str, str]) -> Counter[str]:
    client.get("/", params)  # the selects of these parameters rendered, and kept
    rendered.clear()
    html = client.get("/", params).content.decode()
    assert html.count('class="result"') == (1 if params["q"] == "tramadol" else 20)
    return Counter(rendered)


def test_a_page_of_twenty_results_renders_the_templates_of_a_page_of_one(
    client, rendered, twenty_decisions
):
    one = page_renders(client, rendered, {"q": "tramadol"})
    twenty = page_renders(client, rendered, {"q": "norco"})
    assert twenty == one
    # The page, its parts and the form's widgets; with a template per result and per option, 230.
    assert sum(twenty.values()) < 80
    # The page's body, its results and its facets' values: a fragment each, once.
    assert twenty["fragment decisions/search_page.html"] == 1
    assert twenty["fragment decisions/results.html"] == 1
    assert twenty["fragment decisions/facets.html"] == 1


def test_a_letter_page_renders_its_items_in_one_fragment(client, rendered):
    letter = make_letter()
    for n in range(4):
        make_decision(letter, treatment=f"Norco {n}", cites=[("MTUS", CHRONIC_PAIN, [91])])
    html = client.get(letter.get_absolute_url()).content.decode()
    assert html.count('class="item"') == 4
    assert rendered["fragment decisions/letter_items.html"] == 1
    assert not [name for name in rendered if name.startswith("decisions/_")]  # no include


def test_the_form_widgets_are_rendered_once_for_each_value(
    client, rendered, twenty_decisions, monkeypatch
):
    monkeypatch.setattr(widgets, "_RENDERED", {})  # none kept from other tests
    client.get("/", {"q": "norco", "outcome": "upheld", "age_min": "40"})
    assert rendered[SELECT] == 7  # outcome, guideline, sex, category, drug class, scope, order
    assert rendered[INPUT] == 10  # the query, six dates, two ages, the checkbox
    rendered.clear()
    html = client.get("/", {"q": "norco", "outcome": "upheld", "age_min": "40"}).content.decode()
    assert rendered[SELECT] == rendered[INPUT] == 0
    assert '<option value="upheld" selected>' in html
    assert 'name="age_min" value="40"' in html
    client.get("/", {"q": "norco", "outcome": "overturned", "age_min": "40"})
    assert rendered[SELECT] == 1  # the outcome's, for its new value
    assert rendered[INPUT] == 0


@pytest.mark.parametrize("value", [0, 7, 999, 1000, 1234567, -4321, None, "12345", 2.5])
def test_thousands_writes_counts_as_intcomma_does(value):
    assert thousands(value) == intcomma(value)
