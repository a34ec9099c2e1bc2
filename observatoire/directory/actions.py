"""A cooperative's buttons for the person who looks: « Suivre » (or « Ne plus suivre ») and, for
those who may, « Modifier la fiche ». Everything else on its page is the same for every signed-in
person of a scope, so that page is kept once for them (lib/cache.py,
``cache_page_for_visitors(members=True)``) with these buttons left out
(``{% personal "directory/cooperative_actions" %}``), rendered here for each request: one query
and two stencils (lib/stencil.py), instead of the page's template and its fragments.
"""

from django.db.models import Exists, OuterRef, Value
from django.template.loader import render_to_string

from observatoire.community.models import Follow
from observatoire.community.templatetags.community import signed_in_follow_button
from observatoire.directory import editing
from observatoire.lib.form_token import form_token
from observatoire.lib.prepared import Prepared
from observatoire.lib.stencil import Stencil
from observatoire.network.models import Cooperative

NAME = "directory/cooperative_actions"
KIND = "cooperative"  # community.models.FOLLOWABLE

edit_links = Stencil(
    "directory/_cooperative_edit_links.html", lambda *, slug: {"slug": slug}, {"slug": str}
)

# The cooperative of the page's address, and whether this person follows it (None: a visitor).
_shown = Prepared(
    lambda slug, person: (
        Cooperative.objects.filter(slug=slug)
        .annotate(
            following=Exists(Follow.objects.filter(user=person, cooperative=OuterRef("pk")))
            if person is not None
            else Value(False)
        )
        .order_by()
        .values_list("pk", "name", "union_id", "following")
    ),
    name="cooperative_actions",
)


def render(request) -> str:
    """The buttons for this request's person, on the page of the cooperative its address names."""
    match = getattr(request, "resolver_match", None)
    slug = match.kwargs.get("slug") if match is not None else None
    user = request.user
    signed_in = user.is_authenticated
    found = _shown(slug, user.pk if signed_in else None) if slug else []
    if not found:
        return ""
    pk, name, union_id, following = found[0]
    if not signed_in:  # a link to sign in, in a visitor's page kept whole
        context = {"user": user, "target": name, "kind": KIND, "request": request}
        return render_to_string("community/follow_button.html", context)
    html = signed_in_follow_button.render(
        bool(following),
        KIND,
        pk=pk,
        name=name,
        next=request.get_full_path(),
        csrf_token=form_token(request),
    )
    if editing.may_edit(user, Cooperative(pk=pk, union_id=union_id)):
        html += edit_links.render(slug=slug)
    return html
