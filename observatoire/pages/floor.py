"""The benchmark's floor: a page as large as the practice list, rendered without the database.

It goes through the same middleware stack as every page (sessions, CSRF, CSP…) but neither reads
the session nor calls context processors: render_to_string without a request. bench/RESULTS.md
compares each page's throughput with this one's (see bench/README.md).
"""

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(render_to_string("pages/floor.html"))
