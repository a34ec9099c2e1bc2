"""French unless the person chose otherwise; and nothing of a signed-in person kept by a cache.

Django's LocaleMiddleware follows the browser's Accept-Language, which would show an English
interface around French practices to anyone whose browser happens to be in English. Here the
language is the one chosen with the footer's switch (a cookie), and French otherwise.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_cache_control


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class PrivateForPeopleMiddleware:
    """Whatever a signed-in person is sent (their pages, their data export, a page shared by
    members with their menu in it) is theirs: ``Cache-Control: private, no-store``, so that no
    shared cache keeps it and no browser writes it to disk. Visitors' pages keep what their
    view said (``public`` with an ETag for those shared by everyone, lib/cache.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)  # « public » goes
        return response
