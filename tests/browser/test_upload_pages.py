"""A staff member logs in, uploads two files and reads the per-file report, in headless Chromium."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from decisions.models import IngestRun, Letter
from tests.conftest import FIXTURE_LETTERS, SEED_NAMES

PASSWORD = "a long enough passphrase"


@pytest.fixture
def clerk(django_user_model):
    """Staff with the ingest permission and nothing else: the person the upload page is for."""
    user = django_user_model.objects.create_user(username="clerk", password=PASSWORD, is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="decisions", codename="add_letter")
    )
    return user


@pytest.mark.django_db(transaction=True)
def test_log_in_upload_two_files_and_read_the_report(page, screenshot, clerk, tmp_path):
    not_a_letter = tmp_path / "scan.pdf"
    not_a_letter.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)

    page.goto("/upload/")
    assert page.url.endswith("/accounts/login/?next=/upload/")
    screenshot("login")
    page.get_by_label("Username").fill("clerk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/upload/")

    page.get_by_label("Letters").set_input_files([FIXTURE_LETTERS / SEED_NAMES[1], not_a_letter])
    screenshot("upload-form")
    page.get_by_role("button", name="Upload").click()
    page.get_by_role("heading", name="Upload report").wait_for()
    screenshot("upload-report")

    rows = page.locator(".report-table tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).locator("td").nth(0).inner_text() == SEED_NAMES[1]
    assert rows.nth(0).locator("td").nth(1).inner_text() == "Added"
    assert rows.nth(1).locator("td").all_inner_texts() == [
        "scan.pdf",
        "Not loaded",
        "Binary file (PNG image), not a PDF or text",
    ]
    assert page.locator(".run-summary").inner_text().split("\n") == [
        "1 added",
        "0 already stored",
        "1 not loaded",
    ]

    letter = Letter.objects.get()
    rows.nth(0).get_by_role("link").click()
    page.wait_for_url(f"**{letter.get_absolute_url()}")
    assert page.get_by_text("Norco 10/325mg, #120").first.is_visible()

    run = IngestRun.objects.get()
    page.get_by_role("link", name="Ingest history").click()
    page.get_by_role("heading", name=f"Run {run.pk}").wait_for()
    assert "Upload page, by clerk" in page.locator(".run").inner_text()
    screenshot("ingest-history")

    page.get_by_role("link", name=f"Run {run.pk}").click()
    page.get_by_role("heading", name=f"Ingest run {run.pk}").wait_for()
    assert page.locator(".report-table tbody tr td").all_inner_texts() == [
        "scan.pdf",
        "Binary file (PNG image), not a PDF or text",
    ]
    assert page.get_by_role("link", name=str(letter)).is_visible()
    screenshot("ingest-run")
