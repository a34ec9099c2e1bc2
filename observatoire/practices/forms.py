"""The practice form, by sections: lenient for a draft, complete for a submission.

Forms validate and normalise; the workflow (draft, submitted…) is decided by the view calling
the model's methods.
"""

import logging
import re
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.urls import reverse, reverse_lazy
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from observatoire.accounts.limits import take
from observatoire.lib.abuse import HoneypotMixin, limit_message
from observatoire.lib.cache import forget_practice_content
from observatoire.lib.identifiers import normalise_siren, validate_siren
from observatoire.lib.numbers import is_ascii_digits, parse_int
from observatoire.network.models import Cooperative
from observatoire.practices import uploads
from observatoire.practices.models import (
    CONTENT_FIELDS,
    Attachment,
    Category,
    Practice,
    Tag,
    Theme,
)

MAX_TAGS = 8
MAX_LINKS = 10
logger = logging.getLogger(__name__)
MAX_ATTACHMENTS = 20
STORE_FAILED = gettext_noop(
    "« %(name)s » n'a pas pu être enregistré : le serveur ne peut pas écrire de fichier pour "
    "le moment (disque plein ?). Votre texte est conservé ci-dessous ; réessayez plus tard ou "
    "prévenez l'équipe de l'Observatoire."
)
UPLOADS_PER_DAY = 100
UPLOAD_PERIOD = timedelta(days=1)

SECTIONS = [
    (_("L'essentiel"), ["title", "summary", "category", "themes", "tags_text"]),
    (_("Le contexte"), ["context"]),
    (_("Ce qui a été fait"), ["actions"]),
    (
        _("Comment la mettre en place"),
        ["setup_steps", "setup_duration", "setup_cost", "setup_people"],
    ),
    (_("Résultats et impact"), ["results"]),
    (_("Difficultés et conseils"), ["difficulties"]),
    (_("Ressources"), ["links_text"]),
    (
        _("Coopérative, contact et diffusion"),
        [
            "cooperative_siren",
            "contact_name",
            "contact_role",
            "contact_email",
            "started_year",
            "visibility",
        ],
    ),
]
REQUIRED_TO_SUBMIT = ["summary", "category", "actions"]


SUBMISSION_PERIOD = timedelta(days=1)


