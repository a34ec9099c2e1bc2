"""The benchmark's floor: a page as large as the practice list, with no content from the database.

It is a real view like every page: the whole middleware stack (sessions, CSRF, CSP…), the
session read for a signed-in member, the context processors and the base template with its
header. bench/RESULTS.md compares each page's throughput with this one's (bench/README.md).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def floor(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/floor.html")
