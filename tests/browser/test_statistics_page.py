"""The statistics page in headless Chromium: from a search to its statistics, the chart beside
its table on a desk and above it on a phone, without JavaScript too."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from tests.factories import make_item, make_letter

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def three_years():
    """Decisions in most months of 2021-2023 (a tenth overturned), and a few undated ones."""
    n = 0
    for year in (2021, 2022, 2023):
        for month in range(1, 13):
            if (year, month) == (2022, 7):
                continue  # a month without decisions: an empty bar, a 0 in the table
            for _ in range(month % 4 + 1):
                n += 1
                letter = make_letter(decision_date=datetime.date(year, month, 10))
                outcome = "overturned" if n % 10 == 0 else "upheld"
                make_item(letter, treatment=f"Physical therapy {n}", outcome=outcome)
    for _ in range(3):
        make_item(make_letter(), treatment="Acupuncture, undated")


def test_from_a_search_to_its_statistics_by_month(page, screenshot, three_years):
    page.goto("/?q=therapy")
    page.get_by_role("link", name="Statistics over time").click()
    expect(page.get_by_role("heading", name="Statistics of this search")).to_be_visible()
    assert page.url.endswith("/stats/?q=therapy")
    chart = page.get_by_role("img", name="Decisions")
    expect(chart).to_be_visible()
    table = page.get_by_role("table", name="Decisions and overturn rate by quarter")
    expect(table.get_by_role("row")).to_have_count(1 + 12)
    # Beside each other on a desk.
    chart_box, table_box = chart.bounding_box(), table.bounding_box()
    assert chart_box and table_box and table_box["x"] > chart_box["x"] + chart_box["width"] - 1
    screenshot("statistics-desktop")

    page.get_by_role("link", name="month", exact=True).click()
    table = page.get_by_role("table", name="Decisions and overturn rate by month")
    expect(table.get_by_role("row")).to_have_count(1 + 36)
    expect(table.get_by_role("row", name="2022-07")).to_contain_text("0")
    expect(page.locator(".chart").first.locator("rect")).to_have_count(36)
    expect(page.get_by_role("heading", name="By reviewer specialty")).to_be_visible()
    screenshot("statistics-month-desktop")

    # Every match is a therapy request: the split has no second part; its link sets the scope.
    split = page.locator(".scope-split")
    expect(split).to_have_text("Requests for “therapy”: 86 decisions, 9% overturned.")
    split.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Statistics of this search")).to_be_visible()
    assert "/stats/?" in page.url and "scope=treatment" in page.url
    expect(page.locator(".results-summary")).to_have_text("86 decisions, 9% overturned (8 of 86).")


def test_on_a_phone_the_chart_comes_first_and_the_page_does_not_scroll_sideways(
    page, screenshot, three_years
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/stats/?period=year")
    chart = page.get_by_role("img", name="Overturn rate")
    table = page.get_by_role("table", name="Decisions and overturn rate by year")
    expect(chart).to_be_visible()
    chart_box, table_box = chart.bounding_box(), table.bounding_box()
    assert chart_box and table_box and table_box["y"] > chart_box["y"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    expect(page.get_by_text("3 decisions without a decision date")).to_be_visible()
    screenshot("statistics-phone")


def test_the_chart_is_drawn_without_javascript(browser, live_server, three_years):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/stats/")
        expect(page.get_by_role("img", name="Decisions")).to_be_visible()
        expect(page.locator(".chart").first.locator("rect")).to_have_count(12)
    finally:
        context.close()
