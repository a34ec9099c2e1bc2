"""Views of the network: a cooperative's page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from observatoire.lib.cache import cache_page_for_visitors
from observatoire.lib.pagination import paginate
from observatoire.network.models import Cooperative
from observatoire.practices.models import Practice


@require_GET
@cache_page_for_visitors
def cooperative_detail(request: HttpRequest, slug: str) -> HttpResponse:
    cooperative = get_object_or_404(Cooperative.objects.with_card(), slug=slug)
    practices = (
        Practice.objects.discoverable_by(request.user)
        .filter(cooperatives=cooperative)
        .select_related("category")
        .order_by("-published_at", "-pk")
    )
    return render(
        request,
        "network/cooperative_detail.html",
        {
            "cooperative": cooperative,
            **paginate(request, practices),
        },
    )
