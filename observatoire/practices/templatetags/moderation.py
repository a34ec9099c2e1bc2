"""``user|moderates``: the moderation links only for those who moderate."""

from django import template

from observatoire.practices import moderation

register = template.Library()


@register.filter
def moderates(user) -> bool:
    return user is not None and moderation.moderates(user)


@register.simple_tag(takes_context=True)
def practice_tools(context, practice) -> dict:
    """What this person may do with the practice of the page: propose a change (its author),
    read its history, moderate it. Outside the cached fragment, since it is personal."""
    user = context["request"].user
    if not user.is_authenticated:
        return {}
    moderating = moderation.can_moderate(user, practice)
    authoring = practice.author_id == user.pk
    if not (moderating or authoring):
        return {}
    return {"practice": practice, "moderating": moderating, "authoring": authoring}
