"""Views of the Observatory: the list with search and facets, categories, themes, a practice."""

from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from observatoire.network.models import Cooperative
from observatoire.practices.listing import build_listing
from observatoire.practices.models import Category, Practice, Theme

RELATED_COUNT = 4


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def get_practice_for(user, slug: str) -> Practice:
    """The practice if this person may see it; 404 otherwise, so its existence stays private."""
    queryset = Practice.objects.discoverable_by(user).select_related("category").prefetch_related(
        Prefetch("cooperatives", queryset=Cooperative.objects.with_card()),
        "themes", "tags", "links", "attachments",
    )
    try:
        return queryset.get(slug=slug)
    except Practice.DoesNotExist as error:
        raise Http404(_("Cette pratique n'existe pas ou n'est pas accessible.")) from error


@require_GET
def practice_list(request: HtmxHttpRequest) -> HttpResponse:
    listing = build_listing(request, Practice.objects.discoverable_by(request.user))
    template = "practices/practice_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, {"listing": listing})


@require_GET
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug)
    listing = build_listing(request, Practice.objects.discoverable_by(request.user),
                            fixed={"categorie": [category.slug]})
    themes = category.themes.annotate(
        practice_count=Count("practices", filter=Q(
            practices__in=Practice.objects.discoverable_by(request.user)))
    )
    return render(request, "practices/category_detail.html",
                  {"category": category, "themes": themes, "listing": listing})


@require_GET
def theme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    theme = get_object_or_404(Theme.objects.select_related("category"), slug=slug)
    listing = build_listing(request, Practice.objects.discoverable_by(request.user),
                            fixed={"theme": [theme.slug]})
    return render(request, "practices/theme_detail.html", {"theme": theme, "listing": listing})


@require_GET
def category_list(request: HttpRequest) -> HttpResponse:
    visible = Practice.objects.discoverable_by(request.user)
    categories = Category.objects.annotate(
        practice_count=Count("practices", filter=Q(practices__in=visible))
    ).prefetch_related("themes")
    return render(request, "practices/category_list.html", {"categories": categories})


@require_GET
def practice_detail(request: HttpRequest, slug: str) -> HttpResponse:
    practice = get_practice_for(request.user, slug)
    related = (Practice.objects.discoverable_by(request.user).related_to(practice)
               .select_related("category")[:RELATED_COUNT])
    return render(request, "practices/practice_detail.html",
                  {"practice": practice, "related": related})
