"""Views of the Observatory: the list with search and facets, categories, themes, a practice."""

import json
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Exists, OuterRef, TextField
from django.db.models.expressions import RawSQL
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe
from django_htmx.middleware import HtmxDetails

from observatoire.lib.cache import (
    LISTING,
    TAXONOMY,
    cache_page_for_visitors,
    community_version,
    depends_on,
    practice_version,
    read_versions_ahead,
)
from observatoire.lib.pagination import paginate
from observatoire.lib.prepared import Prepared, attach
from observatoire.network.models import Cooperative
from observatoire.practices import moderation, moderation_views, page_body, related, uploads
from observatoire.practices.forms import (
    AttachmentsForm,
    PracticeForm,
    error_summary,
    suggestion,
)
from observatoire.practices.listing import (
    LIST_PARAMS,
    clean_list_params,
    limit_search_rate,
    listing_html,
    search_box,
)
from observatoire.practices.models import (
    Attachment,
    Category,
    Practice,
    PracticeLink,
    Theme,
    reads_members_only,
)
from observatoire.practices.moderation import record_save
from observatoire.practices.page_body import BODY_RELATIONS

RELATED_COUNT = 4


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


# What the apps above this one show under a practice may be known from the practice's own
# query: each registers here (in its AppConfig.ready) an attribute name and a function of the
# signed-in person's pk (None for a visitor) returning an Exists() on OuterRef("pk"), or None
# when it has nothing to ask; it then skips its own query when the attribute is False.
PAGE_FLAGS: dict[str, Callable[[int | None], Exists | None]] = {}


# The practice's themes, read with it (one round trip less: three queries instead of four),
# as JSON rows [id, name, slug, category id, position, category position, newest]: what the
# page and « Pratiques proches » read of them (related.chosen). Ordered in Python.
THEMES_OF_PRACTICE = {
    "postgresql": (
        "(SELECT json_agg(json_build_array(t.id, t.name, t.slug, t.category_id, t.position, "
        "c.position, t.newest))::text FROM practices_practice_themes pt "
        "JOIN practices_theme t ON t.id = pt.theme_id "
        "JOIN practices_category c ON c.id = t.category_id "
        'WHERE pt.practice_id = "practices_practice"."id")'
    ),
    "sqlite": (
        "(SELECT json_group_array(json_array(t.id, t.name, t.slug, t.category_id, t.position, "
        "c.position, json(t.newest))) FROM practices_practice_themes pt "
        "JOIN practices_theme t ON t.id = pt.theme_id "
        "JOIN practices_category c ON c.id = t.category_id "
        'WHERE pt.practice_id = "practices_practice"."id")'
    ),
}


def themes_read_with(practice: Practice) -> list[Theme] | None:
    """The themes the practice's own query read (``themes_json``), in their order; None when
    it did not."""
    if not hasattr(practice, "themes_json"):
        return None
    rows = json.loads(practice.themes_json or "[]")  # PostgreSQL's json_agg of nothing: NULL
    rows.sort(key=lambda row: (row[5], row[4], row[1]))
    return [
        Theme(id=pk, name=name, slug=slug, category_id=category, position=position, newest=newest)
        for pk, name, slug, category, position, _category_position, newest in rows
    ]


def _practice_by_slug(members: bool, person: int | None, slug: str):
    flags = {name: flag(person) for name, flag in PAGE_FLAGS.items()}
    themes = THEMES_OF_PRACTICE.get(connection.vendor)
    return (
        Practice.objects.discoverable(members)
        .for_page()
        .select_related("category")
        .filter(slug=slug)
        # Whether it has tags, links, documents, and what other apps ask (PAGE_FLAGS): most
        # have none, and their queries are skipped.
        .annotate(
            has_tags=Exists(Practice.tags.through.objects.filter(practice_id=OuterRef("pk"))),
            has_links=Exists(PracticeLink.objects.filter(practice_id=OuterRef("pk"))),
            has_attachments=Exists(Attachment.objects.filter(practice_id=OuterRef("pk"))),
            **{name: flag for name, flag in flags.items() if flag is not None},
            **({"themes_json": RawSQL(themes, (), output_field=TextField())} if themes else {}),
        )[:2]
    )


