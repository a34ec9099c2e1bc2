"""What accounts holds about a person, registered in the GDPR registry (personal_data): the
account itself, the invitations and failed sign-in attempts. Every other app registers its own
(in its ``AppConfig.ready()``): accounts imports none of them."""

from axes.models import AccessAttempt, AccessFailureLog
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from observatoire.accounts import personal_data
from observatoire.accounts.models import Invitation, User


def export_account(user) -> dict:
    return {
        "adresse électronique": user.email,
        "adresse vérifiée le": user.email_verified_at,
        "nom complet": user.full_name,
        "rôle": user.get_role_display(),
        "coopérative": str(user.cooperative) if user.cooperative_id else None,
        "organisation du Mouvement": str(user.organisation) if user.organisation_id else None,
        "langue": user.get_language_display(),
        "inscrit le": user.date_joined,
        "dernière connexion": user.last_login,
        "mot de passe": gettext("défini (chiffré, illisible)")
        if user.has_usable_password()
        else gettext("aucun"),
    }


def export_invitations(user) -> dict:
    sent = Invitation.objects.filter(invited_by=user).order_by("-sent_at")
    received = Invitation.objects.filter(Q(account=user) | Q(email=user.email))
    return {
        "envoyées": [
            {
                "adresse": invitation.email,
                "nom": invitation.full_name,
                "rôle": invitation.get_role_display(),
                "envoyée le": invitation.sent_at,
                "état": invitation.get_state_display(),
            }
            for invitation in sent
        ],
        "reçues": [
            {
                "invité·e par": str(invitation.invited_by) if invitation.invited_by else None,
                "envoyée le": invitation.sent_at,
                "acceptée le": invitation.accepted_at,
            }
            for invitation in received.select_related("invited_by").order_by("-sent_at")
        ],
    }


def erase_invitations(user) -> None:
    """Invitations to this person go; those the person sent stay for their guests, unsigned."""
    Invitation.objects.filter(Q(account=user) | Q(email=user.email)).delete()
    Invitation.objects.filter(invited_by=user).update(invited_by=None)


def export_sign_in_failures(user) -> list[dict]:
    return [
        {"date": attempt.attempt_time, "échecs": attempt.failures_since_start}
        for attempt in AccessAttempt.objects.filter(username=user.email)
    ]


def erase_sign_in_failures(user) -> None:
    AccessAttempt.objects.filter(username=user.email).delete()
    AccessFailureLog.objects.filter(username=user.email).delete()


def register_all() -> None:
    user, invitation = personal_data.fields(User), personal_data.fields(Invitation)
    personal_data.register(
        "compte",
        title=_("compte"),
        export=export_account,
        labels={
            "adresse électronique": user("email"),
            "adresse vérifiée le": user("email_verified_at"),
            "nom complet": user("full_name"),
            "rôle": user("role"),
            "coopérative": user("cooperative"),
            "organisation du Mouvement": user("organisation"),
            "langue": user("language"),
            "inscrit le": user("date_joined"),
            "dernière connexion": user("last_login"),
            "mot de passe": user("password"),
        },
    )
    personal_data.register(
        "invitations",
        title=_("invitations"),
        export=export_invitations,
        erase=erase_invitations,
        labels={
            "envoyées": _("invitations envoyées"),
            "reçues": _("invitations reçues"),
            "adresse": invitation("email"),
            "nom": invitation("full_name"),
            "rôle": invitation("role"),
            "envoyée le": invitation("sent_at"),
            "état": _("état"),
            "invité·e par": invitation("invited_by"),
            "acceptée le": invitation("accepted_at"),
        },
    )
    personal_data.register(
        "échecs de connexion",
        title=_("échecs de connexion"),
        export=export_sign_in_failures,
        erase=erase_sign_in_failures,
        labels={"date": _("date"), "échecs": _("nombre d'échecs")},
    )
