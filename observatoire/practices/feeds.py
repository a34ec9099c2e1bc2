"""Atom feeds of the latest public practices, for feed readers and partner sites: all of them,
and those of one category or one theme (linked from their pages)."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from observatoire.practices.models import Category, Practice, Theme

FEED_SIZE = 30


class PracticesFeed(Feed):
    """What every feed of practices shares: its entries, the latest public ones."""

    feed_type = Atom1Feed

    @staticmethod
    def latest(practices):
        # Public only: a feed is read without signing in.
        return (
            practices.published()
            .filter(visibility=Practice.Visibility.PUBLIC)
            .select_related("category")
            .order_by("-published_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item: Practice) -> str:
        return item.title

    def item_description(self, item: Practice) -> str:
        # Atom summaries are typed "html" by Django: readers render them as HTML, so the plain
        # text is escaped once more and shows as typed (never as markup).
        return escape(item.summary)

    def item_pubdate(self, item: Practice):
        return item.published_at

    def item_updateddate(self, item: Practice):
        return item.updated_at

    def item_categories(self, item: Practice) -> list[str]:
        return [item.category.name] if item.category else []


class LatestPracticesFeed(PracticesFeed):
    title = _("Observatoire des pratiques coopératives : dernières pratiques")
    link = reverse_lazy("practices:list")
    subtitle = _("Les pratiques publiées récemment par les coopératives du Mouvement.")

    def items(self):
        return self.latest(Practice.objects.all())


class CategoryFeed(PracticesFeed):
    def get_object(self, request, slug: str) -> Category:
        return get_object_or_404(Category, slug=slug)

    def title(self, obj: Category) -> str:
        return _("Observatoire des pratiques coopératives : %(name)s") % {"name": obj.name}

    def link(self, obj: Category) -> str:
        return obj.get_absolute_url()

    def subtitle(self, obj: Category) -> str:
        return _("Les dernières pratiques publiées dans la catégorie « %(name)s ».") % {
            "name": obj.name
        }

    def items(self, obj: Category):
        return self.latest(Practice.objects.filter(category=obj))


class ThemeFeed(PracticesFeed):
    def get_object(self, request, slug: str) -> Theme:
        return get_object_or_404(Theme, slug=slug)

    def title(self, obj: Theme) -> str:
        return _("Observatoire des pratiques coopératives : %(name)s") % {"name": obj.name}

    def link(self, obj: Theme) -> str:
        return obj.get_absolute_url()

    def subtitle(self, obj: Theme) -> str:
        return _("Les dernières pratiques publiées sur le thème « %(name)s ».") % {"name": obj.name}

    def items(self, obj: Theme):
        return self.latest(Practice.objects.filter(themes=obj))
