"""Who may see and who may change data, and what query parameters may carry.

The letters are public, redacted records, so browsing is open unless `IMR_LOGIN_REQUIRED` is
set. Changing data (uploading, re-parsing) and reading the ingest history take one permission,
`INGEST_PERMISSION`. No query parameter of ours carries a control character
(`QueryControlCharactersMiddleware`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, QueryDict
from django.http.response import HttpResponseBase
from django.utils.deprecation import MiddlewareMixin

from .control_characters import without_control_characters

# Django's own "Can add letter". Letters are never edited by hand (the admin is read-only for
# them, because a hand edit would drift from the item rows that copy letter values and would be
# lost at the next re-parse), so adding letters through the ingest service is the only write
# this permission can mean; re-parsing is loading a letter again from its stored text, and the
# ingest history is the record of those loads. Reusing it needs no model change and shows in
# the admin's permission picker under a name site owners already understand.
INGEST_PERMISSION = "decisions.add_letter"


def ingest_permission_required(view: Callable) -> Callable:
    """Anonymous users are sent to log in; logged-in users without the permission get 403.

    `permission_required` alone would send a logged-in user without the permission to the
    login page again, which reads as a broken login rather than a refusal.
    """
    return login_required(permission_required(INGEST_PERMISSION, raise_exception=True)(view))


class SiteLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, switched on by `IMR_LOGIN_REQUIRED`.

    The switch is read per request rather than when the middleware list is built, so one
    MIDDLEWARE serves both modes and tests can flip it. Django's login view, the admin login
    and static files (served by WhiteNoise before any view) stay reachable.
    """

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if not settings.IMR_LOGIN_REQUIRED:
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class QueryControlCharactersMiddleware(MiddlewareMixin):
    """Control characters out of every GET parameter, names and values, before a view reads one.

    None of our query parameters can mean anything with one (a search, a filter value, a page
    number, a login's `next`), and PostgreSQL refuses a NUL outright, which made one in a
    letter page's `?q=` a server error. Removing them here covers every page, those added later
    too, where checks in each view or form would have to be remembered for each new parameter;
    removing rather than refusing keeps a shared link working when a stray character got into
    it, and the page shows the value it answered. Form fields sent by POST are left to their
    forms (Django's text fields refuse a NUL; a text area may need line breaks); Django drops
    control characters from uploaded files' names, and the upload service from ZIP entries'.

    Django's admin is left as Django made it: its parameters (field lookups, the encoded
    `_changelist_filters`) are Django's contract, and it answers a NUL without an error. That
    is why this runs as `process_view`, once the URL's namespace is known.
    """

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        # process_view runs once the URL is resolved, so the match is there.
        assert request.resolver_match is not None
        if "admin" not in request.resolver_match.namespaces:
            clean = without_control_characters
            pairs = [
                (clean(name), clean(value))
                for name, values in request.GET.lists()
                for value in values
            ]
            request.GET = QueryDict(urlencode(pairs))
