"""The benchmark's floor: a page rendered from a template, without touching the database.

Placeholder until the benchmark lands; see bench/.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def floor(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/floor.html")
