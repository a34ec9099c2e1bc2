"""Small defences shared by every form people can post: a honeypot, the French message of a rate
limit, and the search rate counted in the cache.

The limits that protect other people or cost a row (emails, comments, submissions, uploads,
invitations) are counted in a table (accounts/limits.py), where nothing can evict them. The
search rate alone is counted in the cache: it guards the processors, not a third party, and is
read on every search, cached pages included, where a write to the database would cost more
than the page; to evict one's own counter takes as many requests as the limit saves."""

from datetime import timedelta

from django import forms
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

HONEYPOT_FIELD = "site_web"


class HoneypotMixin(forms.Form):
    """A field people never see nor fill (hidden by CSS and from screen readers); robots do.

    Render it with ``{% include "includes/honeypot.html" %}`` inside the form.
    """

    site_web = forms.CharField(
        label=_("Ne remplissez pas ce champ"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_site_web(self) -> str:
        value = self.cleaned_data.get(HONEYPOT_FIELD, "")
        if value:
            # On the whole form, since the field itself is never shown.
            self.add_error(
                None, _("Ce formulaire semble rempli par un robot ; il n'a pas été envoyé.")
            )
        return value


def allow_in_cache(key: str, limit: int, period: timedelta) -> bool:
    """Count one more ``key`` action in the cache; False once ``limit`` were allowed within
    ``period``. Approximate and forgiving (see above): only for the search rate."""
    key = f"abuse:{key}"
    timeout = int(period.total_seconds())
    if cache.add(key, 1, timeout):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout)
        return True
    return count <= limit


def limit_message(limit: int, period: timedelta) -> str:
    """« Vous avez atteint la limite de N … par heure » in plain French."""
    hours = int(period.total_seconds() // 3600)
    minutes = max(1, int(period.total_seconds() // 60))
    if hours >= 24 and hours % 24 == 0:
        days = hours // 24
        span = _("par jour") if days == 1 else _("en %(count)d jours") % {"count": days}
    elif hours >= 1:
        span = _("par heure") if hours == 1 else _("en %(count)d heures") % {"count": hours}
    else:
        span = _("par minute") if minutes == 1 else _("en %(count)d minutes") % {"count": minutes}
    return ngettext(
        "Vous avez atteint la limite de %(limit)d envoi %(span)s. Réessayez un peu plus tard ; "
        "ce que vous avez saisi est conservé ci-dessous.",
        "Vous avez atteint la limite de %(limit)d envois %(span)s. Réessayez un peu plus tard ; "
        "ce que vous avez saisi est conservé ci-dessous.",
        limit,
    ) % {"limit": limit, "span": span}
