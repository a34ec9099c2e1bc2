"""People log in by email. A person belongs to a cooperative (member or its admin) or is staff of
an organisation of the movement (permanent or moderator); administrators run the platform.

Visitors are anonymous: they have no row here.
"""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from observatoire.network.models import Cooperative, Organisation


class Role(models.TextChoices):
    MEMBER = "member", _("membre")
    COOPERATIVE_ADMIN = "coop_admin", _("administrateur·rice de coopérative")
    PERMANENT = "permanent", _("permanent·e")
    MODERATOR = "moderator", _("modérateur·rice")
    ADMINISTRATOR = "administrator", _("administrateur·rice")


COOPERATIVE_ROLES = {Role.MEMBER, Role.COOPERATIVE_ADMIN}
STAFF_ROLES = {Role.PERMANENT, Role.MODERATOR}


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("email")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True, role=Role.ADMINISTRATOR)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("adresse électronique"), unique=True)
    full_name = models.CharField(_("nom complet"), max_length=150)
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    cooperative = models.ForeignKey(
        Cooperative,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("coopérative"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("organisation du Mouvement"),
    )
    language = models.CharField(
        _("langue"), max_length=5, default="fr", choices=[("fr", "Français"), ("en", "English")]
    )
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(_("accès à l'administration"), default=False)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        self.email = (self.email or "").strip().lower()
        if self.role in COOPERATIVE_ROLES and not self.cooperative_id:
            raise ValidationError({"cooperative": _("Un membre appartient à une coopérative.")})
        if self.role in STAFF_ROLES and not self.organisation_id:
            raise ValidationError(
                {
                    "organisation": _(
                        "Un·e permanent·e ou modérateur·rice appartient à une Union régionale, une "
                        "fédération ou à la Confédération."
                    )
                }
            )

    # Roles, checked on the server by views and querysets.
    @property
    def is_member(self) -> bool:
        """Any signed-in person of the movement sees members-only practices."""
        return self.is_active

    @property
    def is_movement_staff(self) -> bool:
        return self.role in STAFF_ROLES or self.role == Role.ADMINISTRATOR

    @property
    def is_moderator(self) -> bool:
        return self.role in {Role.MODERATOR, Role.ADMINISTRATOR}

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR
