"""Forms of the moderators: a decision with its message, a staff note."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PUBLISH, CHANGES, DECLINE = "publier", "modifier", "refuser"
DECISIONS = [
    (PUBLISH, _("Publier")),
    (CHANGES, _("Demander des modifications")),
    (DECLINE, _("Refuser")),
]
MESSAGE_LABELS = {
    PUBLISH: _("Message à l'auteur·rice (facultatif)"),
    CHANGES: _("Les modifications demandées (obligatoire)"),
    DECLINE: _("Le motif du refus (obligatoire)"),
}
MESSAGE_REQUIRED = {
    CHANGES: _("Expliquez à l'auteur·rice ce qu'il faut modifier."),
    DECLINE: _("Indiquez le motif du refus : il sera envoyé à l'auteur·rice."),
}


class DecisionForm(forms.Form):
    """One of the three decisions; ``version`` is the moderation step the page was loaded on."""

    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    message = forms.CharField(
        required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, decision: str, **kwargs):
        kwargs.setdefault("prefix", decision)
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("decision", decision)
        super().__init__(*args, **kwargs)
        self.kind = decision
        self.fields["message"].label = MESSAGE_LABELS[decision]
        self.label = dict(DECISIONS)[decision]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") != self.kind:
            raise ValidationError(_("Cette décision n'est pas reconnue."))
        message = cleaned.get("message") or ""
        cleaned["message"] = message
        if self.kind in MESSAGE_REQUIRED and not message:
            self.add_error("message", MESSAGE_REQUIRED[self.kind])
        return cleaned


class StaffNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note pour l'équipe de modération"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Visible seulement des modérateur·rices, jamais de l'auteur·rice."),
        error_messages={"required": _("Écrivez la note avant de l'enregistrer.")},
    )


class DeleteForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la suppression (facultatif)"), required=False, max_length=1000
    )