class PracticeForm(HoneypotMixin, forms.ModelForm):
    tags_text = forms.CharField(
        label=_("Mots-clés"),
        required=False,
        max_length=400,
        help_text=_("Séparés par des virgules, par exemple : sociocratie, parrainage"),
    )
    links_text = forms.CharField(
        label=_("Liens utiles"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Un lien par ligne : l'adresse, puis un espace et son intitulé."),
    )
    # Its name or its SIREN (cooperative_named): the field keeps its name, which saved
    # revisions and links already use.
    cooperative_siren = forms.CharField(
        label=_("Coopérative qui porte la pratique"),
        required=False,
        max_length=250,
        help_text=_(
            "Son nom ou son SIREN (9 chiffres) : la pratique lui sera créditée. Des suggestions "
            "s'affichent pendant la saisie."
        ),
        widget=forms.TextInput(
            attrs={
                "list": "cooperative-suggestions",
                "autocomplete": "off",
                "hx-get": reverse_lazy("practices:cooperative_options"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#cooperative-suggestions",
                "hx-sync": "this:replace",
            }
        ),
    )

    class Meta:
        model = Practice
        fields = ["title", "summary", "category", "themes", *CONTENT_FIELDS[2:]]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "themes": forms.CheckboxSelectMultiple,
            "context": forms.Textarea(attrs={"rows": 5}),
            "actions": forms.Textarea(attrs={"rows": 6}),
            "setup_steps": forms.Textarea(attrs={"rows": 5}),
            "results": forms.Textarea(attrs={"rows": 5}),
            "difficulties": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, author, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.author = author
        self.submitting = submitting
        themes = self.fields["themes"]
        assert isinstance(themes, forms.ModelMultipleChoiceField)
        themes.queryset = Theme.objects.select_related("category")
        category = self.fields["category"]
        assert isinstance(category, forms.ModelChoiceField)
        category.empty_label = _("Choisir une catégorie")
        # Members contribute for their own cooperative; the movement's staff record practices
        # spotted in any cooperative.
        if not author.is_movement_staff:
            del self.fields["cooperative_siren"]
        if self.instance.pk:
            self.initial.setdefault(
                "tags_text", ", ".join(tag.name for tag in self.instance.tags.all())
            )
            self.initial.setdefault(
                "links_text",
                "\n".join(f"{link.url} {link.title}" for link in self.instance.links.all()),
            )
            first = self.instance.cooperatives.first()
            if first and "cooperative_siren" in self.fields:
                self.initial.setdefault("cooperative_siren", suggestion(first))
        for name in REQUIRED_TO_SUBMIT:
            self.fields[name].required = submitting
        # What a submission needs, marked from the first display (a draft needs its title only:
        # the form has « novalidate », so the browser does not stop a draft on these).
        self.needed_to_submit = [
            name
            for name in ["title", *REQUIRED_TO_SUBMIT, "cooperative_siren"]
            if name in self.fields
        ]
        for name in self.needed_to_submit:
            self.fields[name].widget.attrs["required"] = True

    @classmethod
    def of_saved(cls, practice: Practice, *, author) -> "PracticeForm":
        """The submission form bound to what the practice says as saved: it checks a draft
        submitted from its preview as the form would, without anything posted again."""
        unbound = cls(instance=practice, author=author)
        data = {name: unbound[name].value() for name in unbound.fields}
        return cls(
            {name: value for name, value in data.items() if value is not None},
            instance=practice,
            author=author,
            submitting=True,
        )

    def sections(self) -> list[tuple[Any, list]]:
        return [
            (title, [self[name] for name in names if name in self.fields])
            for title, names in SECTIONS
        ]

    def theme_groups(self) -> list[tuple[Category, list]]:
        """The themes' checkboxes by category, the chosen category's first."""
        groups: dict[int, tuple[Category, list]] = {}
        for option in self["themes"]:
            theme = option.data["value"].instance
            groups.setdefault(theme.category_id, (theme.category, []))[1].append(option)
        chosen = str(self["category"].value() or "")
        return sorted(groups.values(), key=lambda group: str(group[0].pk) != chosen)

    def clean_tags_text(self) -> list[str]:
        names = [" ".join(name.split()) for name in self.cleaned_data["tags_text"].split(",")]
        names = [name[:60] for name in names if name]
        if len(names) > MAX_TAGS:
            raise ValidationError(_("Pas plus de %(max)d mots-clés."), params={"max": MAX_TAGS})
        return list(dict.fromkeys(names))

    def clean_links_text(self) -> list[tuple[str, str]]:
        links = []
        for number, line in enumerate(self.cleaned_data["links_text"].splitlines(), 1):
            if not line.strip():
                continue
            url, _space, title = line.strip().partition(" ")
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError as error:
                raise ValidationError(
                    _("Ligne %(number)d : « %(url)s » n'est pas une adresse web (https://…)."),
                    params={"number": number, "url": url[:80]},
                ) from error
            links.append((url, title.strip()[:200] or url[:200]))
        if len(links) > MAX_LINKS:
            raise ValidationError(_("Pas plus de %(max)d liens."), params={"max": MAX_LINKS})
        return links

    def clean_cooperative_siren(self) -> Cooperative | None:
        text = " ".join(self.cleaned_data["cooperative_siren"].split())
        if not text:
            if self.submitting:
                raise ValidationError(
                    _("Indiquez la coopérative qui porte la pratique : son nom ou son SIREN.")
                )
            return None
        return cooperative_named(text)

    def clean(self):
        cleaned = super().clean()
        own_cooperative = "cooperative_siren" not in self.fields
        if self.submitting and own_cooperative and self.author.cooperative_id is None:
            raise ValidationError(_("Votre compte n'est rattaché à aucune coopérative."))
        if self.submitting and not self.errors:
            # A person sends a few practices a day; a flood is a robot or a mistake. Counted
            # at once (accounts/limits.py): two submissions at the same moment cannot both
            # take the last place.
            limit = settings.SUBMISSIONS_PER_DAY
            if not take(f"submission:{self.author.pk}", limit, SUBMISSION_PERIOD):
                raise ValidationError(limit_message(limit, SUBMISSION_PERIOD))
        return cleaned

    def save_for(self) -> Practice:
        """Save the practice with its tags, links and cooperative, and refresh its index."""
        practice = self.save(commit=False)
        if not practice.pk:
            practice.author = self.author
            practice.slug = Practice.unique_slug(practice.title)
        practice.save()
        self.save_m2m()
        practice.tags.set(
            [
                Tag.objects.get_or_create(
                    slug=slugify(name)[:60] or "mot-cle", defaults={"name": name}
                )[0]
                for name in self.cleaned_data["tags_text"]
            ]
        )
        practice.links.all().delete()
        practice.links.bulk_create(
            [
                practice.links.model(practice=practice, url=url, title=title, position=position)
                for position, (url, title) in enumerate(self.cleaned_data["links_text"])
            ]
        )
        cooperative = self.cleaned_data.get("cooperative_siren")
        if cooperative is None and "cooperative_siren" not in self.fields:
            cooperative = self.author.cooperative
        if cooperative is not None:
            practice.cooperatives.set([cooperative])
        practice.reindex()
        return practice


def error_summary(form: PracticeForm, attachments: "AttachmentsForm") -> list[dict]:
    """Every error of the page, in its order, for the summary above the form: the form's own
    first, then each field's, with its label and the id its link leads to."""
    summary = [
        {"message": error, "label": "", "anchor": ""}
        for error in [*form.non_field_errors(), *attachments.non_field_errors()]
    ]
    fields = [field for _title, fields in form.sections() for field in fields]
    for field in [*fields, attachments["documents"]]:
        # A group of checkboxes has no label of its own: its first box.
        anchor = field.id_for_label or f"{field.auto_id}_0"
        summary += [
            {"message": error, "label": field.label, "anchor": anchor} for error in field.errors
        ]
    return summary


# The cooperative a practice is credited to, found by staff by its SIREN or its name.
SIREN_AT_THE_END = re.compile(r"\((?P<siren>\d{3} ?\d{3} ?\d{3})\)$")
CANDIDATES_SHOWN = 5


def suggestion(cooperative: Cooperative) -> str:
    """« Name (SIREN) »: how a suggestion and a saved draft show a cooperative; understood back."""
    return f"{cooperative.name} ({cooperative.siren})"


def cooperative_named(text: str) -> Cooperative:
    """The cooperative of a SIREN, of a suggestion « Name (SIREN) », or of the only name that
    matches (the one spelt exactly so, or the only one holding every word); a French error
    otherwise, listing the candidates when there are several."""
    found = SIREN_AT_THE_END.search(text)
    siren = normalise_siren(found["siren"] if found else text)
    if is_ascii_digits(siren):
        validate_siren(siren)
        cooperative = Cooperative.objects.filter(siren=siren).first()
        if cooperative is None:
            raise ValidationError(_("Aucune coopérative du réseau n'a ce SIREN."))
        return cooperative
    matches = list(Cooperative.objects.filter(name__iexact=text)[: CANDIDATES_SHOWN + 1]) or list(
        Cooperative.objects.named(text)[: CANDIDATES_SHOWN + 1]
    )
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ValidationError(
            _(
                "Aucune coopérative du réseau ne porte ce nom. Vérifiez l'orthographe, "
                "ou indiquez son SIREN (9 chiffres)."
            )
        )
    candidates = ", ".join(
        _("%(name)s (SIREN %(siren)s, %(commune)s)")
        % {"name": cooperative.name, "siren": cooperative.siren, "commune": cooperative.commune}
        for cooperative in matches[:CANDIDATES_SHOWN]
    )
    raise ValidationError(
        _(
            "Plusieurs coopératives correspondent à « %(text)s » : %(candidates)s%(more)s. "
            "Choisissez-en une parmi les suggestions ou indiquez son SIREN."
        ),
        params={
            "text": text[:80],
            "candidates": candidates,
            "more": "…" if len(matches) > CANDIDATES_SHOWN else "",
        },
    )


# « Documents et images »: files checked on their content (uploads.py), kept across errors.


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one ``<input type="file" multiple>``, as a list."""

    def clean(self, data, initial=None) -> list:
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items if item]


def attachment_url(attachment: Attachment) -> str:
    if attachment.practice is None:
        return reverse("practices:pending_attachment", args=[attachment.pk])
    return reverse("practices:attachment", args=[attachment.practice.slug, attachment.pk])


class AttachmentsForm(forms.Form):
    """Files to add to a practice, and those already added, each with a title and « Retirer ».

    A file that passes the checks is stored at once, without a practice, owned by its uploader;
    its id travels in a hidden input, so that an error elsewhere in the form, a preview or a
    draft never asks for the file again. Ids of other people's uploads are ignored.
    """

    documents = MultipleFileField(
        label=_("Ajouter des fichiers"),
        required=False,
        allow_empty_file=True,  # refused by uploads.py, with the file's name
        widget=MultipleFileInput(attrs={"accept": uploads.ACCEPT_ATTRIBUTE}),
    )

    def __init__(
        self,
        data=None,
        files=None,
        *,
        user,
        practice: Practice,
        revising: bool = False,
        proposed: list[dict] | None = None,
    ):
        """``revising``: the form of a revision of a published practice, whose documents change
        only when a moderator publishes it; ``proposed``, the documents of the revision sent back
        to its author (ids and titles), shown as they were proposed."""
        super().__init__(data, files)
        self.fields["documents"].help_text = _(
            "PDF, images (PNG, JPEG, WebP, GIF), documents Word, Excel, PowerPoint ou "
            "OpenDocument, %(limit)s au plus par fichier ; plusieurs fichiers à la fois si vous "
            "le souhaitez. Les images sont réduites à 1600 pixels de côté. Vous pourrez ensuite "
            "modifier l'intitulé de chaque fichier."
        ) % {"limit": uploads.human_size(uploads.max_bytes())}
        self.user = user
        self.practice = practice
        self.revising = revising
        self.proposed = {entry["id"]: entry["title"] for entry in proposed or []}
        self.proposing = proposed is not None and not self.is_bound
        self.accepted: list[uploads.CleanedUpload] = []
        linked = list(practice.attachments.all()) if practice.pk else []
        pending = self.pending_proposed() if self.proposing else self.pending_posted()
        self.attachments: list[Attachment] = linked + pending

    def posted_ids(self, name: str) -> list[int]:
        if not self.is_bound:
            return []
        values = self.data.getlist(name)[: MAX_ATTACHMENTS * 2]  # type: ignore[attr-defined]
        return [number for value in values if (number := parse_int(value)) is not None]

    def pending_posted(self) -> list[Attachment]:
        ids = self.posted_ids("document_id")
        if not ids:
            return []
        return list(
            Attachment.objects.filter(pk__in=ids, practice=None, uploaded_by=self.user).order_by(
                "pk"
            )
        )

    def pending_proposed(self) -> list[Attachment]:
        """The uploads of the revision sent back, still waiting (the author's own only)."""
        if not self.proposed:
            return []
        return list(
            Attachment.objects.filter(
                pk__in=list(self.proposed), practice=None, uploaded_by=self.user
            ).order_by("pk")
        )

    def clean_documents(self) -> list:
        files = self.cleaned_data["documents"]
        if len(self.attachments) + len(files) > MAX_ATTACHMENTS:
            raise ValidationError(
                _("Pas plus de %(max)d documents par pratique."), params={"max": MAX_ATTACHMENTS}
            )
        # Every file sent counts, before anything reads it: one refused or lost on the way
        # counts too, so that sending heavy files again and again soon stops.
        key = f"upload:{self.user.pk}"
        if files and not take(key, UPLOADS_PER_DAY, UPLOAD_PERIOD, amount=len(files)):
            raise ValidationError(limit_message(UPLOADS_PER_DAY, UPLOAD_PERIOD))
        if len(files) > uploads.FILES_PER_REQUEST:
            raise ValidationError(
                _(
                    "Pas plus de %(max)d documents à la fois : déposez les autres ensuite "
                    "(enregistrez le brouillon entre deux)."
                ),
                params={"max": uploads.FILES_PER_REQUEST},
            )
        errors = []
        budget = uploads.REQUEST_MAX_PIXELS  # what this request may decode, all images together
        for upload in files:
            try:
                budget -= uploads.decoding_cost(uploads.read_all(upload))
                if budget < 0:
                    raise uploads.refuse("request_pixels")
                self.accepted.append(uploads.validate_upload(upload))
            except ValidationError as error:
                name = uploads.clean_original_name(upload.name or "")
                errors += [
                    ValidationError(
                        _("« %(name)s » : %(message)s"), params={"name": name, "message": message}
                    )
                    for message in error.messages
                ]
        if errors:
            raise ValidationError(errors)
        return files

    def receive(self) -> bool:
        """Check the new files and keep those that pass, even when others or the form fail."""
        valid = self.is_valid()
        for cleaned in self.accepted:
            attachment = Attachment(
                title=cleaned.original_name[:200],
                original_name=cleaned.original_name,
                content_type=cleaned.content_type,
                size=cleaned.size,
                uploaded_by=self.user,
            )
            try:
                attachment.file.save(cleaned.file.name or "document", cleaned.file, save=True)
            except OSError:
                # A full disk, a read-only store: nothing partial stays (lib/storage.py), the
                # form comes back with what was typed, and says so.
                logger.exception("An upload could not be written")
                self.add_error("documents", _(STORE_FAILED) % {"name": cleaned.original_name})
                valid = False
                continue
            self.attachments.append(attachment)
        self.accepted = []
        return valid

    def title_for(self, attachment: Attachment) -> str:
        if self.is_bound:
            posted = self.data.get(f"document_title_{attachment.pk}")
            if posted is not None:
                return " ".join(posted.split())[:200]
        if self.proposing and attachment.pk in self.proposed:
            return self.proposed[attachment.pk] or attachment.title
        return attachment.title

    def removed_ids(self) -> set[int]:
        if self.proposing:
            return {a.pk for a in self.attachments if a.pk not in self.proposed}
        return set(self.posted_ids("document_remove"))

    def rows(self) -> list[dict]:
        removed = self.removed_ids()
        return [
            {
                "attachment": attachment,
                "title": self.title_for(attachment),
                "removed": attachment.pk in removed,
                "pending": attachment.practice_id is None,
                "kind": uploads.type_label(attachment.content_type),
                "url": attachment_url(attachment),
            }
            for attachment in self.attachments
        ]

    def save_for(self, practice: Practice) -> None:
        """Link the kept files to the saved practice, with their titles; delete those removed."""
        for row in self.rows():
            attachment = row["attachment"]
            if row["removed"]:
                attachment.file.delete(save=False)
                attachment.delete()
                continue
            attachment.practice = practice
            attachment.title = row["title"] or attachment.original_name[:200] or attachment.title
            attachment.save(update_fields=["practice", "title"])
        practice.refresh_body()  # its page lists documents
        forget_practice_content(practice.pk)  # no card does

    def kept_documents(self) -> list[dict]:
        """For a revision: the documents the practice would have, as ids and titles. Nothing is
        joined, renamed or deleted until a moderator publishes it (moderation.apply_documents)."""
        kept = []
        for row in self.rows():
            if not row["removed"]:
                attachment = row["attachment"]
                title = row["title"] or attachment.original_name[:200] or attachment.title
                kept.append({"id": attachment.pk, "title": title})
        return kept

    def discard_removed_uploads(self) -> None:
        """The new files taken out of a revision before it was sent: no version shows them."""
        for row in self.rows():
            if row["removed"] and row["pending"]:
                row["attachment"].file.delete(save=False)
                row["attachment"].delete()
