"""Sign-in throttling: django-axes' lockout check, and where a request comes from.

``LockoutBackend`` is django-axes' ``AxesStandaloneBackend`` (first in AUTHENTICATION_BACKENDS),
except that a call to ``authenticate()`` without a request is let through to the next backend
instead of raising: such a call has no address to count failures against (Django's test client
``login()``, a management command). Every sign-in page of the site passes its request.
"""

from collections.abc import Callable
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import backends, get_user_model
from django.http import HttpRequest

from observatoire.lib.prepared import Prepared

# What the apps above this one show of the signed-in person on every page, read with them:
# an attribute name and a function returning an expression on OuterRef("pk"), registered in
# the app's AppConfig.ready() (the notifications: the unread count in the header).
PERSON_ANNOTATIONS: dict[str, Callable[[], Any]] = {}

# The signed-in person, read on each of their requests: compiled once per process.
user_by_pk = Prepared(
    lambda pk: (
        get_user_model()
        ._default_manager.filter(pk=pk)
        .annotate(**{name: expression() for name, expression in PERSON_ANNOTATIONS.items()})
    ),
    name="user_by_pk",
)


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):  # type: ignore[override]
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class ModelBackend(backends.ModelBackend):
    """Django's ModelBackend, whose per-request ``get_user`` runs a prepared query."""

    def get_user(self, user_id):
        if not isinstance(user_id, int):
            return super().get_user(user_id)
        found = user_by_pk(user_id)
        if not found:
            return None
        return found[0] if self.user_can_authenticate(found[0]) else None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the one our TRUSTED_PROXY_COUNT proxies saw.

    X-Forwarded-For is only read when proxies are declared: otherwise anyone could write a new
    address in it at each attempt and never be locked out.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")


def attempted_username(request: HttpRequest, credentials: dict | None) -> str:
    """The address a sign-in attempt was for, as accounts store it (AXES_USERNAME_CALLABLE):
    the sign-in form calls it ``username``, and ``Camille@…`` is ``camille@…``."""
    source = credentials if credentials is not None else request.POST
    return str(source.get("username") or source.get("email") or "").strip().lower()


def without_username(request: HttpRequest, credentials: dict | None) -> bool:
    """Attempts with no address (AXES_WHITELIST_CALLABLE) are not counted: the extranet's single
    sign-on has no password to guess, and its refusals must not lock people out."""
    return not attempted_username(request, credentials)
