"""Admin for people."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from observatoire.accounts.models import Invitation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "cooperative", "organisation", "is_active"]
    readonly_fields = ["email_verified_at", "date_joined", "last_login"]
    list_filter = ["role", "is_active", "organisation"]
    search_fields = ["email", "full_name"]
    autocomplete_fields = ["cooperative"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("full_name", "language")}),
        (_("Rôle"), {"fields": ("role", "cooperative", "organisation")}),
        (_("Accès"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("date_joined", "last_login", "email_verified_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "full_name",
                    "role",
                    "cooperative",
                    "organisation",
                    "password1",
                    "password2",
                ),
            },
        ),
    )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are sent from « Inviter une personne » (which emails the link); here staff
    look them up and can annul one. The token is only stored hashed: it cannot be shown."""

    list_display = [
        "email",
        "full_name",
        "role",
        "cooperative",
        "organisation",
        "invited_by",
        "sent_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role", "organisation"]
    search_fields = ["email", "full_name"]
    list_select_related = ["cooperative", "organisation", "invited_by"]
    autocomplete_fields = ["cooperative", "invited_by"]
    readonly_fields = ["created_at", "sent_at", "expires_at", "accepted_at", "account"]
    date_hierarchy = "sent_at"

    def has_add_permission(self, request) -> bool:
        return False
