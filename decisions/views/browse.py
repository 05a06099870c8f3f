"""The search page and the letter pages: validate input, call the search or a selector, render."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ..models import Letter
from ..search import item_filterset, item_search
from ..selectors.letters import letter_detail as select_letter_detail
from ..selectors.letters import letters_with_case_number


def search(request: HttpRequest) -> HttpResponse:
    """The search page. A link spelling a specialty another way (an old bookmark) is sent on
    to the canonical address, so that the address shared is the one the facets give. The
    redirect is temporary: a canonical name may change with the vocabulary, and a browser
    keeps a permanent redirect for good."""
    filterset = item_filterset(request.GET)
    canonical = filterset.canonical_query() if filterset.is_valid() else None
    if canonical is not None:
        return redirect(f"{request.path}?{canonical.urlencode()}")
    number = filterset.typed_case_number() if filterset.is_valid() else None
    if number is not None:
        return _case_lookup(request, number)
    results = item_search(filterset)
    return render(request, "decisions/search.html", {"results": results})


def _case_lookup(request: HttpRequest, number: str) -> HttpResponse:
    """A case number typed in the search box: its letter when one letter has it, else the
    search filtered by it (which lists several letters' items, or says that none has it)."""
    letters = letters_with_case_number(number)
    if len(letters) == 1:
        return redirect("decisions:letter-detail", pk=letters[0])
    query = request.GET.copy()
    for name in ("q", "page", "after", "before", "sort"):
        query.pop(name, None)
    query["case_number"] = number
    return redirect(f"{request.path}?{query.urlencode()}")


def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    detail = select_letter_detail(pk=pk, query=request.GET.get("q", "").strip()[:500])
    if detail is None:
        raise Http404("No such letter.")
    return render(request, "decisions/letter_detail.html", {"detail": detail})


def letter_text(request: HttpRequest, pk: int) -> HttpResponse:
    """The text as extracted: plain text, never interpreted by the browser."""
    letter = get_object_or_404(Letter.objects.only("raw_text"), pk=pk)
    response = HttpResponse(letter.raw_text, content_type="text/plain; charset=utf-8")
    response["Content-Security-Policy"] = "sandbox"
    return response
