"""Sign in with the extranet: OpenID Connect (authorization code with PKCE) by mozilla-django-oidc.

On only when ``OIDC_RP_CLIENT_ID`` is set (settings.py); local accounts keep working beside it.
The extranet is trusted for who a person is and where they work: their verified email finds or
creates the account, the SIREN claim gives their cooperative, the roles claim their role through
``OIDC_ROLE_MAPPING`` and, for the movement's staff, the organisation claim their Union régionale
or federation. Two roles are granted here and never by the extranet: administrators and
moderators keep their role, organisation and cooperative (only their name is refreshed), and no
claim ever makes an administrator.

A refusal (no verified email, a cooperative or organisation the Observatoire does not know, an
account disabled here) and every failure of the flow (cancelled, provider error, bad state or
nonce, provider unreachable) send the person back to the sign-in page with a French message,
never to an error page. docs/oidc.md says how to register the Observatoire at the extranet.
"""

import logging
import unicodedata
from dataclasses import dataclass

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from observatoire.accounts.models import STAFF_ROLES, Role, User
from observatoire.lib.identifiers import normalise_siren
from observatoire.network.models import Cooperative, Organisation

logger = logging.getLogger(__name__)

# Roles given on the platform itself, which the extranet neither grants nor takes away.
KEPT_ROLES = {Role.ADMINISTRATOR, Role.MODERATOR}
# When the extranet gives several roles, the highest wins.
ROLE_RANK: list[str] = [Role.MEMBER, Role.COOPERATIVE_ADMIN, Role.PERMANENT, Role.MODERATOR]


def oidc_enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def sign_in_options(request: HttpRequest) -> dict:
    """Context processor: the label of the extranet button, empty when it is not configured."""
    return {"extranet_sign_in_label": settings.OIDC_BUTTON_LABEL if oidc_enabled() else ""}


class Refusal(Exception):
    """The extranet vouched for someone the Observatoire cannot let in; ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def normalise_role(name: str) -> str:
    """« Salarié-Associé » and « salarie-associe » are the same extranet role."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())


def role_mapping() -> dict[str, str]:
    return {
        normalise_role(extranet_role): role
        for extranet_role, role in settings.OIDC_ROLE_MAPPING.items()
        if role in ROLE_RANK  # never administrator, whatever the settings say
    }


def claim_text(claims: dict, name: str) -> str:
    value = claims.get(name)
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "").strip()


def verified_email(claims: dict) -> str:
    email = claim_text(claims, "email").lower()
    if not email or "@" not in email:
        raise Refusal(
            _(
                "L'extranet n'a pas transmis votre adresse électronique : la connexion est "
                "impossible. Vérifiez votre profil sur l'extranet."
            )
        )
    # An address the extranet has not checked could be anyone's, including a local account's.
    if claims.get("email_verified") not in (True, "true"):
        raise Refusal(
            _(
                "Votre adresse électronique n'est pas vérifiée par l'extranet. Confirmez-la sur "
                "l'extranet, puis reconnectez-vous."
            )
        )
    return email


def full_name(claims: dict) -> str:
    name = claim_text(claims, "name")
    if not name:
        name = " ".join(
            part
            for part in (claim_text(claims, "given_name"), claim_text(claims, "family_name"))
            if part
        )
    return name[: User._meta.get_field("full_name").max_length]


@dataclass
class Membership:
    role: str
    cooperative: Cooperative | None = None
    organisation: Organisation | None = None


def membership_from_claims(claims: dict) -> Membership:
    """Role, cooperative and organisation the extranet's claims give, or a Refusal."""
    extranet_roles = claims.get(settings.OIDC_CLAIM_ROLES) or []
    if isinstance(extranet_roles, str):
        extranet_roles = [extranet_roles]
    mapping = role_mapping()
    roles = {
        mapping[normalise_role(name)]
        for name in extranet_roles
        if isinstance(name, str) and normalise_role(name) in mapping
    }
    role = max(roles, key=ROLE_RANK.index, default=Role.MEMBER)
    if role in STAFF_ROLES:
        code = claim_text(claims, settings.OIDC_CLAIM_ORGANISATION)
        organisation = Organisation.objects.filter(slug__iexact=code).first() if code else None
        if organisation is None:
            raise Refusal(
                _(
                    "L'extranet vous présente comme permanent·e du Mouvement, mais votre "
                    "organisation (« %(code)s ») est inconnue de l'Observatoire. Écrivez à "
                    "l'équipe de l'Observatoire pour qu'elle l'ajoute."
                )
                % {"code": code or "?"}
            )
        return Membership(role=role, organisation=organisation)
    siren = normalise_siren(claim_text(claims, settings.OIDC_CLAIM_SIREN))
    if not siren:
        raise Refusal(
            _(
                "L'extranet n'indique pas votre coopérative (son SIREN) : la connexion est "
                "impossible. Vérifiez votre profil sur l'extranet."
            )
        )
    cooperative = Cooperative.objects.filter(siren=siren).first()
    if cooperative is None:
        # Decided: no account without a cooperative (a member always belongs to one, see
        # User.clean); the person learns what to do and can come back once it is added.
        raise Refusal(
            _(
                "Votre coopérative (SIREN %(siren)s) n'est pas encore dans l'annuaire de "
                "l'Observatoire. Demandez à votre Union régionale de l'y ajouter, puis "
                "reconnectez-vous."
            )
            % {"siren": siren}
        )
    return Membership(role=role, cooperative=cooperative)