# The practice page's queries, compiled once per process (lib/prepared.py): on a page of a few
# indexed lookups, building them through the ORM each time cost more than running them.
practice_by_slug = Prepared(_practice_by_slug, name="practice_by_slug")


def reserved_for_members(slug: str) -> bool:
    """Whether ``slug`` is a published practice that only members read: a visitor who opens it
    is invited to sign in (its title stays hidden), instead of a 404."""
    return (
        Practice.objects.published()
        .filter(slug=slug, visibility=Practice.Visibility.MEMBERS)
        .exists()
    )


def get_practice_for(user, slug: str) -> Practice:
    """The practice if this person may see it; 404 otherwise, so its existence stays private."""
    person = user.pk if user.is_authenticated else None
    found = practice_by_slug(reads_members_only(user), person, slug)
    if len(found) != 1:
        raise Http404(_("Cette pratique n'existe pas ou n'est pas accessible."))
    return found[0]


@require_safe
@limit_search_rate
@clean_list_params
@cache_page_for_visitors(params=LIST_PARAMS, members=True)
def practice_list(request: HtmxHttpRequest) -> HttpResponse:
    html = listing_html(request, Practice.objects.discoverable_by(request.user))
    if request.htmx:
        return HttpResponse(html)
    return render(
        request, "practices/practice_list.html", {"listing_html": html, **search_box(request.GET)}
    )


@require_safe
@limit_search_rate
@clean_list_params
@cache_page_for_visitors(params=LIST_PARAMS, members=True)
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug)
    html = listing_html(
        request,
        Practice.objects.discoverable_by(request.user),
        fixed={"categorie": [category.slug]},
    )
    themes = Theme.objects.filter(category=category).with_counts(request.user)
    return render(
        request,
        "practices/category_detail.html",
        {"category": category, "themes": themes, "listing_html": html, **search_box(request.GET)},
    )


@require_safe
@limit_search_rate
@clean_list_params
@cache_page_for_visitors(params=LIST_PARAMS, members=True)
def theme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    theme = get_object_or_404(Theme.objects.select_related("category"), slug=slug)
    html = listing_html(
        request, Practice.objects.discoverable_by(request.user), fixed={"theme": [theme.slug]}
    )
    return render(
        request,
        "practices/theme_detail.html",
        {"theme": theme, "listing_html": html, **search_box(request.GET)},
    )


@require_safe
@cache_page_for_visitors(params=(), members=True)
def category_list(request: HttpRequest) -> HttpResponse:
    depends_on(request, LISTING)
    categories = Category.objects.prefetch_related("themes").with_counts(request.user)
    return render(request, "practices/category_list.html", {"categories": categories})


def _page_versions(request: HttpRequest, practice: Practice) -> tuple[list[str], list | None]:
    """What the practice's body and « Pratiques proches » show: its own version, the
    category and theme names, and the related practices chosen from the lists kept on write
    (its themes read for that, as the body shows them); and those chosen (None: the lists
    could not tell)."""
    themes = themes_read_with(practice)
    attach(practice, "themes", BODY_RELATIONS["themes"](practice.pk) if themes is None else themes)
    chosen = related.chosen(practice, request.user, count=RELATED_COUNT)
    versions = [TAXONOMY, practice_version(practice.pk)]
    return [*versions, *(practice_version(pk) for pk in chosen or [])], chosen


