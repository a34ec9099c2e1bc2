"""A cooperative's buttons for the person who looks: « Suivre » (or « Ne plus suivre ») and, for
those who may, « Modifier la fiche ». Everything else on its page is the same for every signed-in
person of a scope, so that page is kept once for them (lib/cache.py,
``cache_page_for_visitors(members=True)``) with these buttons left out
(``{% personal "directory/cooperative_actions" … %}``), rendered here for each request from two
stencils (lib/stencil.py) and what the page said of the cooperative, instead of the page's
template and its fragments.
"""

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

# Whether this person follows the cooperative.
_following = Prepared(
    lambda person, pk: Follow.objects.filter(user=person, cooperative=pk).values_list("pk")[:1],
    name="cooperative_followed",
)


def render(request, pk: int, name: str, slug: str, union_id: int) -> str:
    """The buttons for this request's person on the page of the cooperative ``pk`` (what the
    page knows of it, kept in its mark: lib/personal.py). Most members follow no cooperative,
    which their session says (community/apps.py): they cost no query."""
    user = request.user
    if not user.is_authenticated:  # a link to sign in, in a visitor's page kept whole
        context = {"user": user, "target": name, "kind": KIND, "request": request}
        return render_to_string("community/follow_button.html", context)
    following = getattr(user, "follows_cooperatives", True) and bool(_following(user.pk, pk))
    html = signed_in_follow_button.render(
        following,
        KIND,
        pk=pk,
        name=name,
        next=request.get_full_path(),
        csrf_token=form_token(request),
    )
    if editing.may_edit(user, Cooperative(pk=pk, union_id=union_id)):
        html += edit_links.render(slug=slug)
    return html
