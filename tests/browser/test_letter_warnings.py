"""The parser's warnings on the letter page, as a reader sees them in headless Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import ARTIFACTS
from tests.browser.test_search_pages import CONTRAST_JS
from tests.preparation_hooks import CITATION_WARNING, SPECIALTY_WARNING

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reader_sees_what_the_parser_was_unsure_of_and_where(page, screenshot, warned_letter):
    page.goto(warned_letter.get_absolute_url())
    notes = page.get_by_role("region", name="The parser was unsure of 2 things in this letter")
    expect(notes).to_be_visible()
    expect(notes).to_contain_text(SPECIALTY_WARNING.message)
    # The hostile quote is shown as text, not run.
    expect(notes).to_contain_text(CITATION_WARNING.quote)
    facts = page.locator(".letter-facts")
    expect(facts.locator(".parse-note")).to_have_count(1)
    expect(facts.locator(".parse-note")).to_contain_text(SPECIALTY_WARNING.message)
    screenshot("letter-warnings-desktop")

    notes.get_by_role("link", name="Item 1, what the IMR reviewer relied on").click()
    item = page.locator("#item-1")
    expect(item).to_be_in_viewport()
    basis = item.locator(".basis").nth(1)
    expect(basis.locator(".parse-note")).to_contain_text(CITATION_WARNING.message)
    page.screenshot(path=str(ARTIFACTS / "letter-warnings-item-desktop.png"))


def test_warning_text_contrast_is_at_least_4_5_to_1(page, warned_letter):
    page.goto(warned_letter.get_absolute_url())
    for selector in (".parse-notes h2", ".parse-notes li", ".parse-notes a", ".parse-note"):
        for element in page.locator(selector).all()[:5]:
            assert element.evaluate(CONTRAST_JS) >= 4.5, selector
    badges = page.locator(".parse-note__badge").all()
    assert badges and all(badge.evaluate(CONTRAST_JS) >= 4.5 for badge in badges)


def test_an_admin_reviews_the_warned_letters(page, screenshot, warned_letter, admin_user):
    page.goto("/admin/login/?next=/admin/decisions/letter/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("password")  # pytest-django's admin_user
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name=f"{SPECIALTY_WARNING.code} (1)").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    screenshot("admin-warning-queue")
    rows.first.locator("th a, td a").first.click()
    review = page.locator(".warning-review")
    expect(review).to_be_visible()
    expect(review.locator("mark#warning-1")).to_have_text("Occupational Medicine")
    expect(review).to_contain_text(CITATION_WARNING.quote)
    screenshot("admin-warning-review")
