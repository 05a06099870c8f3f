"""What keyboard, screen-reader and phone users meet after the first minute, in headless Chromium:
a form error that leads to a field to fix, filters reached without passing every result,
landmarks with names of their own, and a refusal page in the site's layout."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from decisions.models import DisputedItem
from tests.browser.helpers import ARTIFACTS
from tests.factories import make_item, make_letter

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
LANDMARK_ROLES = {
    "banner",
    "complementary",
    "contentinfo",
    "form",
    "main",
    "navigation",
    "region",
    "search",
}
CITED_PAGE = "Page the IMR reviewer cited"


@pytest.fixture
def seeds(letters_dir):
    call_command("ingest", str(letters_dir), "--workers=1")


@pytest.fixture
def many_results():
    """More items than a result page holds (20), each with the two links a result has."""
    for n in range(25):
        make_item(make_letter(), treatment=f"Physical therapy, {n + 6} sessions")


def landmarks(page) -> list[tuple[str, str]]:
    """(role, accessible name) of every landmark, as Chromium computes them for screen readers."""
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    return [
        (node["role"]["value"], node.get("name", {}).get("value", ""))
        for node in nodes
        if not node.get("ignored") and node.get("role", {}).get("value") in LANDMARK_ROLES
    ]


def focused_in(page, selector: str) -> bool:
    return page.evaluate(f"!!document.activeElement.closest({selector!r})")


def test_an_invalid_cited_page_leads_to_a_field_holding_it(page, screenshot, seeds):
    bad = "Chronic Pain Medical Treatment Guidelines"
    page.goto(f"/?q=norco&cited_page={bad.replace(' ', '+')}")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text('Give a cited page as "document:page"')
    alert.get_by_role("link", name=CITED_PAGE).click()
    field = page.get_by_label(CITED_PAGE)
    expect(field).to_be_focused()
    expect(field).to_be_visible()
    expect(field).to_have_value(bad)
    expect(field).to_have_accessible_description(
        'Give a cited page as "document:page", e.g. "Chronic Pain Medical Treatment Guidelines:46".'
    )
    screenshot("search-cited-page-error-desktop")

    # Corrected: the page the Norco item cites.
    field.fill(f"{bad}:91")
    field.press("Enter")
    expect(page.get_by_role("heading", name="1 decision matching “norco”")).to_be_visible()
    expect(page.locator(".chip", has_text=CITED_PAGE)).to_contain_text(f"{bad}, p. 91")

    # Or cleared: the search without it.
    page.go_back()
    page.get_by_label(CITED_PAGE).fill("")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="2 decisions matching “norco”")).to_be_visible()
    assert "cited_page" not in page.url


def test_an_invalid_page_number_leads_to_a_field_holding_it(page, seeds):
    page.goto("/?q=norco&page=0")
    page.get_by_role("alert").get_by_role("link", name="Page").click()
    expect(page.get_by_label("Page", exact=True)).to_be_focused()
    page.get_by_label("Page", exact=True).fill("1")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="2 decisions matching “norco”")).to_be_visible()


def test_on_a_desk_the_keyboard_reaches_the_filters_without_passing_the_results(
    page, screenshot, many_results
):
    page.goto("/")
    expect(page.locator(".result")).to_have_count(20)
    jump = page.get_by_role("link", name="Jump to filters")
    assert jump.bounding_box()["x"] < 0  # off screen: the filters are in sight beside the results
    page.get_by_label("Search treatments and rationales").focus()
    presses = 0
    while not focused_in(page, ".jump-to-filters"):
        assert not focused_in(page, ".result"), "a result came before the way to the filters"
        page.keyboard.press("Tab")
        presses += 1
    assert presses <= 10
    box = jump.bounding_box()
    assert box["x"] >= 0 and box["y"] + box["height"] <= 900  # shown while it has focus
    screenshot("search-jump-to-filters-focused-desktop")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused_in(page, ".facets")
    expect(page.get_by_role("complementary", name="Refine")).to_be_in_viewport()


def test_on_a_phone_a_link_near_the_top_leads_to_the_filters(browser, live_server, many_results):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    phone = context.new_page()
    phone.goto("/")
    jump = phone.get_by_role("link", name="Jump to filters")
    expect(jump).to_be_visible()
    assert jump.bounding_box()["y"] < phone.locator(".result").first.bounding_box()["y"]
    facets = phone.get_by_role("complementary", name="Refine")
    expect(facets).not_to_be_in_viewport()
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "search-phone-top.png"))
    jump.click()
    expect(facets.get_by_role("heading", name="Refine")).to_be_in_viewport()
    phone.screenshot(path=str(ARTIFACTS / "search-phone-jumped-to-filters.png"))
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()


def test_every_landmark_has_a_name_of_its_own(page, seeds):
    """axe's landmark-unique: a screen reader's list of landmarks tells them apart."""
    letter = DisputedItem.objects.get(treatment="Norco 10/325mg, #120").letter
    for url in [letter.get_absolute_url(), f"{letter.get_absolute_url()}?q=norco", "/?q=injection"]:
        page.goto(url)
        found = landmarks(page)
        repeated = [landmark for landmark, count in Counter(found).items() if count > 1]
        assert not repeated, (url, repeated)
    page.goto(letter.get_absolute_url())
    asides = [name for role, name in landmarks(page) if role == "complementary"]
    assert asides == [
        f"Similar decisions in other letters for item {item.position}: {item.treatment}"
        for item in letter.items.order_by("position")
    ]


def test_a_refusal_is_a_page_of_the_site_saying_what_to_do(page, screenshot, django_user_model):
    django_user_model.objects.create_user(username="reader", password="a long enough passphrase")
    page.goto("/upload/")
    page.get_by_label("Username").fill("reader")
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_role("button", name="Log in").click()
    heading = page.get_by_role("heading", name="You are not allowed to open this page")
    expect(heading).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("link", name="IMR decisions")).to_be_visible()
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("Log out reader")
    expect(page.locator("main")).to_contain_text("Ask an administrator of this site")
    screenshot("forbidden-upload-desktop")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot("forbidden-upload-phone")
    page.get_by_role("link", name="Log in as someone else").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert page.url.endswith("/accounts/login/?next=/upload/")
