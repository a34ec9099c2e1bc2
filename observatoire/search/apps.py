"""The search engine: vocabulary, synonyms, typo correction and full text on both databases."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "observatoire.search"
    verbose_name = _("Recherche")
