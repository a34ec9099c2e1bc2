"""People log in by email. A person belongs to a cooperative (member or its admin) or is staff of
an organisation of the movement (permanent or moderator); administrators run the platform.

Visitors are anonymous: they have no row here. Nobody signs up alone: people arrive by invitation
(``Invitation``) or through the extranet's single sign-on.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import ValidationError
from django.db import models, transaction
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

    def active(self, pk) -> "User | None":
        """The person with this pk if their account is active (an email built when sent, a
        signed link followed later: the person may have left meanwhile)."""
        return self.filter(pk=pk, is_active=True).first()


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
    # Empty for accounts created before verification existed; invitations and single sign-on
    # set it, since the address was proven by following a link or by the extranet.
    email_verified_at = models.DateTimeField(_("adresse vérifiée le"), null=True, blank=True)

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

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def confirm_email(self, address: str) -> str:
        """The address was proven by a link sent to it: it becomes (or stays) this account's,
        verified. Returns the previous address when it changed, to warn it; "" otherwise."""
        previous = self.email if address != self.email else ""
        self.email = address
        self.email_verified_at = timezone.now()
        with transaction.atomic():
            self.save(update_fields=["email", "email_verified_at"])
        return previous

    def erase(self) -> None:
        """Delete this account (GDPR): every app anonymises or deletes what it holds about the
        person (personal_data), then the row goes. Contributions stay, without a name."""
        from observatoire.accounts import personal_data
        from observatoire.lib.mail import forget_emails_to

        with transaction.atomic():
            personal_data.erase_for(self)
            forget_emails_to(self.pk)  # queued for them: built from their row, now gone
            ActionCount.objects.filter(key__endswith=f":{self.pk}").delete()
            self.delete()

    # Invitations: who may bring whom onto the platform.
    def invitable_roles(self) -> list[Role]:
        """The roles this person may give to someone they invite, in the order of Role."""
        if self.is_administrator:
            allowed = set(Role)
        elif self.role in STAFF_ROLES:
            allowed = {Role.MEMBER, Role.COOPERATIVE_ADMIN, Role.PERMANENT}
        elif self.role == Role.COOPERATIVE_ADMIN:
            allowed = {Role.MEMBER, Role.COOPERATIVE_ADMIN}
        else:
            allowed = set()
        return [role for role in Role if role in allowed]

    @property
    def may_invite(self) -> bool:
        return self.is_active and bool(self.invitable_roles())

    def invitable_cooperatives(self):
        """Cooperatives whose people this person may invite: their own for a cooperative admin,
        those of their Union régionale or federation for a permanent, any for an administrator."""
        cooperatives = Cooperative.objects.all()
        if self.is_administrator:
            return cooperatives
        if self.role in STAFF_ROLES and self.organisation_id:
            return cooperatives.filter(
                models.Q(union_id=self.organisation_id)
                | models.Q(federation_id=self.organisation_id)
            )
        if self.role == Role.COOPERATIVE_ADMIN and self.cooperative_id:
            return cooperatives.filter(pk=self.cooperative_id)
        return cooperatives.none()

    def invitable_organisations(self):
        """Organisations whose staff this person may invite: their own, or any for an admin."""
        if self.is_administrator:
            return Organisation.objects.all()
        if self.role in STAFF_ROLES and self.organisation_id:
            return Organisation.objects.filter(pk=self.organisation_id)
        return Organisation.objects.none()

    def can_invite(self, *, role: str, cooperative, organisation) -> bool:
        """The server-side rule every invitation passes, whatever the form offered."""
        if role not in self.invitable_roles():
            return False
        if role in COOPERATIVE_ROLES:
            return (
                cooperative is not None
                and organisation is None
                and self.invitable_cooperatives().filter(pk=cooperative.pk).exists()
            )
        if role in STAFF_ROLES:
            return (
                organisation is not None
                and cooperative is None
                and self.invitable_organisations().filter(pk=organisation.pk).exists()
            )
        return self.is_administrator and cooperative is None and organisation is None


INVITATION_VALIDITY = timedelta(days=14)


def hash_token(token: str) -> str:
    """Only a hash of an invitation's token is stored: a leaked database opens no account."""
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def managed_by(self, user) -> "InvitationQuerySet":
        """Invitations shown in « Invitations envoyées »: one's own; all for administrators."""
        if user.is_administrator:
            return self
        return self.filter(invited_by=user)

    def pending(self) -> "InvitationQuerySet":
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )

    def for_list(self) -> "InvitationQuerySet":
        return self.select_related("cooperative", "organisation", "invited_by")


