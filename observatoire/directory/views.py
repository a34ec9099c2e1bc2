"""Views of the directory: the list of cooperatives (/annuaire/) and a cooperative's page, with
its practices and adoptions."""

import json
import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from observatoire.directory import duplicates, editing, exports, listing
from observatoire.lib.cache import (
    COOPERATIVES,
    DIRECTORY,
    LISTING,
    cache_page_for_visitors,
    cooperative_version,
    depends_on,
)
from observatoire.lib.pagination import paginate
from observatoire.lib.prepared import Prepared
from observatoire.network.models import Cooperative
from observatoire.practices import uploads
from observatoire.practices.listing import cut_query, limit_search_rate
from observatoire.practices.models import CARD_FIELDS, Practice


@require_safe
@limit_search_rate
@cache_page_for_visitors(params=listing.LIST_PARAMS, members=True)
def cooperative_list(request: HttpRequest) -> HttpResponse:
    depends_on(request, DIRECTORY)
    found = listing.build(request)
    keep = [
        (key, value)
        for key, values in request.GET.lists()
        if key in listing.LIST_PARAMS and key not in ("q", "page", "pres", "rayon")
        for value in values
    ]
    return render(
        request,
        "directory/cooperative_list.html",
        {
            "listing": found,
            "query_text": cut_query(request.GET.get("q", ""))[0],
            "place_text": request.GET.get("pres", "")[:80],
            "radius_text": request.GET.get("rayon", "")[:6],
            "keep": keep,
            "query_string": _without_page(request),
        },
    )


