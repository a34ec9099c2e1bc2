"""What the notifications app holds about a person, for the GDPR export and account deletion."""

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
    personal_data.register("notifications", export=export_notifications)
    personal_data.register("courriel_recapitulatif", export=export_digest, erase=erase)
