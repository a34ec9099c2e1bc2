"""Admin of the community app: every model, searchable, with the hidden state of comments."""

from django.contrib import admin

from observatoire.community.models import (
    Adoption,
    Bookmark,
    Comment,
    CommentReport,
    Follow,
)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "practice", "author", "kind", "created_at", "hidden_at"]
    list_filter = ["kind", ("hidden_at", admin.EmptyFieldListFilter)]
    search_fields = ["body", "practice__title", "author__full_name"]
    raw_id_fields = ["practice", "author", "parent", "hidden_by"]
    date_hierarchy = "created_at"


@admin.register(CommentReport)
class CommentReportAdmin(admin.ModelAdmin):
    list_display = ["comment", "reporter", "reason", "created_at"]
    search_fields = ["reason", "comment__body"]
    raw_id_fields = ["comment", "reporter"]


@admin.register(Adoption)
class AdoptionAdmin(admin.ModelAdmin):
    list_display = ["practice", "cooperative", "declared_by", "created_at"]
    search_fields = ["practice__title", "cooperative__name"]
    raw_id_fields = ["practice", "cooperative", "declared_by"]


@admin.register(Bookmark)
class BookmarkAdmin(admin.ModelAdmin):
    list_display = ["user", "practice", "created_at"]
    raw_id_fields = ["user", "practice"]


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["user", "category", "theme", "cooperative", "practice", "created_at"]
    raw_id_fields = ["user", "category", "theme", "cooperative", "practice"]
