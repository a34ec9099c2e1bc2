"""Admin of search: the movement's synonyms, which staff edit; the vocabulary is read-only."""

from django.contrib import admin

from observatoire.lib.cache import forget_listings
from observatoire.search.models import Synonym, Word


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ["term", "expansion"]
    search_fields = ["term", "expansion"]

    # Lists cached for a query must follow a new synonym at once.
    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        forget_listings()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        forget_listings()


@admin.register(Word)
class WordAdmin(admin.ModelAdmin):
    list_display = ["word", "stem"]
    search_fields = ["word"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
