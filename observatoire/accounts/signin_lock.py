"""Sign-in lockout per account, whatever the network address.

django-axes locks an address tried from one network address (settings AXES_*): someone who
tries one account from many addresses (a botnet spraying passwords) never meets that lock. This
one counts every refused password for an account, from anywhere, in the table of limits
(limits.py): past ``SIGNIN_ACCOUNT_FAILURE_LIMIT`` refusals within
``SIGNIN_ACCOUNT_LOCK_MINUTES``, the account refuses every sign-in, right password included,
until that period is over.

Its owner is not left outside: the attempt that reaches the limit sends them an email with an
unlock link (one per period, however many attempts follow). Its button gives their browser a
signed cookie that lets it sign in to this account despite the lock; the attacker's browsers
never get one. A new password (the reset link) lifts the lock; a successful sign-in before
the limit starts the count again.

The lock and its page are the same whether or not the address has an account: only the email
depends on it, and it goes to the account's owner.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core import signing
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from observatoire.accounts.limits import count
from observatoire.accounts.models import ActionCount, User
from observatoire.lib.mail import send_email

UNLOCK_SALT = "observatoire.accounts.unlock"
DEVICE_SALT = "observatoire.accounts.trusted-device"
DEVICE_COOKIE = "observatoire_appareil"
DEVICE_MAX_AGE = timedelta(days=90)
UNLOCK_LINK_MAX_AGE = timedelta(days=1)


def lock_period() -> timedelta:
    return timedelta(minutes=settings.SIGNIN_ACCOUNT_LOCK_MINUTES)


def _key(address: str) -> str:
    return f"signin:{address.strip().lower()}"


def locked_until(address: str) -> datetime | None:
    """When the lock on ``address`` ends, or None when it is not locked."""
    window = (
        ActionCount.objects.filter(key=_key(address)).values_list("count", "window_started").first()
    )
    if window is None:
        return None
    failures, started = window
    ends = started + lock_period()
    if failures < settings.SIGNIN_ACCOUNT_FAILURE_LIMIT or ends <= timezone.now():
        return None
    return ends


def reset_account_lock(address: str) -> None:
    ActionCount.objects.filter(key=_key(address)).delete()


def _address(credentials: dict) -> str:
    return str(credentials.get("username") or "").strip().lower()


@receiver(user_login_failed, dispatch_uid="observatoire.accounts.signin_lock.failed")
def count_failure(sender, credentials: dict, request=None, **kwargs) -> None:
    """Every refused sign-in counts, the refusals of a locked account too; the one that reaches
    the limit sends the owner their unlock link."""
    address = _address(credentials)
    if not address:  # single sign-on: no password was guessed
        return
    failures = count(_key(address), lock_period())
    if failures == settings.SIGNIN_ACCOUNT_FAILURE_LIMIT:
        owner = User.objects.filter(email=address, is_active=True).values_list("pk", flat=True)
        for pk in owner:
            send_email("signin_unlock", person=pk)


@receiver(user_logged_in, dispatch_uid="observatoire.accounts.signin_lock.success")
def forget_failures(sender, request, user, **kwargs) -> None:
    """A success before the limit starts the count again; one through the unlock link leaves
    the lock on for every other browser."""
    if locked_until(user.email) is None:
        reset_account_lock(user.email)


def unlock_token(user: User) -> str:
    """For the unlock email: dead once the account's address changes, or after a day."""
    return signing.dumps({"u": user.pk, "e": user.email}, salt=UNLOCK_SALT)


def user_of_unlock_token(token: str) -> User | None:
    """The person the link was sent to; raises signing.BadSignature (or SignatureExpired)."""
    data = signing.loads(token, salt=UNLOCK_SALT, max_age=UNLOCK_LINK_MAX_AGE)
    return User.objects.filter(pk=data.get("u"), email=data.get("e"), is_active=True).first()


def trust_this_browser(response: HttpResponse, user: User) -> HttpResponse:
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps({"e": user.email}, salt=DEVICE_SALT),
        max_age=int(DEVICE_MAX_AGE.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def trusted_browser(request: HttpRequest, address: str) -> bool:
    """Whether this browser went through the unlock link of ``address``."""
    cookie = request.COOKIES.get(DEVICE_COOKIE)
    if not cookie:
        return False
    try:
        data = signing.loads(cookie, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    except signing.BadSignature:
        return False
    return data.get("e") == address.strip().lower()


def refuses(request: HttpRequest, address: str) -> bool:
    """Whether the account lock refuses this attempt (and says so to the lockout page)."""
    if not address:
        return False
    until = locked_until(address)
    if until is None or trusted_browser(request, address):
        return False
    request.account_locked_until = until  # type: ignore[attr-defined]
    return True
