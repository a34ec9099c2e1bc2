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
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from observatoire.accounts import personal_data
from observatoire.accounts.backends import client_ip
from observatoire.accounts.emails import EMAIL_LINK_SALT
from observatoire.accounts.forms import (
    AcceptInvitationForm,
    AccessRequestForm,
    DeleteAccountForm,
    EmailChangeForm,
    InvitationForm,
    ProfileForm,
)
from observatoire.accounts.limits import take
from observatoire.accounts.models import STAFF_ROLES, AccessRequest, Invitation, Role, User
from observatoire.accounts.signin_lock import (
    reset_account_lock,
    trust_this_browser,
    user_of_unlock_token,
)
from observatoire.lib.abuse import limit_message
from observatoire.lib.mail import send_email
from observatoire.lib.numbers import parse_int
from observatoire.lib.pagination import paginate
from observatoire.network.models import Organisation


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
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): when to try again, in French;
    also for the lock of an account from every address (signin_lock.py)."""
    account_locked_until = getattr(request, "account_locked_until", None)
    if account_locked_until is not None:
        return render(
            request,
            "accounts/account_locked.html",
            {"retry_at": timezone.localtime(account_locked_until)},
            status=429,
        )
    cool_off = get_cool_off(request) or timedelta(minutes=15)
    retry_at = timezone.localtime(timezone.now() + cool_off)
    minutes = int(cool_off.total_seconds() // 60)
    return render(
        request,
        "accounts/locked_out.html",
        {"retry_at": retry_at, "minutes": minutes, "limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def unlock(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the unlock email (signin_lock.py): opening it changes nothing (mail filters
    open links), its button lets this browser sign in despite the lock on the account."""
    try:
        user = user_of_unlock_token(token)
    except signing.SignatureExpired:
        return link_invalid(
            request,
            title=_("Lien expiré"),
            message=_(
                "Ce lien n'était valable qu'un jour. Si la connexion reste bloquée, demandez un "
                "nouveau mot de passe : le lien reçu par courriel lève aussi le verrou."
            ),
        )
    except signing.BadSignature:
        return link_invalid(
            request,
            title=_("Lien incorrect"),
            message=_("Ce lien est incomplet ou abîmé : vérifiez qu'il a été copié en entier."),
            status=404,
        )
    if user is None:
        return link_invalid(
            request,
            title=_("Lien déjà utilisé"),
            message=_(
                "L'adresse de ce compte a changé depuis l'envoi de ce lien : il ne sert plus."
            ),
        )
    if request.method == "POST":
        messages.success(
            request,
            _(
                "Ce navigateur peut se connecter à votre compte : les autres restent bloqués "
                "jusqu'à la fin du verrou."
            ),
        )
        going = "pages:home" if request.user.is_authenticated else "accounts:login"
        return trust_this_browser(redirect(going), user)
    return render(request, "accounts/unlock.html", {"address": user.email})


# « Demander un accès »: routed to the Union régionale, answered in its staff's space.
ACCESS_REQUESTS_PER_DAY = 5  # from one network address, and for one email address


