"""Hostile input in every parameter of every page of ours: never a server error, always escaped.

The GET walk discovers the pages from the URLconf (Django's admin aside), so pages added later
are walked without being listed here. Each hostile value is sent once per page, in every
parameter a page of ours reads, in unknown parameters and as a parameter name, and once more
in place of each path parameter. The POST pages are checked with hostile form fields and
uploaded file names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import StringIO
from urllib.parse import quote

import pytest
from django.apps import apps
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RoutePattern

from decisions.middleware import QueryControlCharactersMiddleware
from decisions.models import IngestRun, Letter, MetadataLoad, Upload
from decisions.search.parameters import ItemFilter, SearchForm
from tests.helpers import FIXTURE_LETTERS, SEED_NAMES, seed_text, zip_of

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
# Values as a page receives them; the test percent-encodes them into the URL.
HOSTILE_VALUES = [
    "\x00",
    "a\x00b",
    "\x01\x1f",
    "\x7f\x85",
    "norco\tpercocet\r\n",
    "%00",  # the text itself: a page that decoded its parameters twice would read a NUL
    "x" * 10_000,
    "'; DROP TABLE decisions_letter; --",
    SCRIPT,
]
# Query-string text sent as it is: bytes that are not UTF-8 (a lone surrogate, an overlong
# NUL, a stray byte), which Django decodes to replacement characters.
RAW_VALUES = ["%ED%A0%80", "%C0%80", "%FF"]
SENT_CONTROLS = set("\x00\x01\x1f\x7f\x85\t\r")
ALLOWED_STATUSES = {200, 302, 400, 403, 404, 405}
# Every parameter a page of ours reads: the search's and the export's filters, order and page
# (the letter page takes `q`, the history pages `page`), and the login and logout pages' next.
KNOWN_PARAMETERS = [*ItemFilter.base_filters, *SearchForm.base_fields, REDIRECT_FIELD_NAME]


@dataclass(frozen=True)
class Route:
    """A page of ours as its URL pattern reads, e.g. "letters/<int:pk>/"."""

    route: str

    @property
    def has_path_parameters(self) -> bool:
        return "<" in self.route

    def url(self, path_value: str) -> str:
        """The page's address with every path parameter given `path_value` (URL-encoded)."""
        return "/" + re.sub(r"<[^>]+>", path_value, self.route)


def our_routes(resolver: URLResolver | None = None, prefix: str = "") -> list[Route]:
    """Every URL pattern of the URLconf but Django's admin."""
    routes = []
    for pattern in (resolver or get_resolver()).url_patterns:
        assert isinstance(pattern.pattern, RoutePattern), f"{pattern!r}: not a path() route"
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                routes += our_routes(pattern, route)
        else:
            assert isinstance(pattern, URLPattern)
            routes.append(Route(route))
    return routes


def encoded(value: str) -> str:
    return value if value in RAW_VALUES else quote(value, safe="")


def hostile_query(value: str) -> str:
    """The value in every parameter we read, in an unknown one, and as a parameter's name."""
    value = encoded(value)
    names = [*KNOWN_PARAMETERS, "unknown"]
    return "&".join([*(f"{name}={value}" for name in names), f"{value}=1"])


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def problems(response, value: str) -> list[str]:
    """What is wrong with a response to a hostile value: a server error, an echo unescaped,
    or control characters passed on.

    Only HTML is rendered by the browser, so other answers (an export's 400 names the value it
    refused) may echo text as it came, as long as the browser is told not to sniff them.
    """
    if response.status_code not in ALLOWED_STATUSES:
        return [f"status {response.status_code} {getattr(response, 'exc_info', None)}"]
    text = body(response)
    found = []
    if response["Content-Type"].startswith("text/html"):
        if SCRIPT in text:
            found.append("echoes <script> unescaped")
    elif response.get("X-Content-Type-Options") != "nosniff":
        found.append(f"{response['Content-Type']} without nosniff")
    if controls := sorted(SENT_CONTROLS & set(text) & set(value)):
        found.append(f"echoes control characters {controls}")
    return found


@pytest.fixture
def site_objects() -> None:
    """A letter from the fixture letters and its ingest run, through the ingest command, and
    an upload whose job page staff may follow; a metadata upload, with a row it skipped."""
    call_command("ingest", str(FIXTURE_LETTERS / SEED_NAMES[1]), "--workers=1", stdout=StringIO())
    Upload.objects.create(sources=SEED_NAMES[1], run=IngestRun.objects.get())
    metadata = Upload.objects.create(sources="dwc.csv", kind=Upload.Kind.METADATA)
    load = MetadataLoad.objects.create(upload=metadata, file="metadata/x.csv", sha256="x", size=1)
    load.bad_rows.create(line=2, reason="no case number")


def real_ids() -> list[int]:
    """The first id of every model of ours: path parameters are filled from these."""
    ids = []
    for model in apps.get_app_config("decisions").get_models():
        pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        if isinstance(pk, int):
            ids.append(pk)
    return ids


