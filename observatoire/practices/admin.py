"""Admin of the Observatory: categories, themes, and practices."""

from django.contrib import admin
from django.utils.translation import gettext as _

from observatoire.lib.cache import forget_practice_content, forget_taxonomy
from observatoire.practices import page_body
from observatoire.practices.models import (
    Attachment,
    Category,
    ModerationEvent,
    Practice,
    PracticeLink,
    PracticeVersion,
    StaffNote,
    Tag,
    Theme,
)
from observatoire.practices.moderation import record_version


def documents_changed(*pks: int | None) -> None:
    for pk in pks:
        if pk:
            page_body.refresh(pk)
    forget_practice_content(*(pk for pk in pks if pk))


class TaxonomyAdmin(admin.ModelAdmin):
    """Lists, counts and practice pages name categories and themes: renew them on a change."""

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        forget_taxonomy()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        forget_taxonomy()

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        forget_taxonomy()


@admin.register(Category)
class CategoryAdmin(TaxonomyAdmin):
    list_display = ["name", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Theme)
class ThemeAdmin(TaxonomyAdmin):
    list_display = ["name", "category", "position"]
    list_filter = ["category"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(TaxonomyAdmin):
    search_fields = ["name"]


class LinkInline(admin.TabularInline):
    model = PracticeLink
    extra = 0


class AttachmentInline(admin.TabularInline):
    """Files arrive only through the practice form, where their content is checked."""

    model = Attachment
    extra = 0
    fields = ["title", "original_name", "content_type", "size", "uploaded_by", "created_at"]
    readonly_fields = ["original_name", "content_type", "size", "uploaded_by", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    """Read-only metadata; the title can be corrected, and deleting removes the stored file."""

    list_display = ["title", "practice", "content_type", "size", "uploaded_by", "created_at"]
    list_filter = ["content_type"]
    search_fields = ["title", "original_name", "practice__title"]
    list_select_related = ["practice", "uploaded_by"]
    fields = [
        "title",
        "practice",
        "file",
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
        "created_at",
    ]
    readonly_fields = [
        "practice",
        "file",
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
        "created_at",
    ]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    # A practice's page lists its documents: a new title or a removed file renders its body
    # again (page_body.py) and renews its cached page.
    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        documents_changed(obj.practice_id)

    def delete_model(self, request, obj) -> None:
        obj.file.delete(save=False)
        super().delete_model(request, obj)
        documents_changed(obj.practice_id)

    def delete_queryset(self, request, queryset) -> None:
        practice_ids = {attachment.practice_id for attachment in queryset}
        for attachment in queryset:
            attachment.file.delete(save=False)
        super().delete_queryset(request, queryset)
        documents_changed(*practice_ids)


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "status", "visibility", "published_at", "deleted_at"]
    list_filter = ["status", "revision_status", "visibility", "category"]
    readonly_fields = ["revision", "review_version", "deleted_at", "deleted_by", "reviewer"]
    search_fields = ["title"]
    autocomplete_fields = ["cooperatives", "tags"]
    filter_horizontal = ["themes"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [LinkInline, AttachmentInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        form.instance.reindex()
        # Edits in the admin are versioned and attributable like any other.
        record_version(
            form.instance,
            by=request.user,
            note=str(_("Modifiée dans l'administration")),
            only_if_changed=True,
        )


# Moderation: versions and the audit log are records, read in the admin, never edited there.


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PracticeVersion)
class PracticeVersionAdmin(ReadOnlyAdmin):
    list_display = ["practice", "number", "state", "author", "created_at", "note"]
    list_filter = ["state"]
    list_select_related = ["practice", "author"]
    search_fields = ["practice__title"]
    raw_id_fields = ["practice", "author"]


@admin.register(ModerationEvent)
class ModerationEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "practice_title", "action", "actor", "message"]
    list_filter = ["action"]
    list_select_related = ["actor"]
    search_fields = ["practice_title", "message"]
    date_hierarchy = "created_at"


@admin.register(StaffNote)
class StaffNoteAdmin(admin.ModelAdmin):
    list_display = ["practice", "author", "created_at"]
    list_select_related = ["practice", "author"]
    raw_id_fields = ["practice", "author"]
    search_fields = ["practice__title", "text"]
