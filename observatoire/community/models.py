"""The life of a practice: comments, adoptions, bookmarks, follows.

Comments stay when their author leaves (the author becomes « Ancien membre »); a moderator hides a
comment rather than deleting it, so that the thread keeps its sense and the decision is traceable.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from observatoire.lib.cache import forget_community
from observatoire.network.models import Cooperative
from observatoire.practices.models import Category, Practice, Theme


def can_moderate(user) -> bool:
    """Permanents, moderators and administrators of the movement moderate comments."""
    return bool(user.is_authenticated and user.is_movement_staff)


class CommentQuerySet(models.QuerySet["Comment"]):
    def shown_to(self, user) -> "CommentQuerySet":
        """Hidden comments are visible to moderators only (marked as hidden)."""
        return self if can_moderate(user) else self.filter(hidden_at__isnull=True)

    def for_thread(self) -> "CommentQuerySet":
        return self.select_related("author__cooperative").order_by("created_at", "pk")


class Comment(models.Model):
    class Kind(models.TextChoices):
        QUESTION = "question", _("question")
        FEEDBACK = "feedback", _("retour d'expérience")

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="comments", verbose_name=_("pratique")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("auteur·rice"),
    )
    # One level of replies: a reply to a reply answers its parent (Comment.reply_target).
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("en réponse à"),
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.QUESTION)
    body = models.TextField(_("commentaire"), max_length=5000)
    created_at = models.DateTimeField(_("écrit le"), default=timezone.now)
    edited_at = models.DateTimeField(_("modifié le"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("masqué le"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("masqué par"),
    )
    hidden_reason = models.CharField(_("motif du masquage"), max_length=300, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["practice", "created_at"]),
            models.Index(fields=["author", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.body[:60]

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        forget_community(self.practice_id)  # its page shows the comment at once; no list does

    def get_absolute_url(self) -> str:
        return f"{self.practice.get_absolute_url()}#commentaire-{self.pk}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def editable_until(self):
        return self.created_at + timedelta(minutes=settings.COMMENT_EDIT_MINUTES)

    def can_be_edited_by(self, user) -> bool:
        return (
            user.is_authenticated
            and self.author_id == user.pk
            and not self.is_hidden
            and timezone.now() < self.editable_until
        )

    def edit(self, *, body: str, kind: str) -> None:
        self.body, self.kind, self.edited_at = body, kind, timezone.now()
        self.save()

    def hide(self, *, by, reason: str) -> None:
        self.hidden_at, self.hidden_by, self.hidden_reason = timezone.now(), by, reason
        self.save()

    def unhide(self, *, by) -> None:
        self.hidden_at, self.hidden_by, self.hidden_reason = None, None, ""
        self.save()


class CommentReport(models.Model):
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reports", verbose_name=_("commentaire")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="comment_reports",
        verbose_name=_("signalé par"),
    )
    reason = models.CharField(_("motif"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("signalé le"), default=timezone.now)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.comment} — {self.reporter}"


class Adoption(models.Model):
    """« Nous l'avons adoptée »: a cooperative says it adopted a practice."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="adoptions", verbose_name=_("pratique")
    )
    cooperative = models.ForeignKey(
        Cooperative,
        on_delete=models.CASCADE,
        related_name="adoptions",
        verbose_name=_("coopérative"),
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adoptions",
        verbose_name=_("déclarée par"),
    )
    feedback = models.TextField(_("retour d'expérience"), max_length=3000, blank=True)
    created_at = models.DateTimeField(_("déclarée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "cooperative"], name="one_adoption_per_cooperative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cooperative} — {self.practice}"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        forget_community(self.practice_id, cooperative_pk=self.cooperative_id)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        forget_community(self.practice_id, cooperative_pk=self.cooperative_id)
        return result


class Bookmark(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks"
    )
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="bookmarks", verbose_name=_("pratique")
    )
    created_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)

    class Meta:
        verbose_name = _("favori")
        verbose_name_plural = _("favoris")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "practice"], name="one_bookmark_per_practice")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.practice}"


# What a person can follow: the name of the URL kind and the Follow field that holds it.
FOLLOWABLE = {
    "categorie": ("category", Category),
    "theme": ("theme", Theme),
    "cooperative": ("cooperative", Cooperative),
    "pratique": ("practice", Practice),
}


class Follow(models.Model):
    """One followed item: exactly one of category, theme, cooperative or practice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    created_at = models.DateTimeField(_("suivi depuis le"), default=timezone.now)

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(category__isnull=False, theme=None, cooperative=None, practice=None)
                    | models.Q(category=None, theme__isnull=False, cooperative=None, practice=None)
                    | models.Q(category=None, theme=None, cooperative__isnull=False, practice=None)
                    | models.Q(category=None, theme=None, cooperative=None, practice__isnull=False)
                ),
                name="follow_exactly_one_target",
            ),
            *[
                models.UniqueConstraint(
                    fields=["user", field],
                    condition=models.Q(**{f"{field}__isnull": False}),
                    name=f"follow_once_{field}",
                )
                for field, _model in FOLLOWABLE.values()
            ],
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.target}"

    @property
    def target(self):
        return self.category or self.theme or self.cooperative or self.practice

    @property
    def kind(self) -> str:
        for kind, (field, _model) in FOLLOWABLE.items():
            if getattr(self, f"{field}_id"):
                return kind
        return ""
