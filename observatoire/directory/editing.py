"""Keeping a cooperative's page true: who may edit it, the form, and the versions each edit adds.

A cooperative's administrator edits their own cooperative's page; a permanent or a moderator
of its Union régionale edits any cooperative of that UR; an administrator edits any. What
they edit is what the cooperative says of itself (presentation, website, logo, contact and
whether visitors see it) and its exact position on the map; what the register says (name, SIREN,
legal form, NAF code, address) comes from the SIRENE import and staff's admin.

Every edit that changes something adds a ``CooperativeVersion`` (who, when, what changed,
and every editable field's value after it), in the same transaction as the change: the
history says who wrote what, and is never rewritten.
"""

import re

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from observatoire.accounts.models import STAFF_ROLES, Role
from observatoire.network.models import (
    Cooperative,
    CooperativeVersion,
    LocationPrecision,
    Organisation,
)
from observatoire.practices import uploads

# What a version keeps: every field a person edits here.
EDITABLE = (
    "description",
    "website",
    "logo",  # its stored file's name
    "contact_email",
    "contact_phone",
    "contact_public",
    "latitude",
    "longitude",
    "location_precision",
    "archived",  # whether it left the network (``archived_at`` set): staff only
)
MAX_DESCRIPTION = 3000
# Decimal degrees as people type them: no exponent, no « nan », at most eight decimals.
DEGREES = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]{1,8})?")


def _degrees(text: str) -> float | None:
    text = text.strip().replace(",", ".")
    return float(text) if DEGREES.fullmatch(text) else None


