"""One form token per response: every form of a page carries the same masked CSRF token.

Django masks the token anew at each ``get_token()`` call, so that no two responses carry the
same string (against BREACH), and every template rendered with its own context asks again:
the menu, the community block, each part rendered apart. Masking draws 32 random characters;
once a response is enough, since it is responses, not the forms within one, that must differ.
"""

from django.middleware.csrf import get_token
from django.utils.functional import SimpleLazyObject


def form_token(request) -> str:
    """This request's masked token, made once (again if the secret changed, at sign-in)."""
    secret = request.META.get("CSRF_COOKIE")
    kept = getattr(request, "_form_token", None)
    if kept is not None and kept[0] == secret and secret is not None:
        return kept[1]
    token = get_token(request)
    request._form_token = (request.META.get("CSRF_COOKIE"), token)
    return token


def csrf(request) -> dict:
    """Context processor listed after Django's own ``csrf``, whose ``csrf_token`` it replaces:
    the same token in every template of the request."""
    return {"csrf_token": SimpleLazyObject(lambda: form_token(request))}
