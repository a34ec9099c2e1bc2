"""What accounts holds about a person, registered in the GDPR registry (personal_data): the
account itself, the invitations, failed sign-in attempts, and the practices the person wrote
(practices has no registration of its own yet, so they are listed from here)."""

from axes.models import AccessAttempt, AccessFailureLog
from django.db.models import Q

from observatoire.accounts import personal_data
from observatoire.accounts.models import Invitation
from observatoire.lib.cache import forget_listings
from observatoire.practices.models import Attachment, Practice


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
        "mot de passe": "défini (chiffré, illisible)" if user.has_usable_password() else "aucun",
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


def export_practices(user) -> list[dict]:
    return [
        {
            "titre": practice.title,
            "état": practice.get_status_display(),
            "créée le": practice.created_at,
            "modifiée le": practice.updated_at,
            "soumise le": practice.submitted_at,
            "publiée le": practice.published_at,
        }
        for practice in Practice.objects.filter(author=user).order_by("-created_at")
    ]


def erase_practices(user) -> None:
    """The practices stay for the movement, without their author, nor the author's own
    address as their contact."""
    Practice.objects.filter(contact_email__iexact=user.email).update(
        contact_name="", contact_role="", contact_email=""
    )
    Practice.objects.filter(author=user).update(author=None)
    forget_listings()


def export_uploads(user) -> list[dict]:
    return [
        {
            "intitulé": attachment.title,
            "nom d'origine": attachment.original_name,
            "type": attachment.content_type,
            "taille (octets)": attachment.size,
            "pratique": attachment.practice.title if attachment.practice else None,
            "déposé le": attachment.created_at,
        }
        for attachment in Attachment.objects.filter(uploaded_by=user)
        .select_related("practice")
        .order_by("-created_at")
    ]


def erase_uploads(user) -> None:
    """Documents joined to a practice stay with it; uploads never joined go, files included."""
    for attachment in Attachment.objects.filter(uploaded_by=user, practice=None):
        attachment.file.delete(save=False)
        attachment.delete()
    Attachment.objects.filter(uploaded_by=user).update(uploaded_by=None)


def register_all() -> None:
    personal_data.register("compte", export=export_account)
    personal_data.register("invitations", export=export_invitations, erase=erase_invitations)
    personal_data.register(
        "échecs de connexion", export=export_sign_in_failures, erase=erase_sign_in_failures
    )
    personal_data.register("pratiques", export=export_practices, erase=erase_practices)
    personal_data.register("documents déposés", export=export_uploads, erase=erase_uploads)
