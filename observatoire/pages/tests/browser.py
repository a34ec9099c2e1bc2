"""Shared by the page checks: a small corpus like the real one, and the pages worth checking.

The browser tests (axe-core, paths without JavaScript) and the HTML validation look at the same
pages, filled the same way, so that a page both checks agree on is a page people really see.
"""

from django.conf import settings

from observatoire.network.models import Cooperative, Departement
from observatoire.network.tests.factories import make_cooperative
from observatoire.practices.models import Category, Practice, PracticeLink, Tag
from observatoire.practices.tests.factories import make_practice

PASSWORD = "un-mot-de-passe-solide"
LIST_PAGES = 2  # the corpus fills two pages of the list


def make_corpus() -> Practice:
    """Enough practices for facets with counts and a second page; returns the richest one."""
    lyon = make_cooperative(name="Scop Les Ateliers du Rhône")
    rennes = make_cooperative(
        name="Scic Terre de Liens Bretonne",
        departement=Departement.objects.get(code="35"),
        commune="Rennes",
        family=Cooperative.Family.SCIC,
        naf_code="01.11Z",
        website="https://terre-bretonne.exemple.coop",
    )
    featured = make_practice(
        title="Une gouvernance partagée avec des cercles",
        summary="Les associés décident ensemble grâce à des cercles de décision.",
        context="La gérance décidait seule et les associés se sentaient peu écoutés.",
        actions="Nous avons créé trois cercles qui préparent les décisions de l'AG.",
        setup_steps="Former les associés.\n\nÉcrire les mandats des cercles.",
        setup_duration="Six mois",
        setup_cost="Deux jours de formation",
        setup_people="Tous les associés",
        results="Une AG plus courte et mieux préparée.",
        difficulties="Prendre le temps de former chacun.",
        contact_name="Camille Martin",
        contact_role="Gérante",
        contact_email="camille@ateliers-rhone.exemple.coop",
        started_year=2021,
        cooperatives=[lyon, rennes],
        themes=["gouvernance", "prise-de-decision-collective"],
    )
    featured.tags.add(Tag.objects.create(name="sociocratie"))
    PracticeLink.objects.create(
        practice=featured, title="Le guide des cercles", url="https://guide.exemple.coop/cercles"
    )
    categories = list(Category.objects.values_list("slug", flat=True))
    themes = ["parite-egalite", "transition-ecologique", "gouvernance"]
    count = settings.PRACTICES_PER_PAGE * (LIST_PAGES - 1) + 3
    for number in range(count):
        make_practice(
            title=f"Pratique coopérative numéro {number + 1}",
            summary="Ce que notre coopérative a changé dans sa gouvernance et son quotidien.",
            cooperatives=[rennes if number % 3 == 0 else lyon],
            category=categories[number % len(categories)],
            themes=[themes[number % len(themes)]],
        )
    return featured
