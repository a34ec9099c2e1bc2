"""Forms of accounts: sign in by email, invitations, access requests, profile, password reset,
erasure."""

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from observatoire.accounts.limits import take
from observatoire.accounts.models import (
    COOPERATIVE_ROLES,
    STAFF_ROLES,
    AccessRequest,
    Invitation,
    Role,
    User,
)
from observatoire.lib.abuse import HoneypotMixin
from observatoire.lib.identifiers import normalise_siren, validate_siren
from observatoire.lib.mail import send_email
from observatoire.lib.numbers import is_ascii_digits
from observatoire.network import geocoding
from observatoire.network.models import Cooperative, Departement


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse électronique"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "Adresse électronique ou mot de passe incorrect. Les deux champs "
            "tiennent compte des majuscules."
        ),
        "inactive": _("Ce compte est désactivé."),
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


# Invitations
class InvitationForm(forms.ModelForm):
    """Only what the inviting person may give is offered; ``clean`` checks it again, since a
    forged POST can send anything."""

    class Meta:
        model = Invitation
        fields = ["email", "full_name", "role", "cooperative", "organisation"]
        labels = {"full_name": _("Nom complet (facultatif)")}
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "off"})}

    def __init__(self, *args, inviter: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.inviter = inviter
        roles = inviter.invitable_roles()
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(role.value, role.label) for role in roles]
        role_field.initial = Role.MEMBER
        cooperative_field = self.fields["cooperative"]
        organisation_field = self.fields["organisation"]
        assert isinstance(cooperative_field, forms.ModelChoiceField)
        assert isinstance(organisation_field, forms.ModelChoiceField)
        cooperative_field.queryset = inviter.invitable_cooperatives().order_by("name")
        organisation_field.queryset = inviter.invitable_organisations()
        cooperative_field.help_text = _(
            "Pour un·e membre ou un·e administrateur·rice de coopérative."
        )
        organisation_field.help_text = _("Pour un·e permanent·e ou un·e modérateur·rice.")
        if inviter.role == Role.COOPERATIVE_ADMIN:
            # One cooperative, theirs: nothing to choose.
            del self.fields["organisation"]
            cooperative_field.initial = inviter.cooperative_id
            cooperative_field.empty_label = None
            cooperative_field.help_text = ""
        elif not inviter.is_administrator:
            organisation_field.initial = inviter.organisation_id
        self.fields["email"].error_messages["invalid"] = _(
            "Saisissez une adresse électronique valide, par exemple nom@exemple.coop."
        )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _(
                    "Cette personne a déjà un compte sur l'Observatoire : pas besoin de "
                    "l'inviter, elle peut se connecter (ou demander un nouveau mot de passe)."
                )
            )
        if Invitation.objects.pending().filter(email=email).exists():
            raise forms.ValidationError(
                _(
                    "Une invitation est déjà en attente pour cette adresse : renvoyez-la depuis "
                    "« Invitations envoyées » si elle ne l'a pas reçue."
                )
            )
        return email

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        role = data.get("role")
        if not role:
            return data
        cooperative = data.get("cooperative")
        organisation = data.get("organisation")
        if role in COOPERATIVE_ROLES:
            organisation = data["organisation"] = None
            if cooperative is None:
                self.add_error("cooperative", _("Choisissez la coopérative de cette personne."))
                return data
        elif role in STAFF_ROLES:
            cooperative = data["cooperative"] = None
            if organisation is None:
                self.add_error(
                    "organisation", _("Choisissez l'organisation du Mouvement de cette personne.")
                )
                return data
        else:
            cooperative = data["cooperative"] = None
            organisation = data["organisation"] = None
        allowed = self.inviter.can_invite(
            role=role, cooperative=cooperative, organisation=organisation
        )
        if not allowed:
            raise forms.ValidationError(
                _("Vous ne pouvez pas inviter une personne avec ce rôle à cet endroit.")
            )
        return data


