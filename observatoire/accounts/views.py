"""Views of accounts: sign in, invitations, « Mon compte », email verification, « Mes données »,
account deletion, and the lockout page of sign-in throttling.

Password reset and change are Django's own views, configured in urls.py with French templates.
"""

from datetime import date, datetime, timedelta

from axes.helpers import get_cool_off
from axes.utils import reset as reset_lockout
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models.deletion import ProtectedError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from observatoire.accounts import personal_data
from observatoire.accounts.emails import EMAIL_LINK_SALT
from observatoire.accounts.forms import (
    AcceptInvitationForm,
    DeleteAccountForm,
    EmailChangeForm,
    InvitationForm,
    ProfileForm,
)
from observatoire.accounts.limits import take
from observatoire.accounts.models import Invitation, User
from observatoire.lib.abuse import limit_message
from observatoire.lib.mail import send_email
from observatoire.lib.pagination import paginate


class SignedInRequest(HttpRequest):
    """What ``@login_required`` guarantees: a person, not an anonymous visitor."""

    user: User  # type: ignore[assignment]


PASSWORD_BACKEND = "observatoire.accounts.backends.ModelBackend"
INVITATIONS_PER_DAY = 50
# Verification links (a new address, or the same again): the same count for both.
VERIFICATIONS_PER_HOUR = 3
EMAIL_LINK_MAX_AGE = timedelta(days=3)


