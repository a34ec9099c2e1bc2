"""Admin of the notifications and digest preferences."""

from django.contrib import admin

from observatoire.notifications.models import DigestPreference, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "text", "created_at", "read_at"]
    search_fields = ["text", "recipient__email"]
    raw_id_fields = ["recipient"]


@admin.register(DigestPreference)
class DigestPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "frequency", "last_sent_at"]
    list_filter = ["frequency"]
    raw_id_fields = ["user"]
