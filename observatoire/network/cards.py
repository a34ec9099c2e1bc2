"""A cooperative's card (its name, status, place, union, federation, sector, size and year), as
the directory lists it twenty at a time and a practice page shows its cooperatives.

Formatted here rather than by a template: twenty cards through the template engine cost a
directory page 15 ms of its 17 (a thousand nodes, each lookup and translation resolved in
turn), the same markup from ``format_html`` under one. Every value is escaped by it.
A practice's stored body holds these cards: its key reads this file, so that a change here
has the bodies rendered again (practices/page_body.py).
"""

from functools import cache

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from observatoire.network.models import Cooperative

FACTS = {
    "family": gettext_lazy("Statut"),
    "place": gettext_lazy("Lieu"),
    "union": gettext_lazy("Union régionale"),
    "federation": gettext_lazy("Fédération"),
    "sector": gettext_lazy("Secteur"),
    "headcount": gettext_lazy("Effectif"),
    "founded": gettext_lazy("Créée en"),
    "website": gettext_lazy("Site web"),
}


@cache
def _words(language: str | None) -> dict[str, dict[str, str]]:
    """The card's words in ``language``, translated once (twenty cards asked for them a
    thousand times, choices' labels included)."""
    return {
        "facts": {key: str(text) for key, text in FACTS.items()},
        "family": {value: str(label) for value, label in Cooperative.Family.choices},
        "company_form": {value: str(label) for value, label in Cooperative.CompanyForm.choices},
        "headcount": {value: str(label) for value, label in Cooperative.Headcount.choices},
    }


def card_html(cooperative) -> SafeString:
    """The card of ``cooperative`` (read ``with_card()``; ``distance_km`` when a list is sorted
    by distance)."""
    words = _words(get_language())
    label = words["facts"]
    departement = cooperative.departement.code if cooperative.departement_id else ""
    place = format_html("{} ({})", cooperative.commune, departement)
    distance = getattr(cooperative, "distance_km", None)
    if distance is not None:
        place = format_html(
            '{} <span class="muted">— {}</span>', place, _("à %(km)s km") % {"km": distance}
        )
    family = words["family"].get(cooperative.family, cooperative.family)
    company_form = words["company_form"].get(cooperative.company_form, cooperative.company_form)
    facts: list[tuple[object, object]] = [
        (label["family"], f"{family} {company_form}"),
        (label["place"], place),
        (label["union"], cooperative.union.short_name if cooperative.union_id else ""),
    ]
    if cooperative.federation_id:
        facts.append((label["federation"], cooperative.federation.short_name))
    sector = cooperative.sector.name if cooperative.sector_id else ""
    facts += [
        (
            label["sector"],
            format_html('{} <span class="muted">(NAF {})</span>', sector, cooperative.naf_code),
        ),
        (label["headcount"], words["headcount"].get(cooperative.headcount, cooperative.headcount)),
        (label["founded"], cooperative.founded_year or ""),
    ]
    website = mark_safe("")
    if cooperative.website:
        website = format_html(
            '<p><a href="{}" rel="noopener">{}<span class="visually-hidden"> {}</span></a></p>',
            cooperative.website,
            label["website"],
            _("de %(name)s") % {"name": cooperative.name},
        )
    return format_html(
        '<section class="card cooperative-card" aria-labelledby="coop-{pk}">'
        '<h3 id="coop-{pk}" class="card-title"><a href="{url}">{name}</a></h3>'
        '<dl class="facts">{facts}</dl>{website}</section>',
        pk=cooperative.pk,
        url=cooperative.get_absolute_url(),
        name=cooperative.name,
        facts=format_html_join("", "<dt>{}</dt><dd>{}</dd>", facts),
        website=website,
    )
