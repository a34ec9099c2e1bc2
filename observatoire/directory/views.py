"""Views of the directory: a cooperative's page, with its practices and adoptions."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from observatoire.lib.cache import LISTING, cache_page_for_visitors, cooperative_version, depends_on
from observatoire.lib.pagination import paginate
from observatoire.network.models import Cooperative
from observatoire.practices.models import Practice


@require_safe
@cache_page_for_visitors(params=("page",))
def cooperative_detail(request: HttpRequest, slug: str) -> HttpResponse:
    cooperative = get_object_or_404(Cooperative.objects.with_card(), slug=slug)
    # Its practices (as lists show them) and its adoptions.
    depends_on(request, LISTING, cooperative_version(cooperative.pk))
    practices = (
        Practice.objects.discoverable_by(request.user)
        .filter(cooperatives=cooperative)
        .select_related("category")
        .order_by("-published_at", "-pk")
    )
    return render(
        request,
        "directory/cooperative_detail.html",
        {
            "cooperative": cooperative,
            **paginate(request, practices),
        },
    )
