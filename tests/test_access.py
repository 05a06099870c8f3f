"""Who may do what: public browsing, the login switch, the ingest permission, CSRF, account pages,
the original-file download and the demo admin for development checkouts."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from decisions.models import DwcCase, IngestRun, Letter, MetadataLoad, Upload
from tests.factories import make_item, make_letter
from tests.helpers import DWC_CASE, DWC_HEADER, SEED_NAMES, seed_text
from tests.pdfs import text_pdf

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_client(django_user_model):
    """A client logged in as a new user of the given kind; "anonymous" logs nobody in."""

    def make(kind: str, *, enforce_csrf_checks: bool = False) -> Client:
        client = Client(enforce_csrf_checks=enforce_csrf_checks)
        if kind == "anonymous":
            return client
        user = django_user_model.objects.create_user(
            username=kind,
            password=PASSWORD,
            is_staff=kind.startswith("staff"),
            is_superuser=kind == "superuser",
        )
        if kind == "staff-with-permission":
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label="decisions", codename="add_letter")
            )
        client.force_login(user)
        return client

    return make


@pytest.fixture
def run() -> IngestRun:
    return IngestRun.objects.create(origin="command", sources="/data/letters")


# Who may post an upload (letters or metadata): anonymous users are sent to log in, others need
# the ingest permission; an accepted upload redirects to its page.
POSTING = [
    ("anonymous", 302),
    ("user", 403),
    ("staff-without-permission", 403),
    ("staff-with-permission", 302),
]
GUARDED_PAGES = ["decisions:upload", "decisions:history", "decisions:history-run"]


@pytest.mark.parametrize("page", GUARDED_PAGES)
@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("anonymous", 302),
        ("user", 403),
        ("staff-without-permission", 403),
        ("staff-with-permission", 200),
        ("superuser", 200),
    ],
)
def test_permission_matrix_for_the_admin_pages(make_client, run, page, kind, status):
    url = reverse(page, args=[run.pk] if page.endswith("-run") else [])
    response = make_client(kind).get(url)
    assert response.status_code == status
    if kind == "anonymous":
        assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize(("kind", "status"), POSTING)
def test_only_the_permission_lets_an_upload_change_data(make_client, kind, status):
    letter = ("letter.txt", seed_text(SEED_NAMES[0]).encode())
    response = make_client(kind).post(
        reverse("decisions:upload"), {"files": [SimpleUploadedFile(*letter)]}
    )
    assert response.status_code == status
    accepted = kind == "staff-with-permission"
    if accepted:
        assert response["Location"] == Upload.objects.get().get_absolute_url()
    assert Upload.objects.count() == Letter.objects.count() == IngestRun.objects.count() == accepted


METADATA_CSV = (DWC_HEADER + f"{DWC_CASE},03/02/2015,,,,,,\n" + ",,,,,,,\n").encode()


def metadata_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("dwc.csv", METADATA_CSV)


@pytest.mark.parametrize(("kind", "status"), POSTING)
def test_only_the_ingest_permission_lets_a_metadata_upload_in(make_client, kind, status):
    url = reverse("decisions:upload-metadata")
    response = make_client(kind).post(url, {"file": metadata_file()})
    assert response.status_code == status
    accepted = kind == "staff-with-permission"
    if accepted:
        assert response["Location"] == Upload.objects.get().get_absolute_url()
    elif kind == "anonymous":
        assert response["Location"] == f"{reverse('login')}?next={url}"
    assert Upload.objects.count() == MetadataLoad.objects.count() == DwcCase.objects.count()
    assert DwcCase.objects.count() == accepted


def test_a_metadata_upload_refuses_a_post_without_csrf_token(make_client):
    client = make_client("staff-with-permission", enforce_csrf_checks=True)
    url = reverse("decisions:upload-metadata")
    assert client.post(url, {"file": metadata_file()}).status_code == 403
    assert not Upload.objects.exists() and not DwcCase.objects.exists()
    token = client.get(reverse("decisions:upload")).context["csrf_token"]
    response = client.post(url, {"file": metadata_file(), "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and DwcCase.objects.count() == 1


@pytest.fixture
def clerks(django_user_model) -> dict[str, Client]:
    """Logged-in clients of three users with the ingest permission: two clerks (not staff) and
    a staff member."""
    add_letter = Permission.objects.get(content_type__app_label="decisions", codename="add_letter")
    clients = {}
    for name in ("uploader", "other clerk", "staff"):
        user = django_user_model.objects.create_user(username=name, is_staff=name == "staff")
        user.user_permissions.add(add_letter)
        clients[name] = Client()
        clients[name].force_login(user)
    return clients


@pytest.mark.parametrize("url_name", ["decisions:upload-job", "decisions:upload-status"])
def test_an_upload_shows_to_its_uploader_and_staff_only(make_client, clerks, url_name):
    letter = SimpleUploadedFile("letter.txt", seed_text(SEED_NAMES[0]).encode())
    clerks["uploader"].post(reverse("decisions:upload"), {"files": [letter]})
    url = reverse(url_name, args=[Upload.objects.get().pk])
    assert clerks["uploader"].get(url).status_code == 200
    assert clerks["staff"].get(url).status_code == 200
    assert make_client("superuser").get(url).status_code == 200
    # Another clerk cannot even tell that the upload exists.
    assert clerks["other clerk"].get(url).status_code == 404
    assert make_client("staff-without-permission").get(url).status_code == 403
    assert make_client("anonymous").get(url)["Location"] == f"{reverse('login')}?next={url}"


def test_browsing_is_public_by_default(client):
    letter = make_letter()
    make_item(letter)
    assert client.get(reverse("decisions:search")).status_code == 200
    assert client.get(letter.get_absolute_url()).status_code == 200


def test_login_required_setting_closes_the_whole_site_but_the_login_page(client, settings):
    settings.IMR_LOGIN_REQUIRED = True
    letter = make_letter()
    original = reverse("decisions:letter-original", args=[letter.pk])
    for url in [reverse("decisions:search"), letter.get_absolute_url(), original]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('login')}?next={url}"
    assert client.get(reverse("login")).status_code == 200
    assert client.get("/static/decisions/site.css").status_code == 200
    assert client.get(reverse("admin:login")).status_code == 200


def test_login_required_setting_lets_logged_in_users_browse(make_client, settings):
    settings.IMR_LOGIN_REQUIRED = True
    assert make_client("user").get(reverse("decisions:search")).status_code == 200


def test_upload_refuses_a_post_without_csrf_token(make_client):
    client = make_client("staff-with-permission", enforce_csrf_checks=True)
    letter = SimpleUploadedFile("letter.txt", seed_text(SEED_NAMES[0]).encode())
    response = client.post(reverse("decisions:upload"), {"files": [letter]})
    assert response.status_code == 403
    assert Letter.objects.count() == 0 and IngestRun.objects.count() == 0
    assert Upload.objects.count() == 0

    page = client.get(reverse("decisions:upload"))
    token = page.context["csrf_token"]
    letter.seek(0)
    response = client.post(
        reverse("decisions:upload"), {"files": [letter], "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert Letter.objects.count() == 1


@pytest.mark.parametrize("url_name", ["login", "logout", "password_change"])
def test_account_forms_refuse_a_post_without_csrf_token(make_client, url_name):
    client = make_client("user", enforce_csrf_checks=True)
    assert client.post(reverse(url_name), {}).status_code == 403


def test_log_in_and_out_with_the_sites_own_pages(make_client, django_user_model):
    django_user_model.objects.create_user(username="clerk", password=PASSWORD)
    client = Client()
    page = client.get(reverse("login") + "?next=/upload/")
    html = page.content.decode()
    assert "site-header" in html and "<h1>Log in</h1>" in html and 'value="/upload/"' in html

    response = client.post(reverse("login"), {"username": "clerk", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()

    response = client.post(
        reverse("login"), {"username": "clerk", "password": PASSWORD, "next": "/ingest-history/"}
    )
    assert response.status_code == 302 and response["Location"] == "/ingest-history/"
    assert client.get(reverse("decisions:history")).status_code == 403

    assert client.get(reverse("logout")).status_code == 405  # logging out takes a POST
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("decisions:history")).status_code == 302


def test_password_change_uses_the_sites_pages(make_client):
    client = make_client("user")
    page = client.get(reverse("password_change"))
    html = page.content.decode()
    assert "site-header" in html and "<h1>Change password</h1>" in html
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a new long passphrase 42",
            "new_password2": "a new long passphrase 42",
        },
    )
    assert response["Location"] == reverse("password_change_done")
    assert "Password changed" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("kind", "shown", "hidden"),
    [
        ("anonymous", ["Log in"], ["Log out", "Upload letters", "Ingest history", "Admin"]),
        ("user", ["Log out", "Change password"], ["Upload letters", "Ingest history", ">Admin<"]),
        ("staff-without-permission", [">Admin<"], ["Upload letters", "Ingest history"]),
        ("staff-with-permission", ["Upload letters", "Ingest history", ">Admin<"], ["Log in"]),
    ],
)
def test_account_nav_offers_what_the_user_may_do(make_client, kind, shown, hidden):
    html = make_client(kind).get(reverse("decisions:search")).content.decode()
    start = html.index('<nav class="account-nav"')
    nav = html[start : html.index("</nav>", start)]
    for text in shown:
        assert text in nav
    for text in hidden:
        assert text not in nav
    if kind != "anonymous":
        assert 'method="post"' in nav and "csrfmiddlewaretoken" in nav


# --- The original file ------------------------------------------------------------------


def stored_letter(name: str, kind: str, data: bytes) -> Letter:
    letter = make_letter(source_name=name, original_kind=kind)
    letter.original_file.save("ignored", ContentFile(data))
    return letter


def test_original_pdf_downloads_as_an_attachment_with_a_safe_name(client):
    pdf = text_pdf(seed_text(SEED_NAMES[0]))
    letter = stored_letter('uploads.zip/../x/"Evil"\r\nname; .pdf', "pdf", pdf)
    response = client.get(reverse("decisions:letter-original", args=[letter.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Evil_name.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_original_suffix_follows_the_content_not_the_name(client):
    letter = stored_letter("letter.html", "text", "caf\u00e9".encode("cp1252"))
    response = client.get(reverse("decisions:letter-original", args=[letter.pk]))
    assert b"".join(response.streaming_content) == b"caf\xe9"
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"] == 'attachment; filename="letter.txt"'


def test_text_letter_without_a_stored_file_downloads_its_text(client):
    letter = make_letter(source_name="/srv/letters/2024/a b.txt", raw_text="Caf\u00e9 letter")
    response = client.get(reverse("decisions:letter-original", args=[letter.pk]))
    assert response.content == "Caf\u00e9 letter".encode()
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="a_b.txt"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_name_with_nothing_safe_left_falls_back_to_the_letter_id(client):
    letter = make_letter(source_name="\u0434\u043e\u043a.txt")
    response = client.get(reverse("decisions:letter-original", args=[letter.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="letter-{letter.pk}.txt"'


def test_original_of_a_missing_letter_is_404(client):
    assert client.get(reverse("decisions:letter-original", args=[999999])).status_code == 404


# --- The demo admin ---------------------------------------------------------------------


def test_demo_admin_is_created_once_with_a_printed_password(settings, django_user_model):
    settings.DEBUG = True
    out = StringIO()
    call_command("ensure_demo_admin", stdout=out)
    line = out.getvalue()
    password = line.split("Password: ")[1].strip()
    admin = django_user_model.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(password)

    out = StringIO()
    call_command("ensure_demo_admin", stdout=out)
    assert "An admin exists already: admin" in out.getvalue()
    assert django_user_model.objects.count() == 1


def test_demo_admin_takes_its_password_from_the_environment(
    settings, monkeypatch, django_user_model
):
    settings.DEBUG = True
    monkeypatch.setenv("IMR_ADMIN_PASSWORD", "chosen by the developer")
    call_command("ensure_demo_admin", stdout=StringIO())
    assert django_user_model.objects.get(username="admin").check_password("chosen by the developer")


def test_demo_admin_is_refused_without_debug(settings, django_user_model):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("ensure_demo_admin", stdout=StringIO())
    assert not django_user_model.objects.exists()


@pytest.mark.parametrize(
    "url_name", ["decisions:upload-job", "decisions:upload-status", "decisions:upload-bad-rows"]
)
def test_a_metadata_upload_and_its_bad_rows_show_to_its_uploader_and_staff_only(
    make_client, clerks, url_name
):
    clerks["uploader"].post(reverse("decisions:upload-metadata"), {"file": metadata_file()})
    url = reverse(url_name, args=[Upload.objects.get().pk])
    assert clerks["uploader"].get(url).status_code == 200
    assert clerks["staff"].get(url).status_code == 200
    assert clerks["other clerk"].get(url).status_code == 404
    assert make_client("staff-without-permission").get(url).status_code == 403
    assert make_client("anonymous").get(url)["Location"] == f"{reverse('login')}?next={url}"


def test_a_letters_upload_has_no_bad_rows_to_download(clerks):
    letter = SimpleUploadedFile("letter.txt", seed_text(SEED_NAMES[0]).encode())
    clerks["uploader"].post(reverse("decisions:upload"), {"files": [letter]})
    url = reverse("decisions:upload-bad-rows", args=[Upload.objects.get().pk])
    assert clerks["uploader"].get(url).status_code == 404
