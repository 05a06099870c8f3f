"""The search page and the letter pages: validate input, call the search or a selector, render."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from ..models import Letter
from ..search import item_filterset, item_search
from ..selectors.letters import letter_detail as select_letter_detail


def search(request: HttpRequest) -> HttpResponse:
    results = item_search(item_filterset(request.GET))
    return render(request, "decisions/search.html", {"results": results})


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