def opened_url(route: Route, staff: Client) -> str:
    """The route's address with an id that opens a real page (not 404) for staff."""
    for pk in real_ids():
        url = route.url(str(pk))
        if staff.get(url).status_code != 404:
            return url
    raise AssertionError(f"no object of the fixture opens /{route.route}: add one to site_objects")


@pytest.fixture
def staff(django_user_model) -> Client:
    """Staff with the ingest permission, so the ingest pages answer with their content."""
    user = django_user_model.objects.create_user(username="staff", password="pw", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="decisions", codename="add_letter")
    )
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_the_walk_covers_our_pages_and_leaves_out_the_admin():
    routes = {route.route for route in our_routes()}
    assert {"", "letters/<int:pk>/", "export.csv", "accounts/login/"} <= routes
    assert not any(route.startswith("admin/") for route in routes)


@pytest.mark.usefixtures("site_objects")
@pytest.mark.parametrize("kind", ["anonymous", "staff"])
def test_hostile_values_in_any_parameter_of_any_page(staff, kind):
    client = staff if kind == "staff" else Client(raise_request_exception=False)
    failures = []
    for route in our_routes():
        url = opened_url(route, staff) if route.has_path_parameters else route.url("")
        for value in HOSTILE_VALUES + RAW_VALUES:
            requests = {"query": f"{url}?{hostile_query(value)}"}
            if route.has_path_parameters:
                requests["path"] = route.url(encoded(value))
            for where, request in requests.items():
                for problem in problems(client.get(request), value):
                    failures.append(f"{url} {value[:20]!r} in the {where}: {problem}")
    assert not failures, "\n".join(failures)


@pytest.mark.usefixtures("site_objects")
def test_control_characters_are_removed_and_the_page_answers_the_value_they_spoiled(client):
    letter = Letter.objects.get()
    response = client.get(reverse("decisions:letter-detail", args=[letter.pk]) + "?q=nor%00co")
    assert response.context["detail"].query == "norco"
    assert "<mark>Norco</mark>" in body(response)
    response = client.get(reverse("decisions:search") + "?outcome=overturned%0A&q=nor%01co")
    assert response.context["results"].query == "norco"
    assert [row.item.outcome for row in response.context["results"].items] == ["overturned"]


def test_the_admin_keeps_its_parameters_as_sent(rf):
    request = rf.get("/admin/decisions/letter/?q=a%00b")
    request.resolver_match = resolve("/admin/decisions/letter/")
    QueryControlCharactersMiddleware(lambda request: None).process_view(request, None, (), {})
    assert request.GET["q"] == "a\x00b"


def test_hostile_upload_file_names_are_shown_escaped_without_control_characters(staff):
    """Django drops control characters from an uploaded file's name; a ZIP's entry names are
    the upload service's to clean."""
    letter = seed_text(SEED_NAMES[0]).encode()
    archive = zip_of({"folder/<b>e\x1bf</b>.txt": letter, "g\nh\x85.txt": b"not a letter"})
    files = [
        SimpleUploadedFile("a\x00b.txt", letter),
        SimpleUploadedFile("<img src=x onerror=alert(1)>\x01.txt", b"not a letter"),
        SimpleUploadedFile("bundle\x00.zip", archive),
    ]
    response = staff.post(reverse("decisions:upload"), {"files": files}, follow=True)
    assert response.status_code == 200
    assert re.findall(r'<td class="file-name">(.*?)</td>', body(response)) == [
        "ab.txt",
        "&lt;img src=x onerror=alert(1)&gt;.txt",
        "bundle.zip/folder/&lt;b&gt;ef&lt;/b&gt;.txt",
        "bundle.zip/gh.txt",
    ]


def test_hostile_login_fields_are_a_form_error_and_next_is_echoed_escaped():
    """POST fields are the forms' to check: Django's refuse a NUL. `next` is sent back as it
    came, escaped, for the next attempt; it only ever becomes a percent-encoded redirect."""
    client = Client(raise_request_exception=False)
    form = {"username": "a\x00b", "password": "\x00", REDIRECT_FIELD_NAME: "/\x00" + SCRIPT}
    response = client.post(reverse("login"), form)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert SCRIPT not in body(response) and "&lt;script&gt;" in body(response)


def test_hostile_next_after_logging_in_and_out_redirects_without_control_characters(
    django_user_model,
):
    django_user_model.objects.create_user(username="reader", password="pw")
    client = Client(raise_request_exception=False)
    for url, form in [
        (reverse("login"), {"username": "reader", "password": "pw"}),
        (reverse("logout"), {}),
    ]:
        response = client.post(url, {**form, REDIRECT_FIELD_NAME: "/a\x00b\r\nc"})
        assert response.status_code == 302
        assert not re.search(r"[\x00-\x1f]", response["Location"])


def test_hostile_password_change_fields_are_a_form_error(staff):
    form = {"old_password": "pw\x00", "new_password1": "a\x00b\x01", "new_password2": "a\x00b\x01"}
    response = staff.post(reverse("password_change"), form)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert problems(response, "\x00\x01") == []
