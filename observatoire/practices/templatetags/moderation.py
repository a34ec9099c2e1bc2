"""``user|moderates``: the moderation links only for those who moderate."""

from django import template

from observatoire.practices import moderation

register = template.Library()


@register.filter
def moderates(user) -> bool:
    return user is not None and moderation.moderates(user)
