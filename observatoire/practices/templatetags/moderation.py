"""``user|moderates``: the moderation links only for those who moderate."""

from django import template

from observatoire.practices import moderation

register = template.Library()


@register.filter
def moderates(user) -> bool:
    return user is not None and moderation.moderates(user)


@register.simple_tag(takes_context=True)
def practice_tools(context, slug: str) -> dict:
    """What this person may do with a practice on its page: propose a change (its author),
    read its history, moderate it. Outside the cached fragment, since it is personal."""
    from observatoire.practices.models import Practice

    user = context["request"].user
    if not user.is_authenticated:
        return {}
    practice = (
        Practice.objects.alive()
        .filter(slug=slug)
        .only("pk", "slug", "author_id", "status", "revision_status")
        .first()
    )
    if practice is None:
        return {}
    moderating = moderation.can_moderate(user, practice)
    authoring = practice.author_id == user.pk
    if not (moderating or authoring):
        return {}
    return {"practice": practice, "moderating": moderating, "authoring": authoring}
