"""Search and letter pages in headless Chromium: a newcomer's first minute, on desk and phone."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from decisions.models import DisputedItem
from tests.browser.helpers import ARTIFACTS
from tests.factories import make_item, make_letter

pytestmark = pytest.mark.django_db(transaction=True)

NORCO = "Norco 10/325mg, #120"


@pytest.fixture
def seeds(letters_dir):
    call_command("ingest", str(letters_dir), "--workers=1")


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_search_filter_by_facet_and_open_the_item(page, screenshot, seeds):
    page.goto("/")
    page.get_by_label("Search treatments and rationales").fill("Norco")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="2 decisions matching “Norco”")).to_be_visible()
    first = page.locator(".result").first
    expect(first.get_by_role("heading")).to_have_text(NORCO)
    expect(first).to_contain_text("Overturned: treatment approved")
    expect(first).to_contain_text("Occupational Medicine")
    expect(first.locator("mark").first).to_have_text("Norco")
    assert page.url.endswith("/?q=Norco")  # empty fields are left out of the address
    screenshot("search-norco-desktop")

    facets = page.get_by_role("complementary", name="Refine")
    facets.get_by_role("link", name=re.compile("^Overturned: treatment approved")).click()
    expect(page.get_by_role("heading", name="1 decision matching “Norco”")).to_be_visible()
    assert "outcome=overturned" in page.url and "q=Norco" in page.url
    expect(page.locator(".chip", has_text="Outcome")).to_be_visible()
    screenshot("search-norco-overturned-desktop")

    page.locator(".result").first.get_by_role("link", name=NORCO, exact=True).click()
    assert page.url.endswith("#item-3") and "q=Norco" in page.url
    item = page.locator("#item-3")
    expect(item).to_be_in_viewport()
    expect(item).to_contain_text("Overturned: treatment approved")
    expect(item).to_contain_text("Hydrocodone-Acetaminophen, p. 91")
    expect(item.locator("mark").first).to_have_text("Norco")
    expect(page.locator(".letter-facts")).to_contain_text("Occupational Medicine")
    # The viewport as the reader lands at #item-3, and the whole page.
    page.screenshot(path=str(ARTIFACTS / "letter-norco-item-desktop.png"))
    screenshot("letter-norco-desktop")


def test_the_headline_tells_the_requests_apart_and_each_part_sets_the_scope(
    page, screenshot, seeds
):
    """q=norco: the Norco request, overturned, and a Flexeril request whose rationale mentions
    Norco (issue 13)."""
    page.goto("/?q=Norco")
    split = page.locator(".scope-split")
    expect(split).to_have_text(
        "Requests for “Norco”: 1 decision, 100% overturned; "
        "1 more decision mentions “Norco” in its rationale."
    )
    screenshot("search-norco-split-desktop")
    split.get_by_role("link", name="Requests for “Norco”: 1 decision, 100% overturned").click()
    expect(page.get_by_role("heading", name="1 decision matching “Norco”")).to_be_visible()
    assert "scope=treatment" in page.url and "q=Norco" in page.url
    expect(page.locator(".result")).to_have_count(1)
    expect(page.locator(".result").first.get_by_role("heading")).to_have_text(NORCO)
    requests = split.get_by_role("link", name=re.compile("^Requests for"))
    expect(requests).to_have_attribute("aria-current", "true")
    expect(requests).to_have_css("font-weight", "700")
    screenshot("search-norco-split-treatment-desktop")
    split.get_by_role("link", name="1 more decision mentions “Norco” in its rationale").click()
    expect(page.get_by_role("heading", name="2 decisions matching “Norco”")).to_be_visible()
    assert "scope=all" in page.url


def test_removing_a_facet_filter_takes_one_click(page, seeds):
    page.goto("/?specialty=Occupational+Medicine&q=injection")
    expect(page.get_by_role("heading", name="2 decisions matching “injection”")).to_be_visible()
    page.get_by_role("link", name="Remove filter Reviewer specialty: Occupational Medicine").click()
    expect(page.get_by_role("heading", name="8 decisions matching “injection”")).to_be_visible()
    assert "specialty" not in page.url


def test_next_twice_then_previous(page):
    """The page links carry their key (decisions/search/keys.py) and still say where they are."""
    letter = make_letter(decision_date=datetime.date(2020, 1, 1))
    for n in range(45):
        make_item(letter, treatment=f"Norco {n}", position=n + 1)
    page.goto("/?q=Norco")
    pages = page.get_by_role("navigation", name="Result pages")
    for shown in ("Results 21–40 of 45", "Results 41–45 of 45"):
        pages.get_by_role("link", name="Next →").click()
        expect(pages).to_contain_text(shown)
    assert re.search(r"page=3&after=t_2020-01-01_\d+\.", page.url)
    pages.get_by_role("link", name="← Previous").click()
    expect(pages).to_contain_text("Results 21–40 of 45 · page 2 of 3")
    assert "page=2&before=" in page.url


def test_bad_parameters_show_a_readable_error(page, screenshot, seeds):
    page.goto("/?age_min=old&injured_from=2014-01-01&injured_to=2013-01-01")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Age from")
    expect(alert).to_contain_text("wrong way round")
    expect(page.get_by_label("Age from")).to_be_visible()  # the filters are opened to fix it
    screenshot("search-errors-desktop")


def test_keyboard_only_search_with_visible_focus(page, seeds):
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    field = page.get_by_label("Search treatments and rationales")
    while not field.evaluate("el => el === document.activeElement"):
        page.keyboard.press("Tab")
    outline = field.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline == "solid"
    page.keyboard.type("flexeril")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="1 decision matching “flexeril”")).to_be_visible()


def test_pages_work_without_javascript(browser, live_server, seeds):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    page.get_by_label("Search treatments and rationales").fill("Norco")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="2 decisions matching “Norco”")).to_be_visible()
    page.locator("summary", has_text="Filters and order").click()
    page.get_by_label("Outcome").select_option("overturned")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="1 decision matching “Norco”")).to_be_visible()
    context.close()


def test_phone_layout_has_no_sideways_scrolling(phone, seeds):
    phone.goto("/?q=norco")
    expect(phone.get_by_role("heading", name="2 decisions matching “norco”")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "search-norco-phone.png"), full_page=True)
    phone.locator(".result").first.get_by_role("link", name=NORCO, exact=True).click()
    expect(phone.locator("#item-3")).to_be_in_viewport()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(ARTIFACTS / "letter-norco-item-phone.png"))
    phone.screenshot(path=str(ARTIFACTS / "letter-norco-phone.png"), full_page=True)


# WCAG relative luminance and contrast of an element's text against the first opaque
# background behind it.
CONTRAST_JS = """
(el) => {
  const parse = (c) => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let bg = null;
  for (let node = el; node && !bg; node = node.parentElement) {
    const c = parse(getComputedStyle(node).backgroundColor);
    if (c.length < 4 || c[3] === 1) bg = c;
  }
  const [a, b] = [lum(parse(getComputedStyle(el).color)), lum(bg || [255, 255, 255])];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}
"""


def test_text_contrast_is_at_least_4_5_to_1(page, seeds):
    letter = DisputedItem.objects.get(treatment=NORCO).letter
    pages = {
        "/?q=norco": [
            "body",
            ".lede",
            ".hint",
            "a",
            "mark",
            ".outcome--upheld",
            ".outcome--overturned",
            ".facts dt",
            ".facet__rate",
            ".facet__count",
            ".chip",
            ".site-tagline",
            ".site-name",
            "button",
            ".snippet",
            ".rate-line",
            ".scope-split a",
        ],
        f"{letter.get_absolute_url()}?q=norco": [
            ".letter-facts dt",
            ".letter-facts dd",
            ".similar",
            ".tag",
            ".item__number",
            ".not-stated",
            "mark",
            ".outcome-inline",
        ],
    }
    for url, selectors in pages.items():
        page.goto(url)
        for selector in selectors:
            elements = page.locator(selector).all()
            assert elements, (url, selector)
            for element in elements[:5]:
                ratio = element.evaluate(CONTRAST_JS)
                assert ratio >= 4.5, (url, selector, round(ratio, 2))
