"""A page of a simple list, with the links the pagination partial shows."""

from django.conf import settings
from django.core.paginator import Paginator


def paginate(request, queryset) -> dict:
    """``page``, ``previous_url`` and ``next_url`` for includes/pagination.html.

    An odd page number (not a number, out of range) shows the nearest page, never an error.
    """
    page = Paginator(queryset, settings.PRACTICES_PER_PAGE).get_page(request.GET.get("page"))
    return {
        "page": page,
        "previous_url": f"?page={page.previous_page_number()}" if page.has_previous() else "",
        "next_url": f"?page={page.next_page_number()}" if page.has_next() else "",
    }