def _without_page(request: HttpRequest) -> str:
    """The list's address parameters, to go from the list to the map and back."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


MOST_PRACTICES = 1000  # a cooperative's practices listed on its page, at most

# A cooperative's page, its queries compiled once per process (lib/prepared.py): building them
# (select_related, a hundred columns) cost the page more than running them.
_cooperative_page = Prepared(
    lambda slug: (
        Cooperative.objects.with_card()
        .defer("search_title", "search_head", "search_body", "tokens")
        .filter(slug=slug)
    ),
    name="cooperative_page",
)
# Its practices, read by key from its own links (a few), each checked as its page would be:
# asked for « published, visible and one of these », SQLite went through every published
# practice (50 ms at 50,000) for want of statistics.
_cooperative_practices = Prepared(
    lambda pk: (
        Practice.objects.filter(
            pk__in=Practice.cooperatives.through.objects.filter(cooperative=pk).values_list(
                "practice_id", flat=True
            )[:MOST_PRACTICES]
        )
        # What its cards show and is_discoverable_by reads: not the texts, nor the category's
        # newest practices (JSON decoded for every card).
        .only(*CARD_FIELDS, "deleted_at")
        .select_related("category")
        .order_by("-published_at", "-pk")
    ),
    name="cooperative_practices",
)


def _page_number(raw: str) -> int:
    """The page of a cooperative's practices an address asks for, from 1 to the last there can
    be (beyond its own last, the paginator shows that one)."""
    try:
        number = int(raw)
    except ValueError:
        return 1
    return min(max(number, 1), -(-MOST_PRACTICES // settings.PRACTICES_PER_PAGE))


# The overseas départements, drawn each in its own small map beside France's.
OVERSEAS = [
    ("971", "Guadeloupe"),
    ("972", "Martinique"),
    ("973", "Guyane"),
    ("974", "La Réunion"),
    ("976", "Mayotte"),
]


@require_safe
@limit_search_rate
@cache_page_for_visitors(params=listing.LIST_PARAMS, members=True)
def cooperative_map(request: HttpRequest) -> HttpResponse:
    """The map: the list's filters and search, drawn from cooperative_points; the list stays
    its accessible alternative, one link away."""
    depends_on(request, DIRECTORY)
    query = _without_page(request)
    return render(
        request,
        "directory/cooperative_map.html",
        {
            "listing": listing.build(request),
            "query_string": query,
            "overseas": OVERSEAS,
            "tile_url": settings.MAP_TILE_URL,
            "pmtiles": settings.MAP_TILES_PMTILES,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )


@require_safe
@limit_search_rate
@cache_page_for_visitors(params=listing.LIST_PARAMS[:-1], members=True)
def cooperative_points(request: HttpRequest) -> HttpResponse:
    """The map's points as GeoJSON, for the filters of the address (the page cache keeps one
    answer per filter set until a cooperative changes)."""
    depends_on(request, DIRECTORY)
    body = json.dumps(listing.points(request), ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body, content_type="application/geo+json; charset=utf-8")


@require_safe
# Signed-in people of a scope share one page too: their buttons are theirs (directory/actions.py).
@cache_page_for_visitors(params=("page",), members=True)
def cooperative_detail(request: HttpRequest, slug: str) -> HttpResponse:
    found = _cooperative_page(slug)
    if not found:
        raise Http404
    cooperative = found[0]
    raw = request.GET.get("page", "")
    number = _page_number(raw)
    if raw and raw != str(number):  # one address, and one cache entry, a page
        return redirect(f"{request.path}?page={number}" if number > 1 else request.path)
    # Its practices (as lists show them) and its adoptions.
    depends_on(request, LISTING, COOPERATIVES, cooperative_version(cooperative.pk))
    linked = _cooperative_practices(cooperative.pk)
    practices = [practice for practice in linked if practice.is_discoverable_by(request.user)]
    return render(
        request,
        "directory/cooperative_detail.html",
        {
            "cooperative": cooperative,
            # Signed-in people see the contact; visitors only when the cooperative chose to.
            "show_contact": cooperative.contact_public or request.user.is_authenticated,
            **paginate(request, practices),
        },
    )


@require_safe
def cooperative_logo(request: HttpRequest, slug: str) -> FileResponse:
    """Its logo, to anyone who may see its page: the stored type, never sniffed, no script."""
    cooperative = get_object_or_404(Cooperative.objects.only("logo"), slug=slug)
    if not cooperative.logo:
        raise Http404(_("Cette coopérative n'a pas de logo."))
    content_type = mimetypes.guess_type(cooperative.logo.name or "")[0] or ""
    if not uploads.is_image(content_type):
        raise Http404(_("Cette coopérative n'a pas de logo."))
    try:
        handle = cooperative.logo.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("Cette coopérative n'a pas de logo.")) from error
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # Public, as its page is; a new logo gets a new address (its file name is in the URL).
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_required
@require_safe
def duplicate_list(request: HttpRequest) -> HttpResponse:
    """Cooperatives that may be entered twice, for the permanents who merge them."""
    if not duplicates.may_list(request.user):
        raise PermissionDenied(
            _("Seuls les permanents des Unions régionales voient les doublons possibles.")
        )
    pairs = duplicates.possible_duplicates(request.user)
    return render(request, "directory/duplicate_list.html", paginate(request, pairs))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def duplicate_merge(request: HttpRequest) -> HttpResponse:
    """What merging one cooperative into another moves (GET), and the merge (POST)."""
    if not duplicates.may_list(request.user):
        raise PermissionDenied(
            _("Seuls les permanents des Unions régionales fusionnent des coopératives.")
        )
    params = request.POST if request.method == "POST" else request.GET
    keep_slug, drop_slug = params.get("garder", ""), params.get("retirer", "")
    found = {
        c.slug: c for c in Cooperative.objects.listed().filter(slug__in=[keep_slug, drop_slug])
    }
    keep, drop = found.get(keep_slug), found.get(drop_slug)
    if keep is None or drop is None or keep.pk == drop.pk:
        return render(
            request,
            "directory/duplicate_merge.html",
            {
                "error": _(
                    "Choisissez deux coopératives différentes de l'annuaire : l'une est "
                    "introuvable, déjà archivée, ou c'est la même."
                )
            },
            status=400,
        )
    if not duplicates.may_merge(request.user, keep, drop):
        raise PermissionDenied(
            _("Seuls les permanents de leur Union régionale fusionnent ces coopératives.")
        )
    if request.method == "POST":
        moved = duplicates.merge(drop, keep, request.user)
        messages.success(
            request,
            _(
                "%(drop)s est fusionnée dans %(keep)s : %(practices)s pratique(s), "
                "%(people)s personne(s), %(adoptions)s adoption(s) déplacées ; elle est archivée."
            )
            % {
                "drop": drop.name,
                "keep": keep.name,
                "practices": moved.practices,
                "people": moved.people,
                "adoptions": moved.adoptions,
            },
        )
        return redirect(keep.get_absolute_url())
    return render(
        request,
        "directory/duplicate_merge.html",
        {"keep": keep, "drop": drop, "moved": duplicates.what_moves(drop, keep)},
    )


def _editable(request: HttpRequest, slug: str) -> Cooperative:
    cooperative = get_object_or_404(Cooperative.objects.with_card(), slug=slug)
    if not editing.may_edit(request.user, cooperative):
        raise PermissionDenied(
            _(
                "Seuls l'administrateur·rice de la coopérative et les permanents de son UR "
                "modifient sa fiche."
            )
        )
    return cooperative


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@uploads.limit_upload_size
def cooperative_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Its page kept true by its administrator or a permanent of its UR (directory/editing.py):
    every change a version; an error keeps what was typed (a file is chosen again)."""
    cooperative = _editable(request, slug)
    form = editing.CooperativeForm(
        request.POST or None, request.FILES or None, instance=cooperative, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        version = editing.save(form, request.user)
        if version is None:
            messages.info(request, _("Rien n'a changé : la fiche est telle qu'elle était."))
        else:
            messages.success(request, _("La fiche est enregistrée."))
        return redirect(cooperative.get_absolute_url())
    return render(
        request,
        "directory/cooperative_edit.html",
        {"cooperative": cooperative, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def cooperative_history(request: HttpRequest, slug: str) -> HttpResponse:
    """Who changed the page, when, and what it said after each edit."""
    cooperative = _editable(request, slug)
    versions = list(cooperative.versions.select_related("author"))
    return render(
        request,
        "directory/cooperative_history.html",
        {"cooperative": cooperative, "versions": editing.described(versions)},
    )


# The two open-data files: content type, file name, and how each is written.
EXPORTS = {
    "csv": ("text/csv; charset=utf-8", "annuaire-cooperatives.csv", exports.csv_lines),
    "geojson": (
        "application/geo+json; charset=utf-8",
        "annuaire-cooperatives.geojson",
        exports.geojson_chunks,
    ),
}


@require_safe
@limit_search_rate
def cooperative_export(request: HttpRequest, kind: str) -> HttpResponse | StreamingHttpResponse:
    """Every cooperative of the list at this address (filters, search, « près de »), as CSV or
    GeoJSON (directory/exports.py), written as it is read. A place that cannot be read gets
    the list's French message and a way back, never a file of something else."""
    ids, errors = listing.ordered_ids(request)
    if ids is None:
        return render(
            request,
            "directory/export_error.html",
            {"errors": errors, "query_string": _without_page(request)},
            status=400,
        )
    content_type, filename, write = EXPORTS[kind]
    response = StreamingHttpResponse(write(ids), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
