"""In-site notifications and the digest preference, which every app above may use.

The two tables keep their names from the community app, where they were born, so that moving
them here kept every row (migrations 0001 of this app, 0002 of community).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from observatoire.lib.urls import reverse


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("destinataire"),
    )
    text = models.CharField(_("texte"), max_length=300)
    url = models.CharField(_("lien"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)

    class Meta:
        db_table = "community_notification"
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return reverse("notifications:open", kwargs={"pk": self.pk})


class DigestPreference(models.Model):
    """How often a person receives the digest; no row means the default (weekly)."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("chaque jour")
        WEEKLY = "weekly", _("chaque semaine")
        OFF = "off", _("jamais")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference"
    )
    frequency = models.CharField(
        _("fréquence du courriel récapitulatif"),
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.WEEKLY,
    )
    last_sent_at = models.DateTimeField(_("dernier envoi"), null=True, blank=True)

    class Meta:
        db_table = "community_digestpreference"
        verbose_name = _("préférence de courriel récapitulatif")
        verbose_name_plural = _("préférences de courriel récapitulatif")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_frequency_display()}"

    @classmethod
    def for_user(cls, user) -> "DigestPreference":
        preference, _created = cls.objects.get_or_create(user=user)
        return preference