class AcceptInvitationForm(HoneypotMixin, forms.Form):
    full_name = forms.CharField(label=_("Nom complet"), max_length=150)
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("Mot de passe (encore)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, invitation: Invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.fields["full_name"].initial = invitation.full_name

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
        elif first:
            candidate = User(email=self.invitation.email, full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


# Profile
class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "language"]
        widgets = {"full_name": forms.TextInput(attrs={"autocomplete": "name"})}

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(_("Indiquez votre nom."))
        return name


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label=_("Nouvelle adresse électronique"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": _("Saisissez une adresse électronique valide, par exemple nom@exemple.coop.")
        },
    )
    password = forms.CharField(
        label=_("Votre mot de passe actuel"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            del self.fields["password"]  # a single sign-on account has none to give

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email == self.user.email:
            raise forms.ValidationError(_("C'est déjà l'adresse de votre compte."))
        # Whether another account has it is not said here (the view sends it no link).
        return email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Ce mot de passe n'est pas le bon."))
        return password


# GDPR
ERASE_CONFIRMATION = "SUPPRIMER"


class DeleteAccountForm(forms.Form):
    """Confirmed with the password, or by typing SUPPRIMER for an account without one."""

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_usable_password():
            self.fields["password"] = forms.CharField(
                label=_("Votre mot de passe, pour confirmer"),
                strip=False,
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
            )
        else:
            self.fields["confirmation"] = forms.CharField(
                label=_("Tapez SUPPRIMER pour confirmer"), max_length=20
            )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("Ce mot de passe n'est pas le bon : rien n'a été supprimé.")
            )
        return password

    def clean_confirmation(self) -> str:
        typed = self.cleaned_data["confirmation"].strip()
        if typed.upper() != ERASE_CONFIRMATION:
            raise forms.ValidationError(
                _("Tapez le mot SUPPRIMER pour confirmer : rien n'a été supprimé.")
            )
        return typed


# Password reset: the email leaves through our queue, in the person's language.
RESET_EMAILS_PER_HOUR = 3


class QueuedPasswordResetForm(HoneypotMixin, PasswordResetForm):
    email = forms.EmailField(
        label=_("Adresse électronique de votre compte"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": _("Saisissez une adresse électronique valide, par exemple nom@exemple.coop.")
        },
    )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        user = context["user"]
        if not take(f"password-reset:{user.pk}", RESET_EMAILS_PER_HOUR, timedelta(hours=1)):
            return  # the page says the same either way: nothing tells a stranger anything
        # The link is made when the email is sent (accounts/emails.py): none is stored.
        send_email("password_reset", person=user.pk)


# « Demander un accès »
def departement_code(postal_code: str) -> str:
    """The département of a French postal code, read in the communes it serves (official data,
    network/geocoding.py): "" for a code no commune has."""
    return geocoding.departement_of_postcode(postal_code)


class AccessRequestForm(HoneypotMixin, forms.ModelForm):
    """What a Union régionale needs to recognise someone of a cooperative, and where to send
    it: the cooperative's SIREN when the directory knows it, else its postal code."""

    siren = forms.CharField(
        label=_("SIREN de la coopérative (facultatif)"),
        max_length=11,  # spaces allowed: « 123 456 789 »
        required=False,
        help_text=_(
            "9 chiffres, sur un Kbis ou une fiche de paie : il suffit à trouver votre coopérative."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = AccessRequest
        fields = [
            "full_name",
            "email",
            "cooperative_name",
            "siren",
            "postal_code",
            "job",
            "message",
        ]
        labels = {
            "full_name": _("Vos prénom et nom"),
            "email": _("Votre adresse électronique"),
            "cooperative_name": _("Nom de votre coopérative"),
            "postal_code": _("Code postal de la coopérative"),
            "job": _("Votre fonction dans la coopérative (facultatif)"),
            "message": _("Un mot pour votre Union régionale (facultatif)"),
        }
        help_texts = {
            "postal_code": _("Il désigne votre Union régionale, qui ouvre les comptes."),
            "job": _("Par exemple : salariée associée, gérant, chargé de mission."),
        }
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "postal_code": forms.TextInput(
                attrs={"autocomplete": "postal-code", "inputmode": "numeric", "maxlength": 5}
            ),
            "message": forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages["invalid"] = _(
            "Saisissez une adresse électronique valide, par exemple nom@exemple.coop."
        )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_siren(self) -> str:
        siren = normalise_siren(self.cleaned_data.get("siren") or "")
        if siren:
            validate_siren(siren)
        return siren

    def clean_postal_code(self) -> str:
        code = "".join((self.cleaned_data.get("postal_code") or "").split())
        if len(code) != 5 or not is_ascii_digits(code):
            raise forms.ValidationError(_("Un code postal comporte 5 chiffres, par exemple 44000."))
        departement = (
            Departement.objects.select_related("union").filter(code=departement_code(code)).first()
        )
        if departement is None:
            raise forms.ValidationError(
                _("Nous ne trouvons pas de département pour ce code postal : vérifiez-le.")
            )
        self.departement = departement
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        cooperative = None
        if data.get("siren"):
            cooperative = (
                Cooperative.objects.select_related("union").filter(siren=data["siren"]).first()
            )
        self.instance.cooperative = cooperative
        if cooperative is not None:
            self.instance.union = cooperative.union
        elif getattr(self, "departement", None) is not None:
            self.instance.union = self.departement.union
        return data