def user_for_claims(claims: dict) -> User:
    """Find (by email, whatever its case) or create the person, brought up to date."""
    email = verified_email(claims)
    users = list(User.objects.filter(email__iexact=email)[:2])
    if len(users) > 1:
        raise Refusal(_("Plusieurs comptes portent cette adresse : écrivez à l'équipe."))
    user = users[0] if users else User(email=email)
    if user.pk and not user.is_active:
        raise Refusal(_("Ce compte est désactivé."))
    if user.role not in KEPT_ROLES:
        membership = membership_from_claims(claims)
        user.role = membership.role
        user.cooperative = membership.cooperative
        user.organisation = membership.organisation
    user.full_name = full_name(claims) or user.full_name or email.split("@")[0]
    if not user.pk:
        user.set_unusable_password()  # an extranet account signs in through the extranet
    # The extranet checked the address (verified_email above).
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
    user.save()
    return user


class ExtranetBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        # Only the callback view signs in through here (it always passes the nonce); a password
        # form posted to a URL with ?code=…&state=… must not start a token exchange.
        if request is None or "nonce" not in kwargs or not oidc_enabled():
            return None
        return super().authenticate(request, **kwargs)

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        try:
            return user_for_claims(claims)
        except Refusal as refusal:
            self.request.extranet_refusal = refusal.message  # read by ExtranetCallbackView
            return None


class ExtranetAuthenticationRequestView(OIDCAuthenticationRequestView):
    """Starts the flow (a plain link, so the CSP's form-action never gets in the way)."""

    def dispatch(self, request, *args, **kwargs):
        if not oidc_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class ExtranetCallbackView(OIDCAuthenticationCallbackView):
    """The extranet sends the person back here; any failure ends on the sign-in page."""

    def dispatch(self, request, *args, **kwargs) -> HttpResponse:
        if not oidc_enabled():
            raise Http404
        try:
            return super().dispatch(request, *args, **kwargs)
        except requests.RequestException as error:
            logger.warning("Extranet sign-in: provider unreachable (%s)", type(error).__name__)
            return self.refuse(
                _(
                    "L'extranet ne répond pas pour le moment. Réessayez plus tard, ou "
                    "connectez-vous avec votre mot de passe."
                )
            )
        except (SuspiciousOperation, jwt.PyJWTError, KeyError, ValueError) as error:
            # Unknown state, replayed callback, nonce or signature that does not match, or an
            # answer of the provider that lacks what the protocol promises.
            logger.warning("Extranet sign-in: rejected response (%s)", type(error).__name__)
            return self.refuse(self.retry_message())

    @staticmethod
    def retry_message() -> str:
        return _(
            "La connexion par l'extranet n'a pas abouti (demande expirée ou réponse invalide). "
            "Réessayez depuis cette page."
        )

    def login_failure(self) -> HttpResponse:
        refusal = getattr(self.request, "extranet_refusal", None)
        error = self.request.GET.get("error")
        if refusal:
            return self.refuse(refusal)
        if error == "access_denied":
            return self.refuse(_("Vous avez annulé la connexion par l'extranet."))
        if error:
            logger.warning("Extranet sign-in: provider error %r", error[:40])
            return self.refuse(
                _(
                    "L'extranet a refusé la connexion. Réessayez, ou connectez-vous avec votre "
                    "mot de passe."
                )
            )
        return self.refuse(self.retry_message())

    def refuse(self, message: str) -> HttpResponse:
        messages.error(self.request, message)
        return HttpResponseRedirect(reverse("accounts:login"))