def remember_language(response: HttpResponse, language: str) -> HttpResponse:
    """The same cookie as the footer's language switch (pages.views.choose_language)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def link_invalid(request: HttpRequest, *, title: str, message: str, status: int = 410):
    return render(
        request, "accounts/link_invalid.html", {"title": title, "message": message}, status=status
    )


# Sign in
class AccountLoginView(auth_views.LoginView):
    """Django's sign-in; the interface then speaks the person's language."""

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        if not user.email_verified:
            messages.info(
                self.request,
                _(
                    "Votre adresse électronique n'a pas encore été vérifiée : vous pouvez "
                    "recevoir un lien de vérification depuis « Mon compte »."
                ),
            )
        return remember_language(response, user.language)


def locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): when to try again, in French."""
    cool_off = get_cool_off(request) or timedelta(minutes=15)
    retry_at = timezone.localtime(timezone.now() + cool_off)
    minutes = int(cool_off.total_seconds() // 60)
    return render(
        request,
        "accounts/locked_out.html",
        {"retry_at": retry_at, "minutes": minutes, "limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


# Invitations
def require_inviter(user) -> None:
    if not user.may_invite:
        raise PermissionDenied(_("Votre rôle ne permet pas d'inviter des personnes."))


def send_invitation(request: SignedInRequest, invitation: Invitation) -> bool:
    """Its link is made when the email is sent (accounts/emails.py)."""
    return send_email("invitation", invitation=invitation.pk, language=request.LANGUAGE_CODE)


def invitation_allowed(user: User) -> bool:
    """One more invitation today for this person (administrators: no limit)."""
    return user.is_administrator or take(
        f"invitation:{user.pk}", INVITATIONS_PER_DAY, timedelta(days=1)
    )


@login_required
def invitation_create(request: SignedInRequest) -> HttpResponse:
    require_inviter(request.user)
    form = InvitationForm(inviter=request.user)
    if request.method == "POST":
        form = InvitationForm(request.POST, inviter=request.user)
        if form.is_valid() and not invitation_allowed(request.user):
            messages.error(request, limit_message(INVITATIONS_PER_DAY, timedelta(days=1)))
        elif form.is_valid():
            invitation = form.save(commit=False)
            invitation.invited_by = request.user
            invitation.new_token()  # replaced when the email is sent: no one ever sees this one
            invitation.save()
            send_invitation(request, invitation)
            messages.success(
                request, _("Invitation envoyée à %(email)s.") % {"email": invitation.email}
            )
            return redirect("accounts:invitation_list")
    return render(request, "accounts/invitation_form.html", {"form": form})


@login_required
@require_safe
def invitation_list(request: SignedInRequest) -> HttpResponse:
    require_inviter(request.user)
    invitations = Invitation.objects.managed_by(request.user).for_list()
    return render(request, "accounts/invitation_list.html", paginate(request, invitations))


def get_managed_invitation(user, pk: int) -> Invitation:
    require_inviter(user)
    return get_object_or_404(Invitation.objects.managed_by(user), pk=pk)


@login_required
@require_POST
def invitation_resend(request: SignedInRequest, pk: int) -> HttpResponse:
    invitation = get_managed_invitation(request.user, pk)
    if not invitation.can_be_resent:
        messages.error(request, _("Cette invitation a été acceptée ou annulée : rien à renvoyer."))
    elif User.objects.filter(email__iexact=invitation.email).exists():
        messages.error(request, _("Cette personne a déjà un compte : rien à renvoyer."))
    else:
        invitation.new_token()  # the old link stops working now, the new one comes by email
        invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
        send_invitation(request, invitation)
        messages.success(
            request,
            _("Invitation renvoyée à %(email)s, valable 14 jours ; l'ancien lien ne marche plus.")
            % {"email": invitation.email},
        )
    return redirect("accounts:invitation_list")


@login_required
@require_POST
def invitation_revoke(request: SignedInRequest, pk: int) -> HttpResponse:
    invitation = get_managed_invitation(request.user, pk)
    if invitation.is_pending:
        invitation.revoke()
        messages.success(
            request,
            _("Invitation de %(email)s annulée : son lien ne marche plus.")
            % {"email": invitation.email},
        )
    else:
        messages.error(request, _("Cette invitation n'est plus en attente : rien à annuler."))
    return redirect("accounts:invitation_list")


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = Invitation.from_token(token)
    problem = invitation_problem(invitation)
    if problem:
        return link_invalid(request, title=problem[0], message=problem[1], status=problem[2])
    assert invitation is not None
    form = AcceptInvitationForm(invitation=invitation)
    if request.method == "POST":
        form = AcceptInvitationForm(request.POST, invitation=invitation)
        if form.is_valid():
            try:
                with transaction.atomic():
                    user = invitation.accept(
                        full_name=form.cleaned_data["full_name"],
                        password=form.cleaned_data["password1"],
                        language=request.LANGUAGE_CODE,
                    )
            except IntegrityError:  # an account was made for this address meanwhile
                title, message = account_exists()
                return link_invalid(request, title=title, message=message)
            login(request, user, backend=PASSWORD_BACKEND)
            messages.success(
                request, _("Bienvenue ! Votre compte est créé et vous êtes connecté·e.")
            )
            return redirect("pages:home")
    return render(
        request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation}
    )


def account_exists() -> tuple[str, str]:
    return (
        _("Vous avez déjà un compte"),
        _(
            "Un compte existe déjà avec cette adresse électronique : connectez-vous, ou demandez "
            "un nouveau mot de passe si vous l'avez oublié."
        ),
    )


def invitation_problem(invitation: Invitation | None) -> tuple[str, str, int] | None:
    """Why this invitation link cannot be used, as a French title and message, or None."""
    if invitation is None:
        return (
            _("Lien d'invitation inconnu"),
            _(
                "Ce lien d'invitation n'existe pas : vérifiez qu'il a été copié en entier, ou "
                "demandez une nouvelle invitation (un lien renvoyé remplace le précédent)."
            ),
            404,
        )
    state = invitation.state
    if state == Invitation.State.ACCEPTED or User.objects.filter(email=invitation.email).exists():
        return (*account_exists(), 410)
    if state == Invitation.State.REVOKED:
        return (
            _("Invitation annulée"),
            _("Cette invitation a été annulée par la personne qui l'avait envoyée."),
            410,
        )
    if state == Invitation.State.EXPIRED:
        return (
            _("Invitation expirée"),
            _(
                "Cette invitation a expiré (elle était valable 14 jours). Demandez à la personne "
                "qui vous a invité·e de vous la renvoyer."
            ),
            410,
        )
    return None


# « Mon compte »
@login_required
def profile(request: SignedInRequest) -> HttpResponse:
    form = ProfileForm(instance=request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            user = form.save()
            translation.activate(user.language)
            messages.success(request, _("Vos informations sont enregistrées."))
            return remember_language(redirect("accounts:profile"), user.language)
    return render(request, "accounts/profile.html", {"form": form})


def send_email_link(user: User, address: str) -> bool:
    """A signed link proving ``address`` belongs to ``user`` (made when the email is sent,
    accounts/emails.py); dead once the email changes."""
    return send_email("email_verification", person=user.pk, address=address)


@login_required
def email_change(request: SignedInRequest) -> HttpResponse:
    form = EmailChangeForm(user=request.user)
    if request.method == "POST":
        form = EmailChangeForm(request.POST, user=request.user)
        limited = form.is_valid() and not take(
            f"verification:{request.user.pk}", VERIFICATIONS_PER_HOUR, timedelta(hours=1)
        )
        if limited:
            form.add_error(None, limit_message(VERIFICATIONS_PER_HOUR, timedelta(hours=1)))
        elif form.is_valid():
            address = form.cleaned_data["email"]
            # The same answer whether or not the address has an account: this form must not
            # tell who is registered. Only a free address gets a link (an address in use would
            # fail when confirmed anyway).
            if not User.objects.filter(email__iexact=address).exists():
                send_email_link(request.user, address)
            messages.success(
                request,
                _(
                    "Un lien de confirmation est envoyé à %(email)s. Votre adresse changera "
                    "quand vous l'aurez suivi (il est valable 3 jours)."
                )
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("accounts:profile")
    return render(request, "accounts/email_change.html", {"form": form})


@login_required
@require_POST
def email_verification_resend(request: SignedInRequest) -> HttpResponse:
    if request.user.email_verified:
        messages.info(request, _("Votre adresse électronique est déjà vérifiée."))
    elif not take(f"verification:{request.user.pk}", VERIFICATIONS_PER_HOUR, timedelta(hours=1)):
        messages.error(
            request,
            _(
                "Trois liens vous ont déjà été envoyés cette heure-ci : regardez dans vos "
                "courriels (et les indésirables), ou réessayez dans une heure."
            ),
        )
    else:
        send_email_link(request.user, request.user.email)
        messages.success(
            request,
            _("Un lien de vérification est envoyé à %(email)s.") % {"email": request.user.email},
        )
    return redirect("accounts:profile")


@require_safe
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        data = signing.loads(token, salt=EMAIL_LINK_SALT, max_age=EMAIL_LINK_MAX_AGE)
    except signing.SignatureExpired:
        return link_invalid(
            request,
            title=_("Lien expiré"),
            message=_(
                "Ce lien n'était valable que 3 jours : demandez-en un nouveau dans « Mon compte »."
            ),
        )
    except signing.BadSignature:
        return link_invalid(
            request,
            title=_("Lien incorrect"),
            message=_("Ce lien est incomplet ou abîmé : vérifiez qu'il a été copié en entier."),
            status=404,
        )
    user = User.objects.filter(pk=data.get("u"), email=data.get("c"), is_active=True).first()
    if user is None:
        return link_invalid(
            request,
            title=_("Lien déjà utilisé"),
            message=_(
                "L'adresse de ce compte a changé depuis l'envoi de ce lien : il ne sert plus."
            ),
        )
    try:
        previous = user.confirm_email(data["e"])
    except IntegrityError:
        return link_invalid(
            request,
            title=_("Adresse déjà utilisée"),
            message=_(
                "Cette adresse est devenue celle d'un autre compte : choisissez-en une autre."
            ),
        )
    if previous:
        send_email("email_changed", person=user.pk, address=previous)
    messages.success(
        request, _("Votre adresse électronique est confirmée : %(email)s.") % {"email": user.email}
    )
    return redirect("accounts:profile" if request.user == user else "accounts:login")


# GDPR: « Mes données », download, deletion
def display_node(value) -> dict:
    """Exported data as a tree the page can show: dictionaries, lists and French text."""
    if isinstance(value, dict):
        return {"kind": "dict", "items": [(key, display_node(item)) for key, item in value.items()]}
    if isinstance(value, list | tuple):
        return {"kind": "list", "items": [display_node(item) for item in value]}
    if value is None or value == "":
        text = "—"
    elif isinstance(value, bool):
        text = _("oui") if value else _("non")
    elif isinstance(value, datetime):
        text = date_format(timezone.localtime(value), "DATETIME_FORMAT")
    elif isinstance(value, date):
        text = date_format(value, "DATE_FORMAT")
    else:
        text = str(value)
    return {"kind": "text", "text": text}


@login_required
@require_safe
def my_data(request: SignedInRequest) -> HttpResponse:
    sections = [
        {"title": key.replace("_", " "), "node": display_node(value)}
        for key, value in personal_data.export_for(request.user).items()
    ]
    return render(request, "accounts/my_data.html", {"sections": sections})


@login_required
@require_safe
def my_data_download(request: SignedInRequest) -> HttpResponse:
    data = {
        "exporte_le": timezone.now(),
        "site": settings.SITE_URL,
        **personal_data.export_for(request.user),
    }
    response = JsonResponse(
        data, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    filename = f"mes-donnees-observatoire-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def account_delete(request: SignedInRequest) -> HttpResponse:
    form = DeleteAccountForm(user=request.user)
    if request.method == "POST":
        form = DeleteAccountForm(request.POST, user=request.user)
        if form.is_valid():
            user = request.user
            try:
                user.erase()
            except ProtectedError:
                messages.error(
                    request,
                    _(
                        "Votre compte n'a pas pu être supprimé : d'autres données en dépendent. "
                        "Écrivez à l'équipe de l'Observatoire, qui s'en chargera."
                    ),
                )
                return redirect("accounts:profile")
            reset_lockout(username=user.email)
            logout(request)
            messages.success(
                request,
                _(
                    "Votre compte est supprimé, ainsi que vos données personnelles. Les "
                    "pratiques que vous avez partagées restent, sans votre nom. Merci !"
                ),
            )
            return redirect("pages:home")
    return render(request, "accounts/account_delete.html", {"form": form})


# Password: Django's views, with what they need of ours.
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A new password also lifts a sign-in lockout on this account."""

    def form_valid(self, form):
        response = super().form_valid(form)
        reset_lockout(username=form.user.email)
        if form.user.email_verified_at is None:  # the link came to this address
            form.user.email_verified_at = timezone.now()
            form.user.save(update_fields=["email_verified_at"])
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Votre mot de passe est changé."))
        return response
