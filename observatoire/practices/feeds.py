"""Atom feed of the latest public practices, for feed readers and partner sites."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from observatoire.practices.models import Practice

FEED_SIZE = 30


class LatestPracticesFeed(Feed):
    feed_type = Atom1Feed
    title = _("Observatoire des pratiques coopératives : dernières pratiques")
    link = reverse_lazy("practices:list")
    subtitle = _("Les pratiques publiées récemment par les coopératives du Mouvement.")

    def items(self):
        # Public only: a feed is read without signing in.
        return (
            Practice.objects.published()
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