@require_safe
@cache_page_for_visitors(params=(), lock=False)  # a few milliseconds: no dogpile worth a lock
def practice_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Three queries: the practice with its stored body (page_body.py), its themes and its
    related practices, chosen from the lists kept on write; its comments and adoptions, and
    what this person may do with it, are rendered around them from the same practice row.

    A visitor's whole page is cached until that practice, one of those related, a category's
    name or its community changes; their tokens are read together. Nothing else is cached:
    a member's page costs those queries, fewer than a cache's round trips on a miss."""
    try:
        practice = get_practice_for(request.user, slug)  # a 404 is not cached
    except Http404:
        if request.user.is_authenticated or not reserved_for_members(slug):
            raise
        return render(request, "practices/members_only.html", status=403)
    body_versions, chosen = _page_versions(request, practice)
    versions = [*body_versions, community_version(practice.pk)]
    read_versions_ahead(request, *versions)
    depends_on(request, *versions)
    shown = practice.related_for(request.user, count=RELATED_COUNT, chosen=chosen)
    depends_on(request, *(practice_version(other.pk) for other in shown))
    context = {
        "practice": practice,
        "body": page_body.body(practice, request),  # stored with the practice, when it may be
        # Apart from the body, so that the practice's community comes between the two.
        "related": render_to_string("practices/related.html", {"related": shown}, request=request),
    }
    return render(request, "practices/practice_detail.html", context)


# Contributing: drafts, preview, submission, « Mes contributions ».
SUBMIT, PREVIEW, DRAFT = "soumettre", "apercu", "brouillon"
SUBMITTED = gettext_lazy(
    "Merci ! Votre pratique est transmise à l'équipe de modération de votre Union régionale."
)


def get_own_practice(user, slug: str, *, editable: bool) -> Practice:
    """The author's own practice (a 404 for anyone else, so others' drafts stay private)."""
    practice = get_object_or_404(Practice.objects.authored_by(user), slug=slug)
    if editable and not practice.is_editable_by_author:
        raise Http404(_("Cette pratique est en relecture : elle ne peut plus être modifiée."))
    return practice


@login_required
@uploads.limit_upload_size
def practice_submit(request: HttpRequest) -> HttpResponse:
    return practice_form(request, Practice())


@login_required
@uploads.limit_upload_size
def practice_edit(request: HttpRequest, slug: str) -> HttpResponse:
    return practice_form(request, get_own_practice(request.user, slug, editable=True))


def practice_form(request: HttpRequest, practice: Practice) -> HttpResponse:
    """One form for a new practice and a draft: save the draft, preview it, or submit it."""
    if practice.status == Practice.Status.PUBLISHED:
        return moderation_views.revision_form(request, practice)  # reviewed before it shows
    form = PracticeForm(instance=practice, author=request.user)
    attachments = AttachmentsForm(user=request.user, practice=practice)
    if request.method == "POST":
        action = request.POST.get("action", DRAFT)
        form = PracticeForm(
            request.POST, instance=practice, author=request.user, submitting=action == SUBMIT
        )
        attachments = AttachmentsForm(
            request.POST, request.FILES, user=request.user, practice=practice
        )
        files_valid = attachments.receive()  # first: valid files are kept whatever follows
        if form.is_valid() and files_valid:
            saved = form.save_for()
            attachments.save_for(saved)
            if action != SUBMIT:
                record_save(saved, by=request.user)  # a version when the content changed
            if action == SUBMIT:
                saved.submit(by=request.user)
                messages.success(request, SUBMITTED)
                return redirect("practices:my_contributions")
            if action == PREVIEW:
                return redirect("practices:preview", slug=saved.slug)
            messages.success(request, _("Brouillon enregistré."))
            return redirect("practices:edit", slug=saved.slug)
    return form_page(request, form, attachments, practice)


def form_page(
    request: HttpRequest, form: PracticeForm, attachments: AttachmentsForm, practice: Practice
) -> HttpResponse:
    """The form, with the summary of its errors above it (they say nothing is lost)."""
    return render(
        request,
        "practices/practice_form.html",
        {
            "form": form,
            "attachments": attachments,
            "practice": practice,
            "errors": error_summary(form, attachments),
        },
    )


@login_required
@require_safe
def practice_preview(request: HttpRequest, slug: str) -> HttpResponse:
    practice = get_own_practice(request.user, slug, editable=False)
    body = render_to_string("practices/practice_body.html", {"practice": practice}, request=request)
    submittable = practice.status in {Practice.Status.DRAFT, Practice.Status.CHANGES_REQUESTED}
    return render(
        request,
        "practices/practice_preview.html",
        {"practice": practice, "body": body, "submittable": submittable},
    )


@login_required
@require_POST
def submit_draft(request: HttpRequest, slug: str) -> HttpResponse:
    """« Soumettre » on the preview: the draft as saved goes to review, checked as the form
    checks a submission; when something is missing, the form shows it, nothing lost."""
    practice = get_own_practice(request.user, slug, editable=True)
    if practice.status == Practice.Status.PUBLISHED:
        raise Http404(_("Une modification se soumet depuis son formulaire."))
    form = PracticeForm.of_saved(practice, author=request.user)
    if not form.is_valid():
        attachments = AttachmentsForm(user=request.user, practice=practice)
        return form_page(request, form, attachments, practice)
    practice.submit(by=request.user)
    messages.success(request, SUBMITTED)
    return redirect("practices:my_contributions")


@login_required
@require_safe
def cooperative_options(request: HttpRequest) -> HttpResponse:
    """The suggestions of the form's cooperative field, by name or SIREN, for the movement's
    staff: members credit their own cooperative and never choose one."""
    if not (request.user.is_authenticated and request.user.is_movement_staff):
        raise PermissionDenied(
            _("Seule l'équipe du Mouvement choisit la coopérative à qui créditer une pratique.")
        )
    text = " ".join(request.GET.get("cooperative_siren", "").split())[:100]
    cooperatives = Cooperative.objects.named(text)[:10] if len(text) >= 2 else []
    options = [(suggestion(cooperative), cooperative.commune) for cooperative in cooperatives]
    return render(request, "practices/cooperative_options.html", {"options": options})


@login_required
@require_safe
def my_contributions(request: HttpRequest) -> HttpResponse:
    practices = (
        Practice.objects.authored_by(request.user)
        .without_index()
        .select_related("category")
        .order_by("-updated_at", "-pk")
    )
    return render(request, "practices/my_contributions.html", paginate(request, practices))


# Attachments: served by the application, to the people who may see their practice.


@require_safe
def attachment_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """A file of a practice, to whoever may see the practice: published and visible, their own,
    or in their moderation queue."""
    attachment = get_object_or_404(
        Attachment.objects.select_related("practice"), pk=pk, practice__slug=slug
    )
    user = request.user
    visible = (
        Practice.objects.discoverable_by(user)
        | Practice.objects.authored_by(user)
        # Moderators see what was sent to them, never a draft: it is its author's alone.
        | Practice.objects.moderated_by(user)
    )
    if not visible.filter(pk=attachment.practice_id).exists():
        raise Http404(_("Ce document n'existe pas ou n'est pas accessible."))
    return serve_attachment(attachment)


@login_required
@require_safe
def pending_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A file not yet joined to a practice (its form is being corrected, or it is new in a
    revision of a published practice): to its uploader, and to the moderators of the practice
    whose open revision lists it."""
    attachment = get_object_or_404(Attachment, pk=pk, practice=None)
    mine = attachment.uploaded_by_id == request.user.pk
    if not mine and not moderation.reviews_upload(request.user, attachment):
        raise Http404(_("Ce document n'existe pas ou n'est pas accessible."))
    return serve_attachment(attachment)


def serve_attachment(attachment: Attachment) -> FileResponse:
    """The stored type, never sniffed; documents downloaded, images shown; no script ever runs."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("Ce document n'existe pas ou n'est pas accessible.")) from error
    response = FileResponse(
        handle,
        content_type=attachment.content_type or "application/octet-stream",
        as_attachment=not uploads.is_image(attachment.content_type),
        filename=uploads.download_name(attachment.title, attachment.content_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
