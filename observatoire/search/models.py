"""What search knows of the language: the movement's synonyms and the words of indexed texts.

Synonyms are edited by staff in the admin (an abbreviation and its long form, used both ways);
the vocabulary is filled by indexing (``vocabulary.remember_words``) and serves typo correction
and word families.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Synonym(models.Model):
    """An abbreviation of the movement and what it stands for, used both ways by search."""

    term = models.CharField(
        _("abréviation"), max_length=40, unique=True, help_text=_("Par exemple : AG")
    )
    expansion = models.CharField(
        _("forme longue"), max_length=200, help_text=_("Par exemple : assemblée générale")
    )

    class Meta:
        verbose_name = _("synonyme de recherche")
        verbose_name_plural = _("synonymes de recherche")
        ordering = ["term"]

    def __str__(self) -> str:
        return f"{self.term} → {self.expansion}"


class Word(models.Model):
    """A word seen in an indexed text: the vocabulary for « Vouliez-vous dire … ? »."""

    word = models.CharField(max_length=60, unique=True)
    stem = models.CharField(max_length=60, db_index=True)
    length = models.PositiveSmallIntegerField(db_index=True)

    class Meta:
        verbose_name = _("mot du vocabulaire")
        verbose_name_plural = _("vocabulaire de recherche")

    def __str__(self) -> str:
        return self.word


class FacetCount(models.Model):
    """How many published items of a list carry a facet value, among those carrying ``key``.

    Kept up to date on write (``facets.adjust_counts``), so that the unfiltered list and the
    lists filtered on one value read their counts in one query instead of counting tens of
    thousands of rows. ``among`` is the token of the filtered list, empty for the unfiltered
    one, or for a list that keeps them (the practices), the tokens of two values of different
    facets joined by a space; ``token`` « * » holds the number of items itself. ``scope`` is
    « public » (what visitors see) or « members ».
    """

    list_name = models.CharField(max_length=40)
    scope = models.CharField(max_length=10)
    among = models.CharField(max_length=250, blank=True)  # two tokens of 120 at most
    token = models.CharField(max_length=120)
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("compte d'une facette")
        verbose_name_plural = _("comptes des facettes")
        constraints = [
            models.UniqueConstraint(
                fields=["list_name", "scope", "among", "token"], name="search_facetcount_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.list_name} {self.scope} {self.among} {self.token} = {self.count}"
