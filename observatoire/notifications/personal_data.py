"""What the notifications app holds about a person, for the GDPR export and account deletion."""

from django.utils.translation import gettext_lazy as _

from observatoire.accounts import personal_data
from observatoire.notifications.models import DigestPreference, Notification


def export_notifications(user) -> list:
    return list(
        Notification.objects.filter(recipient=user).values("text", "url", "created_at", "read_at")
    )


def export_digest(user) -> dict:
    preference = DigestPreference.objects.filter(user=user).first()
    if preference is None:
        return {"fréquence": DigestPreference.Frequency.WEEKLY.value, "dernier_envoi": None}
    return {"fréquence": preference.frequency, "dernier_envoi": preference.last_sent_at}


def erase(user) -> None:
    Notification.objects.filter(recipient=user).delete()
    DigestPreference.objects.filter(user=user).delete()


def register_all() -> None:
    notification = personal_data.fields(Notification)
    digest = personal_data.fields(DigestPreference)
    personal_data.register(
        "notifications",
        title=_("notifications"),
        export=export_notifications,
        labels={
            "text": notification("text"),
            "url": notification("url"),
            "created_at": notification("created_at"),
            "read_at": notification("read_at"),
        },
    )
    personal_data.register(
        "courriel_recapitulatif",
        title=_("courriel récapitulatif"),
        export=export_digest,
        erase=erase,
        labels={"fréquence": digest("frequency"), "dernier_envoi": digest("last_sent_at")},
    )
