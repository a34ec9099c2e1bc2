"""Forms of the community app: they validate and normalise, views decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from observatoire.community.models import Adoption, Comment
from observatoire.lib.abuse import HoneypotMixin

BODY_MAX = 5000


class CommentForm(HoneypotMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=Comment.Kind.choices,
        initial=Comment.Kind.QUESTION,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=_("Votre message"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("Écrivez votre message avant de l'envoyer."),
            "max_length": _("Votre message est trop long (%(limit_value)d caractères au plus)."),
        },
    )

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Écrivez votre message avant de l'envoyer."))
        return body


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("Pourquoi signalez-vous ce commentaire ? (facultatif)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Le motif est trop long (500 caractères au plus).")},
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du masquage"),
        max_length=300,
        error_messages={
            "required": _("Indiquez le motif : il est gardé pour la traçabilité."),
            "max_length": _("Le motif est trop long (300 caractères au plus)."),
        },
    )


class AdoptionForm(HoneypotMixin, forms.ModelForm):
    class Meta:
        model = Adoption
        fields = ["feedback"]
        labels = {"feedback": _("Votre retour d'expérience (facultatif)")}
        help_texts = {
            "feedback": _("Comment l'avez-vous adaptée ? Qu'est-ce qui a marché, ou moins bien ?")
        }
        widgets = {"feedback": forms.Textarea(attrs={"rows": 5})}
        error_messages = {
            "feedback": {"max_length": _("Le retour est trop long (3000 caractères au plus).")}
        }