def may_edit(user, cooperative: Cooperative) -> bool:
    """Whether ``user`` may edit ``cooperative``'s page (see the module's docstring)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_administrator:
        return True
    if user.role == Role.COOPERATIVE_ADMIN:
        return user.cooperative_id == cooperative.pk
    if user.role in STAFF_ROLES:
        return user.organisation_id is not None and user.organisation_id == cooperative.union_id
    return False


def may_archive(user) -> bool:
    """Whether ``user`` may say a cooperative left the network (its UR's staff, an admin)."""
    return user.is_administrator or user.role in STAFF_ROLES


def snapshot(cooperative: Cooperative) -> dict:
    values = {name: getattr(cooperative, name) for name in EDITABLE if name != "archived"}
    values["logo"] = cooperative.logo.name or ""
    return {**values, "archived": cooperative.archived_at is not None}


class CooperativeForm(forms.ModelForm):
    """The page a cooperative keeps: its words, its contact, its point on the map."""

    archived = forms.BooleanField(
        label=_("La coopérative a quitté le réseau"),
        required=False,
        help_text=_(
            "Archivée, elle sort de l'annuaire et de la carte ; sa fiche, ses pratiques et son "
            "historique restent. Décochez pour la faire revenir."
        ),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".png,.jpg,.jpeg,.webp,.gif"}),
    )
    remove_logo = forms.BooleanField(label=_("Retirer le logo"), required=False)
    latitude = forms.CharField(label=_("Latitude"), required=False, max_length=20)
    longitude = forms.CharField(label=_("Longitude"), required=False, max_length=20)

    class Meta:
        model = Cooperative
        fields = ["description", "website", "contact_email", "contact_phone", "contact_public"]
        labels = {
            "description": _("Ce que nous faisons"),
            "website": _("Site web"),
            "contact_email": _("Courriel de contact"),
            "contact_phone": _("Téléphone de contact"),
            "contact_public": _("Montrer ce contact à tout le monde, pas seulement aux membres"),
        }
        help_texts = {
            "website": _("Son adresse complète, par exemple https://www.exemple.coop/"),
        }
        error_messages = {
            "website": {"invalid": _("Donnez une adresse web complète, commençant par https://")},
            "contact_email": {"invalid": _("Cette adresse de courriel n'est pas valide.")},
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and may_archive(user):
            self.initial.setdefault("archived", self.instance.archived_at is not None)
            self.order_fields([name for name in self.fields if name != "archived"] + ["archived"])
        else:
            del self.fields["archived"]
        if not self.instance.logo:
            del self.fields["remove_logo"]
        self.fields["logo"].help_text = _(
            "Une image PNG, JPEG, WebP ou GIF, de %(size)s au plus ; elle remplace l'actuelle."
        ) % {"size": uploads.human_size(uploads.max_bytes())}
        self.fields["description"].widget.attrs["maxlength"] = MAX_DESCRIPTION
        self.fields["description"].widget.attrs["rows"] = 6
        if self.instance.location_precision == LocationPrecision.EXACT and not self.is_bound:
            self.initial["latitude"] = f"{self.instance.latitude:.5f}"
            self.initial["longitude"] = f"{self.instance.longitude:.5f}"
        for name in ("latitude", "longitude"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"
        self.fields["latitude"].help_text = _(
            "Laissez vides pour placer la coopérative au centre de sa commune ; sinon, en "
            "degrés décimaux (par exemple 45.76404 et 4.83566 à Lyon)."
        )

    def clean_description(self) -> str:
        text = self.cleaned_data["description"].strip()
        if len(text) > MAX_DESCRIPTION:
            raise forms.ValidationError(
                _("La présentation tient en %(max)s caractères au plus (elle en a %(n)s).")
                % {"max": MAX_DESCRIPTION, "n": len(text)}
            )
        return text

    def clean_logo(self) -> uploads.CleanedUpload | None:
        """An image checked and re-encoded like a practice's (its metadata dropped); anything
        else (a PDF, an SVG, a renamed program) refused in French."""
        uploaded = self.cleaned_data.get("logo")
        if not uploaded:
            return None
        cleaned = uploads.validate_upload(uploaded)
        if not uploads.is_image(cleaned.content_type):
            raise forms.ValidationError(
                _("Le logo doit être une image PNG, JPEG, WebP ou GIF."), code="not_image"
            )
        return cleaned

    def clean_contact_phone(self) -> str:
        phone = " ".join(self.cleaned_data["contact_phone"].split())
        if phone and not all(c.isdigit() or c in " +.()-" for c in phone):
            raise forms.ValidationError(
                _("Un numéro de téléphone ne contient que des chiffres, des espaces et « + ».")
            )
        if phone and sum(c.isdigit() for c in phone) < 6:
            raise forms.ValidationError(_("Ce numéro de téléphone est trop court."))
        return phone

    def clean(self):
        cleaned = super().clean()
        texts = [(self.cleaned_data.get(name) or "").strip() for name in ("latitude", "longitude")]
        if not any(texts):
            cleaned["point"] = None
            return cleaned
        if not all(texts):
            self.add_error(
                "longitude" if texts[0] else "latitude",
                _("Donnez la latitude et la longitude, ou aucune des deux."),
            )
            return cleaned
        latitude, longitude = (_degrees(text) for text in texts)
        if latitude is None or longitude is None:
            self.add_error(
                "latitude",
                _("Latitude et longitude s'écrivent en degrés décimaux, par exemple 45.76404."),
            )
            return cleaned
        from observatoire.network import geocoding

        if not geocoding.in_france(latitude, longitude):
            self.add_error(
                "latitude",
                _("Ce point n'est pas en France : placez la coopérative sur la carte de France."),
            )
            return cleaned
        # Five decimals: a metre, and what the form shows again (no change when resent).
        cleaned["point"] = (round(latitude, 5), round(longitude, 5))
        return cleaned


@transaction.atomic
def save(form: CooperativeForm, author) -> CooperativeVersion | None:
    """Apply a valid form and add a version, or nothing when nothing changed. The row is
    locked first: two people saving at once each get their own version, in turn."""
    cooperative = Cooperative.objects.select_for_update().get(pk=form.instance.pk)
    before = snapshot(cooperative)
    for name in CooperativeForm.Meta.fields:
        setattr(cooperative, name, form.cleaned_data[name])
    if "archived" in form.fields and form.cleaned_data["archived"] != (
        cooperative.archived_at is not None
    ):
        cooperative.archived_at = timezone.now() if form.cleaned_data["archived"] else None
    logo = form.cleaned_data.get("logo")
    replaced = cooperative.logo.name if logo or form.cleaned_data.get("remove_logo") else ""
    if logo is not None:
        cooperative.logo.save(logo.file.name, logo.file, save=False)
    elif replaced:
        cooperative.logo = ""
    point = form.cleaned_data.get("point")
    if point is not None:
        cooperative.latitude, cooperative.longitude = point
        cooperative.location_precision = LocationPrecision.EXACT
    elif cooperative.location_precision == LocationPrecision.EXACT:
        # The point removed: back to its commune's centre.
        cooperative.location_precision = ""
        cooperative.latitude = cooperative.longitude = None
    if not cooperative.location_precision:
        cooperative.locate()
    after_values = snapshot(cooperative)
    changed = [name for name in EDITABLE if before[name] != after_values[name]]
    if not changed:
        return None
    cooperative.save()
    if replaced:  # the old file, once the new state is kept (a version keeps only its name)
        storage, name = cooperative.logo.storage, replaced
        transaction.on_commit(lambda: storage.delete(name))
    form.instance = cooperative
    return add_version(cooperative, author, before=before, data=after_values, changed=changed)


def add_version(
    cooperative: Cooperative, author, *, before: dict, data: dict, changed: list[str]
) -> CooperativeVersion:
    """The next version of ``cooperative``; its first one also keeps the page as it was
    (``before``: imported, or written by staff) as version 1."""
    number = cooperative.versions.aggregate(last=Max("number"))["last"] or 0
    if number == 0:
        number = 1
        CooperativeVersion.objects.create(
            cooperative=cooperative, number=1, author=None, data=before, changed=[]
        )
    return CooperativeVersion.objects.create(
        cooperative=cooperative, number=number + 1, author=author, data=data, changed=changed
    )


# The history's names for what changed: the form's labels, but where a short one reads better.
LABELS = {
    **CooperativeForm.Meta.labels,
    "logo": _("Logo"),
    "contact_public": _("Contact visible de tout le monde"),
    "latitude": _("Latitude"),
    "longitude": _("Longitude"),
    "location_precision": _("Précision de la position"),
    "archived": _("Archivée (a quitté le réseau)"),
    "merged_into": _("Fusionnée dans"),  # directory/duplicates.py
    "merged_from": _("A reçu la fiche en double"),
}


def _label(name: str) -> str:
    """The history's name for a field: the form's, else the model's (the SIRENE import
    changes the register's fields: « code NAF », « adresse »…)."""
    if name in LABELS:
        return str(LABELS[name])
    try:
        verbose = str(getattr(Cooperative._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:
        return name
    return verbose[:1].upper() + verbose[1:]


def _shown(name: str, value, unions: dict[int, str]):
    """A value as the history shows it: a choice's label, a union's name."""
    if name == "union":
        return unions.get(value, value)
    try:
        field = Cooperative._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    choices = dict(getattr(field, "flatchoices", None) or ())
    return choices.get(value, value)


def described(versions: list[CooperativeVersion]) -> list[dict]:
    """Each version as the history shows it: number, date, author, and each changed field
    with its label and the value it took (« oui »/« non », the precision's label)."""
    precision = dict(LocationPrecision.choices)
    union_ids = {v.data.get("union") for v in versions if "union" in v.changed}
    unions = dict(Organisation.objects.filter(pk__in=union_ids).values_list("pk", "name"))
    rows = []
    for version in versions:
        changes = []
        for name in version.changed:
            value = version.data.get(name)
            if isinstance(value, bool):
                value = _("oui") if value else _("non")
            elif name == "location_precision":
                value = precision.get(value, value)
            elif name == "logo":  # a stored file's name says nothing to a reader
                value = _("nouveau logo") if value else _("logo retiré")
            else:
                value = _shown(name, value, unions)
            changes.append((_label(name), "" if value is None else value))
        rows.append({"version": version, "changes": changes})
    return rows
