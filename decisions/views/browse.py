from django.shortcuts import get_object_or_404, render

from ..models import DisputedItem, Letter


def search(request):
    items = DisputedItem.objects.select_related("letter").order_by("-id")[:50]
    return render(request, "decisions/search.html", {"items": items})


def letter_detail(request, pk: int):
    letter = get_object_or_404(Letter, pk=pk)
    return render(request, "decisions/letter_detail.html", {"letter": letter})