@require_http_methods(["GET", "HEAD", "POST"])
def access_request(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        messages.info(request, _("Vous êtes connecté·e : votre compte est déjà ouvert."))
        return redirect("accounts:profile")
    form = AccessRequestForm()
    if request.method == "POST":
        form = AccessRequestForm(request.POST)
        if form.is_valid():
            address = form.cleaned_data["email"]
            day = timedelta(days=1)
            allowed = take(f"access-request:ip:{client_ip(request)}", ACCESS_REQUESTS_PER_DAY, day)
            allowed = take(f"access-request:{address}", ACCESS_REQUESTS_PER_DAY, day) and allowed
            if not allowed:
                form.add_error(None, limit_message(ACCESS_REQUESTS_PER_DAY, day))
            else:
                union = form.instance.union
                record_access_request(form)
                return redirect(reverse("accounts:access_request_done") + f"?ur={union.slug}")
    return render(request, "accounts/access_request_form.html", {"form": form})


def record_access_request(form: AccessRequestForm) -> None:
    """Saved and told to the Union régionale's staff, unless the address has an account (the
    page says the same either way: it tells nobody who has one) or the same request waits."""
    address = form.cleaned_data["email"]
    if User.objects.filter(email__iexact=address).exists():
        return
    waiting = AccessRequest.objects.filter(email=address, union=form.instance.union)
    if waiting.exists():
        return
    with transaction.atomic():
        saved = form.save()
        staff = User.objects.filter(
            is_active=True, role__in=STAFF_ROLES, organisation=saved.union
        ).values_list("pk", flat=True)
        recipients = list(staff) or list(
            User.objects.filter(is_active=True, role=Role.ADMINISTRATOR).values_list(
                "pk", flat=True
            )
        )
        for pk in recipients:
            send_email("access_request", access_request=saved.pk, person=pk)


@require_safe
def access_request_done(request: HttpRequest) -> HttpResponse:
    union = Organisation.objects.filter(
        kind=Organisation.Kind.UNION, slug=request.GET.get("ur", "")[:80]
    ).first()
    return render(request, "accounts/access_request_done.html", {"union": union})


def require_request_handler(user) -> None:
    if not user.is_movement_staff:
        raise PermissionDenied(
            _("Les demandes d'accès sont traitées par les permanent·es des Unions régionales.")
        )


@login_required
@require_safe
def access_request_list(request: SignedInRequest) -> HttpResponse:
    require_request_handler(request.user)
    waiting = AccessRequest.objects.handled_by(request.user).select_related("union", "cooperative")
    return render(request, "accounts/access_request_list.html", paginate(request, waiting))


@login_required
@require_POST
def access_request_decline(request: SignedInRequest, pk: int) -> HttpResponse:
    """The person is told, in a message with no text of theirs, to turn to their Union."""
    require_request_handler(request.user)
    declined = get_object_or_404(AccessRequest.objects.handled_by(request.user), pk=pk)
    with transaction.atomic():
        send_email(
            "access_request_declined",
            address=declined.email,
            union=declined.union_id,
            language=request.LANGUAGE_CODE,
        )
        declined.delete()
    messages.success(
        request,
        _("La demande de %(name)s est refusée ; la personne en est informée.")
        % {"name": declined.full_name},
    )
    return redirect("accounts:access_request_list")


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
    """An invitation; from an access request (``?demande=<id>``), filled in from it, and the
    request deleted once the invitation is sent."""
    require_inviter(request.user)
    answered = answered_request(request)
    initial = {}
    if answered is not None:
        initial = {
            "email": answered.email,
            "full_name": answered.full_name,
            "role": Role.MEMBER,
            "cooperative": answered.cooperative_id,
        }
    form = InvitationForm(initial=initial, inviter=request.user)
    if request.method == "POST":
        form = InvitationForm(request.POST, inviter=request.user)
        if form.is_valid() and not invitation_allowed(request.user):
            messages.error(request, limit_message(INVITATIONS_PER_DAY, timedelta(days=1)))
        elif form.is_valid():
            with transaction.atomic():
                invitation = form.save(commit=False)
                invitation.invited_by = request.user
                invitation.new_token()  # replaced when the email is sent: no one sees this one
                invitation.save()
                if answered is not None:
                    answered.delete()
                send_invitation(request, invitation)
            messages.success(
                request, _("Invitation envoyée à %(email)s.") % {"email": invitation.email}
            )
            if answered is not None:
                return redirect("accounts:access_request_list")
            return redirect("accounts:invitation_list")
    return render(
        request, "accounts/invitation_form.html", {"form": form, "access_request": answered}
    )


def answered_request(request: SignedInRequest) -> AccessRequest | None:
    """The access request this invitation answers, if this person handles it."""
    pk = parse_int(request.POST.get("demande") or request.GET.get("demande") or "")
    if pk is None:
        return None
    return AccessRequest.objects.handled_by(request.user).filter(pk=pk).first()


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
    access_requests = None
    if request.user.is_administrator or request.user.role in STAFF_ROLES:
        access_requests = AccessRequest.objects.handled_by(request.user).count()
    return render(
        request, "accounts/profile.html", {"form": form, "access_requests": access_requests}
    )


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
def display_node(source: personal_data.Source, value, key: str = "") -> dict:
    """Exported data as a tree the page can show, in the active language: each key by its
    label, enumerated values by their choice's label, dates and numbers localized."""
    if isinstance(value, dict):
        return {
            "kind": "dict",
            "items": [
                (source.label(name), display_node(source, item, name))
                for name, item in value.items()
            ],
        }
    if isinstance(value, list | tuple):
        return {"kind": "list", "items": [display_node(source, item, key) for item in value]}
    value = source.shown(key, value)
    if value is None or value == "":
        text = "—"
    elif isinstance(value, bool):
        text = _("oui") if value else _("non")
    elif isinstance(value, datetime):
        text = date_format(timezone.localtime(value), "DATETIME_FORMAT")
    elif isinstance(value, date):
        text = date_format(value, "DATE_FORMAT")
    elif isinstance(value, int | float):
        text = number_format(value)
    else:
        text = str(value)
    return {"kind": "text", "text": text}


@login_required
@require_safe
def my_data(request: SignedInRequest) -> HttpResponse:
    """Everything the platform holds about the person, for people: each source under its title,
    each field by its label, in the active language (personal_data.py)."""
    sections = [
        {"title": source.title, "node": display_node(source, source.export(request.user))}
        for source in personal_data.sources()
    ]
    return render(request, "accounts/my_data.html", {"sections": sections})


@login_required
@require_safe
def my_data_download(request: SignedInRequest) -> HttpResponse:
    """The same data as a JSON file for another service (portability, article 20 of the GDPR):
    machine-readable on purpose, under stable keys that do not change with the language, codes
    left as stored (``weekly``, ``saved``) and dates in ISO 8601. The page « Mes données » is
    the version for people: titles, labels, choices and dates in their language."""
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
            reset_account_lock(user.email)
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
        reset_account_lock(form.user.email)
        if form.user.email_verified_at is None:  # the link came to this address
            form.user.email_verified_at = timezone.now()
            form.user.save(update_fields=["email_verified_at"])
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Votre mot de passe est changé."))
        return response
