"""The emails of accounts, built when they are sent (lib/mail.py): the task holds ids, and the
links that carry a secret (an invitation, a new password, an address to confirm) are made at
that moment, so that no usable link is ever stored."""

from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from observatoire.accounts.models import AccessRequest, Invitation, User
from observatoire.lib.mail import Email, absolute_url, email_kind

EMAIL_LINK_SALT = "observatoire.accounts.email"


@email_kind("password_reset")
def password_reset(*, person: int):
    user = User.objects.active(person)
    if user is None or not user.has_usable_password():
        return None
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return Email(
        "accounts/password_reset", to=user, context={"user": user, "url": absolute_url(path)}
    )


@email_kind("invitation")
def invitation(*, invitation: int, language: str):
    """A fresh link for each email: the invitation keeps only its hash, and an older link stops
    working (a retried send makes a new one)."""
    found = (
        Invitation.objects.select_related("invited_by", "cooperative", "organisation")
        .filter(pk=invitation)
        .first()
    )
    if found is None or not found.is_pending:
        return None
    token = found.new_token()
    found.save(update_fields=["token_hash", "sent_at", "expires_at"])
    link = absolute_url(reverse("accounts:invitation_accept", kwargs={"token": token}))
    return Email(
        "accounts/invitation",
        to=found.email,
        language=language,
        context={"invitation": found, "inviter": found.invited_by, "url": link},
    )


def email_token(user: User, address: str) -> str:
    """The signed proof that ``address`` belongs to ``user``; dead once the email changes."""
    return signing.dumps({"u": user.pk, "e": address, "c": user.email}, salt=EMAIL_LINK_SALT)


@email_kind("email_verification")
def email_verification(*, person: int, address: str):
    """To an address not yet verified: no text the person typed (their name) goes in it."""
    user = User.objects.active(person)
    if user is None:
        return None
    token = email_token(user, address)
    link = absolute_url(reverse("accounts:email_confirm", kwargs={"token": token}))
    return Email(
        "accounts/email_verification",
        to=address,
        language=user.language,
        context={"address": address, "url": link},
    )


@email_kind("email_changed")
def email_changed(*, person: int, address: str):
    """To the previous address, once the change is confirmed."""
    user = User.objects.active(person)
    if user is None:
        return None
    return Email(
        "accounts/email_changed", to=address, language=user.language, context={"user": user}
    )


@email_kind("signin_unlock")
def signin_unlock(*, person: int):
    """To the owner of an account locked by refused passwords from many addresses: the link
    that lets their browser in despite the lock (signin_lock.py)."""
    from observatoire.accounts.signin_lock import UNLOCK_LINK_MAX_AGE, unlock_token

    user = User.objects.active(person)
    if user is None:
        return None
    link = absolute_url(reverse("accounts:unlock", kwargs={"token": unlock_token(user)}))
    hours = int(UNLOCK_LINK_MAX_AGE.total_seconds() // 3600)
    return Email(
        "accounts/signin_unlock", to=user, context={"user": user, "url": link, "hours": hours}
    )


@email_kind("access_request")
def access_request(*, access_request: int, person: int):
    """To a permanent of the Union régionale the request was routed to (or an administrator)."""
    staff = User.objects.active(person)
    found = AccessRequest.objects.select_related("union").filter(pk=access_request).first()
    if staff is None or found is None:  # answered or deleted meanwhile
        return None
    link = absolute_url(reverse("accounts:access_request_list"))
    return Email(
        "accounts/access_request", to=staff, context={"user": staff, "request": found, "url": link}
    )


@email_kind("access_request_declined")
def access_request_declined(*, address: str, union: int, language: str):
    """To an address nobody verified: no text the requester typed goes in it."""
    from observatoire.network.models import Organisation

    found = Organisation.objects.filter(pk=union).first()
    return Email(
        "accounts/access_request_declined",
        to=address,
        language=language,
        context={"union": found},
    )
