"""Sign-in throttling: django-axes' lockout check, and where a request comes from.

``LockoutBackend`` is django-axes' ``AxesStandaloneBackend`` (first in AUTHENTICATION_BACKENDS),
except that a call to ``authenticate()`` without a request is let through to the next backend
instead of raising: such a call has no address to count failures against (Django's test client
``login()``, a management command). Every sign-in page of the site passes its request. It also
applies the lock per account, whatever the network address (signin_lock.py).
"""

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings
from django.contrib.auth import backends, get_user_model
from django.http import HttpRequest

from observatoire.lib.prepared import Prepared

# What the apps above this one show of the signed-in person on every page, read with them:
# an attribute name and a function of the name of the person's key in the outer query (``"pk"``
# on the person, ``"user_id"`` on their session: accounts/sessions.py) returning an expression
# on that OuterRef, registered in the app's AppConfig.ready() (the notifications: the unread
# count in the header).
PERSON_ANNOTATIONS: dict[str, Callable[[str], Any]] = {}

# The signed-in person, read on each of their requests: compiled once per process.
user_by_pk = Prepared(
    lambda pk: (
        get_user_model()
        ._default_manager.filter(pk=pk)
        .annotate(**{name: expression("pk") for name, expression in PERSON_ANNOTATIONS.items()})
    ),
    name="user_by_pk",
)


# The person read with the session of the request being served (accounts/sessions.py), for
# get_user below, which is not given the request. Each read of a session replaces it (None when
# it signs nobody in); get_user takes it once.
_read_with_session: ContextVar = ContextVar("person_read_with_session", default=None)


def read_with_session(person) -> None:
    _read_with_session.set(person)


def person_read_with_session(pk: int):
    """The person the session just read signs in, if it is ``pk`` (then forgotten), or None."""
    person = _read_with_session.get()
    if person is None:
        return None
    _read_with_session.set(None)
    return person if person.pk == pk else None


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):  # type: ignore[override]
        if request is None:
            return None
        super().authenticate(request, username=username, password=password, **kwargs)
        # Then the lock of the account, whatever the network address (signin_lock.py): the
        # same way out as django-axes', so that its middleware shows the lockout page.
        from observatoire.accounts.signin_lock import refuses

        if refuses(request, str(username or "")):
            request.axes_locked_out = True
            raise AxesBackendPermissionDenied("Account locked")
        return None


class ModelBackend(backends.ModelBackend):
    """Django's ModelBackend, whose per-request ``get_user`` takes the person read with the
    session (accounts/sessions.py), or runs a prepared query."""

    def get_user(self, user_id):
        if not isinstance(user_id, int):
            return super().get_user(user_id)
        person = person_read_with_session(user_id)
        if person is None:
            found = user_by_pk(user_id)
            if not found:
                return None
            person = found[0]
        return person if self.user_can_authenticate(person) else None


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
