"""Words for the attachments of a practice: « PDF », « image », « document Word »…"""

from django import template

from observatoire.practices import uploads

register = template.Library()


@register.filter
def attachment_kind(content_type: str) -> str:
    return uploads.type_label(content_type)


@register.filter
def is_image(content_type: str) -> bool:
    return uploads.is_image(content_type)


@register.filter
def file_size(size: int) -> str:
    return uploads.human_size(size)
