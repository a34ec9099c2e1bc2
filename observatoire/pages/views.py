"""Home page, about page, and the error pages in French."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from observatoire.accounts.models import User
from observatoire.lib.cache import cache_page_for_visitors, cached_fragment
from observatoire.practices.models import Category, Practice

LATEST_COUNT = 6


@require_safe
@cache_page_for_visitors(params=())
def home(request: HttpRequest) -> HttpResponse:
    def render_sections() -> str:
        visible = Practice.objects.discoverable_by(request.user)
        categories = Category.objects.with_counts(request.user)
        latest = visible.for_list().order_by("-published_at", "-pk")[:LATEST_COUNT]
        return render_to_string(
            "pages/home_sections.html",
            {"categories": categories, "latest": latest},
            request=request,
        )

    sections = cached_fragment(request, "home", (), render_sections)
    return render(request, "pages/home.html", {"sections": sections})


@require_safe
@cache_page_for_visitors(params=())
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/about.html")


@require_http_methods(["GET", "HEAD", "POST"])
def choose_language(request: HttpRequest, code: str) -> HttpResponse:
    """Switch the interface language with a plain link (no form, so pages carry no
    per-visitor token and can be cached whole for visitors): this browser's cookie only.

    A signed-in person's own language, that of their emails, changes only by a POST (which
    the CSRF middleware checks): a link from another site must not change it."""
    if code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    person = request.user
    if request.method == "POST" and isinstance(person, User) and person.language != code:
        # Emails and digests follow the same choice.
        person.language = code
        person.save(update_fields=["language"])
    response = redirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def error_page(request: HttpRequest, *, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(
        request,
        status=400,
        title=_("Requête incorrecte"),
        message=_(
            "La demande n'a pas pu être comprise. Vérifiez l'adresse ou les filtres utilisés."
        ),
    )


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(
        request,
        status=403,
        title=_("Accès refusé"),
        message=_(
            "Vous n'avez pas l'autorisation de voir cette page. Si vous pensez que c'est une "
            "erreur, connectez-vous avec le bon compte."
        ),
    )


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(
        request,
        status=404,
        title=_("Page introuvable"),
        message=_(
            "Cette page n'existe pas ou n'est pas accessible avec votre compte. Les pratiques "
            "réservées aux membres demandent de se connecter."
        ),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
