"""A staff member logs in, uploads files and reads the per-file report, in headless Chromium:
once with the job run at once (tests/settings.py), once through the database queue and a worker
process, the upload's page following the worker by itself; and uploads the DWC's metadata CSV,
refused, then applied by a worker."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from playwright.sync_api import expect

from decisions.models import IngestRun, Letter
from tests.browser.test_accessibility import PHONE
from tests.helpers import (
    DWC_CASE,
    DWC_HEADER,
    FIXTURE_LETTERS,
    SEED_NAMES,
    dwc_rows_agreeing_with,
    letter_file,
)
from tests.worker_process import start_worker

PASSWORD = "a long enough passphrase"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
DESKTOP = {"width": 1280, "height": 900}
# Cases beyond the first batch of a metadata file (decisions/services/metadata.py: 1,000).
FILLER = 1500


@pytest.fixture
def clerk(django_user_model):
    """Staff with the ingest permission and nothing else: the person the upload page is for."""
    user = django_user_model.objects.create_user(username="clerk", password=PASSWORD, is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="decisions", codename="add_letter")
    )
    return user


def log_in_to_upload(page, screenshot=None) -> None:
    page.goto("/upload/")
    assert page.url.endswith("/accounts/login/?next=/upload/")
    if screenshot:
        screenshot("login")
    page.get_by_label("Username").fill("clerk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/upload/")


@pytest.mark.django_db(transaction=True)
def test_log_in_upload_two_files_and_read_the_report(page, screenshot, clerk, tmp_path):
    not_a_letter = tmp_path / "scan.pdf"
    not_a_letter.write_bytes(PNG)

    log_in_to_upload(page, screenshot)
    page.get_by_label("Letters").set_input_files([FIXTURE_LETTERS / SEED_NAMES[1], not_a_letter])
    screenshot("upload-form")
    page.get_by_role("button", name="Upload letters").click()
    page.wait_for_url("**/upload/*/")
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


def both_screenshots(page, screenshot, name: str) -> None:
    screenshot(f"{name}-desktop")
    page.set_viewport_size(PHONE)
    screenshot(f"{name}-phone")
    page.set_viewport_size(DESKTOP)


@pytest.mark.django_db(transaction=True)
def test_the_upload_page_follows_a_worker_to_the_report(
    page, screenshot, clerk, tmp_path, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    not_a_letter = tmp_path / "scan.pdf"
    not_a_letter.write_bytes(PNG)
    log_in_to_upload(page)
    page.get_by_label("Letters").set_input_files(
        [*(FIXTURE_LETTERS / name for name in SEED_NAMES), not_a_letter]
    )
    page.get_by_role("button", name="Upload letters").click()
    page.wait_for_url("**/upload/*/")

    # No worker yet: the files wait, and the image is already refused.
    expect(page.get_by_role("status")).to_contain_text("Waiting for a worker.")
    rows = page.locator(".report-table tbody tr")
    expect(rows.locator(".status")).to_have_text(["Waiting", "Waiting", "Waiting", "Not loaded"])
    both_screenshots(page, screenshot, "upload-job-waiting")

    # A worker starts, and stops before the third letter until the test lets it go on.
    go_on = tmp_path / "go-on"
    worker = start_worker(at=SEED_NAMES[2], action=str(go_on))
    status = page.get_by_role("status")
    expect(status).to_contain_text("Loading: 3 of 4 files read", timeout=20_000)
    expect(page.locator("progress")).to_have_attribute("value", "3")
    both_screenshots(page, screenshot, "upload-job-loading")

    go_on.touch()
    _, errors = worker.communicate(timeout=120)
    assert worker.returncode == 0, errors
    # The page reloads by itself once the worker is done.
    expect(page.locator(".upload-progress")).to_have_count(0, timeout=10_000)
    expect(rows.locator(".status")).to_have_text(["Added", "Added", "Added", "Not loaded"])
    expect(page.locator(".run-summary")).to_have_text("3 added 0 already stored 1 not loaded")
    run = IngestRun.objects.get()
    expect(page.get_by_role("link", name=f"ingest run {run.pk}")).to_be_visible()
    both_screenshots(page, screenshot, "upload-job-done")

    norco = Letter.objects.get(source_name=SEED_NAMES[1])
    rows.nth(1).get_by_role("link").click()
    page.wait_for_url(f"**{norco.get_absolute_url()}")
    assert page.get_by_text("Norco 10/325mg, #120").first.is_visible()


@pytest.mark.django_db(transaction=True)
def test_upload_a_metadata_csv_and_follow_it_to_its_outcome(
    page, screenshot, clerk, tmp_path, settings
):
    """A refused file is named with why; a good one waits for a worker, and its page follows
    the worker to the outcome: counts, the rows skipped with their lines, the download."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command(
        "ingest",
        str(letter_file(tmp_path, f"{DWC_CASE}_redacted.txt")),
        "--workers=1",
        stdout=StringIO(),
    )
    stored = Letter.objects.get()
    latin = tmp_path / "dwc-2015.csv"
    latin.write_bytes((DWC_HEADER + f"{DWC_CASE},,,,Médecine,,,\n").encode("cp1252"))
    good = tmp_path / "dwc-2016.csv"
    good.write_text(
        DWC_HEADER
        + dwc_rows_agreeing_with(stored)
        + "CM16-0000002,13/45/2016,,,,,,upheld\n"
        + "CM16-0000003,2016-04-01,,,,Imaging,MRI,upheld\n"
        # Cases of letters not stored yet, enough for a second batch.
        + "".join(f"CM17-{n:07d},2017-01-01,,,,,,\n" for n in range(FILLER)),
        encoding="utf-8",
    )

    log_in_to_upload(page)
    field = page.get_by_label("DWC metadata CSV")
    field.set_input_files(latin)
    page.get_by_role("button", name="Upload metadata").click()
    expect(page.get_by_role("alert")).to_contain_text("dwc-2015.csv: it is not UTF-8 text: byte")
    expect(page.get_by_role("alert")).to_contain_text("Nothing was stored.")
    page.get_by_role("heading", name="DWC metadata").scroll_into_view_if_needed()
    screenshot("metadata-refused")

    page.get_by_label("DWC metadata CSV").set_input_files(good)
    page.get_by_role("button", name="Upload metadata").click()
    page.wait_for_url("**/upload/*/")
    page.get_by_role("heading", name="DWC metadata upload").wait_for()
    expect(page.get_by_role("status")).to_contain_text("Waiting for a worker.")
    both_screenshots(page, screenshot, "metadata-waiting")

    # A worker starts, and stops after the first batch of 1,000 cases until the test lets it go on.
    go_on = tmp_path / "go-on"
    worker = start_worker(at=good.name, action=str(go_on))
    expect(page.get_by_role("status")).to_contain_text("Applying", timeout=20_000)
    expect(page.locator('.run-summary [data-field="cases"]')).to_have_text("1,000")
    assert page.locator("progress").evaluate("bar => bar.value > 0 && bar.value < bar.max")
    both_screenshots(page, screenshot, "metadata-applying")

    go_on.touch()
    _, errors = worker.communicate(timeout=120)
    assert worker.returncode == 0, errors
    # The page reloads by itself once the worker is done.
    expect(page.locator(".upload-progress")).to_have_count(0, timeout=10_000)
    items = stored.items.count()
    expect(page.locator(".run-summary")).to_have_text(
        f"{items + 1 + FILLER:,} rows of {2 + FILLER:,} cases read applied to 1 stored letter "
        f"{1 + FILLER:,} cases kept for letters not stored yet 0 conflicts 1 row skipped"
    )
    expect(page.get_by_role("status")).to_contain_text(
        "Done. The rows filled what 1 stored letter did not state; the rows of 1,501 cases are"
    )
    expect(page.locator(".bad-rows tbody tr td")).to_have_text(
        [
            str(items + 2),
            "CM16-0000002",
            "Decision_date '13/45/2016' is not a date (MM/DD/YYYY or YYYY-MM-DD)",
        ]
    )
    expect(page.get_by_role("link", name="download every skipped row (CSV)")).to_be_visible()
    both_screenshots(page, screenshot, "metadata-done")
    assert Letter.objects.get().dwc_decision_date is not None
