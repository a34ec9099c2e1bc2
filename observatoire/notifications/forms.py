"""Forms of the notifications: how often the digest comes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from observatoire.notifications.models import DigestPreference


class DigestForm(forms.ModelForm):
    class Meta:
        model = DigestPreference
        fields = ["frequency"]
        widgets = {"frequency": forms.RadioSelect}
        error_messages = {"frequency": {"invalid_choice": _("Choisissez une des fréquences.")}}
