"""403, 404 and 500 pages in the site's layout, saying what happened and what to do next.

The tests run with DEBUG off, as production does, so Django renders these templates.
"""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from tests.factories import make_letter

pytestmark = pytest.mark.django_db

SITE_HEADER = '<header class="site-header">'
ACCOUNT_NAV = '<nav class="account-nav" aria-label="Account">'


@pytest.fixture
def user_client(django_user_model) -> Client:
    """Logged in without the ingest permission."""
    client = Client()
    client.force_login(django_user_model.objects.create_user(username="reader", password="x"))
    return client


@pytest.mark.parametrize("page", ["decisions:upload", "decisions:history"])
def test_ingest_pages_refuse_in_the_site_layout_and_say_what_to_do(user_client, page):
    url = reverse(page)
    response = user_client.get(url)
    assert response.status_code == 403
    assert [t.name for t in response.templates][:2] == ["403.html", "base.html"]
    html = response.content.decode()
    assert SITE_HEADER in html and ACCOUNT_NAV in html
    assert "<h1>You are not allowed to open this page</h1>" in html
    assert "You are logged in as <strong>reader</strong>" in html
    assert "(“Can add letter”). Ask an administrator of this site" in html
    assert f'href="{reverse("login")}?next={url}">Log in as someone else</a>' in html
    assert f'href="{reverse("decisions:search")}">Back to the search</a>' in html


def test_admin_refusals_use_the_same_page_without_the_ingest_advice(
    admin_client, admin_user, django_user_model
):
    # Nothing is deleted in the admin (decisions/admin.py), not even by a superuser.
    delete = reverse("admin:decisions_letter_delete", args=[make_letter().pk])
    response = admin_client.get(delete)
    assert response.status_code == 403
    html = response.content.decode()
    assert (
        SITE_HEADER in html
        and f"You are logged in as <strong>{admin_user.username}</strong>" in html
    )
    assert "Can add letter" not in html and "No account can do this here" in html

    staff = django_user_model.objects.create_user(username="staff", password="x", is_staff=True)
    client = Client()
    client.force_login(staff)
    html = client.get(delete).content.decode()
    assert "You are logged in as <strong>staff</strong>" in html
    assert "If you need it, ask an administrator of this site." in html


def test_missing_pages_are_404_in_the_site_layout(client):
    response = client.get("/letters/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert SITE_HEADER in html and ACCOUNT_NAV in html
    assert "<h1>Page not found</h1>" in html and "<code>/letters/999999/</code>" in html
    assert client.get("/no/such/page/").status_code == 404


def test_server_errors_are_500_in_the_site_layout(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("decisions.views.browse.item_search", broken)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    html = response.content.decode()
    assert SITE_HEADER in html and "Something went wrong on our side" in html
    assert "a bug" not in html


def test_the_500_page_needs_no_request_context_and_no_database(django_assert_num_queries):
    """Django renders it without context processors, so that it works when they or the
    database are what failed."""
    with django_assert_num_queries(0):
        html = render_to_string("500.html")
    assert SITE_HEADER in html and ACCOUNT_NAV not in html
    assert f'href="{reverse("decisions:search")}">Back to the search</a>' in html
