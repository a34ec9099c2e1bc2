"""Home page, about page, and the error pages in French."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from observatoire.lib.cache import cached_fragment
from observatoire.practices.models import Category, Practice

LATEST_COUNT = 6


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    def render_sections() -> str:
        visible = Practice.objects.discoverable_by(request.user)
        categories = Category.objects.with_counts(visible)
        latest = visible.for_list().order_by("-published_at", "-pk")[:LATEST_COUNT]
        return render_to_string("pages/home_sections.html",
                                {"categories": categories, "latest": latest}, request=request)

    sections = cached_fragment(request, "home", (), render_sections)
    return render(request, "pages/home.html", {"sections": sections})


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/about.html")


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