class Invitation(models.Model):
    """An invitation to create an account, sent by email with a link holding a secret token."""

    class State(models.TextChoices):
        PENDING = "pending", _("en attente")
        ACCEPTED = "accepted", _("acceptée")
        EXPIRED = "expired", _("expirée")
        REVOKED = "revoked", _("annulée")

    email = models.EmailField(_("adresse électronique"))
    full_name = models.CharField(_("nom complet"), max_length=150, blank=True)
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    cooperative = models.ForeignKey(
        Cooperative,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("coopérative"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("organisation du Mouvement"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_sent",
        verbose_name=_("invité·e par"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    sent_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compte créé"),
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["invited_by", "-sent_at"]), models.Index(fields=["email"])]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs) -> None:
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    def new_token(self) -> str:
        """A fresh secret for the link (the previous link stops working), valid 14 days."""
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        self.sent_at = timezone.now()
        self.expires_at = self.sent_at + INVITATION_VALIDITY
        return token

    @classmethod
    def from_token(cls, token: str) -> "Invitation | None":
        return (
            cls.objects.select_related("cooperative", "organisation", "invited_by")
            .filter(token_hash=hash_token(token))
            .first()
        )

    @property
    def state(self) -> str:
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING

    def get_state_display(self) -> str:
        return str(self.State(self.state).label)

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING

    @property
    def can_be_resent(self) -> bool:
        return self.state in {self.State.PENDING, self.State.EXPIRED}

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])

    def accept(self, *, full_name: str, password: str, language: str) -> User:
        """Create the account this invitation promised; its address is proven by the link."""
        now = timezone.now()
        user = User(
            email=self.email,
            full_name=full_name,
            role=self.role,
            cooperative=self.cooperative,
            organisation=self.organisation,
            language=language,
            email_verified_at=now,
        )
        user.set_password(password)
        user.save()
        self.accepted_at = now
        self.account = user
        self.save(update_fields=["accepted_at", "account"])
        return user


class Session(AbstractBaseSession):
    """Django's database session, with the person it signs in (accounts/sessions.py).

    The person's column lets one query read a signed-in person's session and the person
    together, on each of their requests; deleting the person deletes their sessions.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )


class ActionCount(models.Model):
    """How often an action limited against abuse was taken in its current window (an email
    asked for, a comment, a submission, a search…): accounts/limits.py counts it with one
    atomic statement on both databases. A table, not the cache: nothing a visitor does can
    evict a counter, and two requests at the same moment cannot both take the last place."""

    key = models.CharField(_("clé"), max_length=200, unique=True)
    count = models.PositiveIntegerField(_("nombre"), default=0)
    window_started = models.DateTimeField(_("début de la période"))

    class Meta:
        verbose_name = _("compteur de limite")
        verbose_name_plural = _("compteurs de limites")

    def __str__(self) -> str:
        return f"{self.key} : {self.count}"


class AccessRequestQuerySet(models.QuerySet["AccessRequest"]):
    def handled_by(self, user) -> "AccessRequestQuerySet":
        """The requests this person answers: those routed to their Union régionale (its
        permanents and moderators), every one for an administrator."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_administrator:
            return self
        if user.role in STAFF_ROLES and user.organisation_id:
            return self.filter(union_id=user.organisation_id)
        return self.none()


class AccessRequest(models.Model):
    """Someone of a cooperative asks for an account: routed to the Union régionale of their
    cooperative (by its SIREN when the directory knows it, else by the postal code), and
    answered there by an invitation, or declined. Once answered, the request is deleted: the
    invitation keeps what is needed, and nothing of a declined person stays."""

    full_name = models.CharField(_("nom complet"), max_length=150)
    email = models.EmailField(_("adresse électronique"))
    cooperative_name = models.CharField(_("coopérative"), max_length=200)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5)
    job = models.CharField(_("fonction dans la coopérative"), max_length=150, blank=True)
    message = models.TextField(_("message"), max_length=1000, blank=True)
    union = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="access_requests",
        limit_choices_to={"kind": Organisation.Kind.UNION},
        verbose_name=_("Union régionale"),
    )
    cooperative = models.ForeignKey(
        Cooperative,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="access_requests",
        verbose_name=_("coopérative de l'annuaire"),
    )
    created_at = models.DateTimeField(_("reçue le"), default=timezone.now)

    objects = AccessRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande d'accès")
        verbose_name_plural = _("demandes d'accès")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.cooperative_name})"
