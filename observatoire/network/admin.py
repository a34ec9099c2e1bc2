"""Admin for the network: staff edit organisations, territories and cooperatives here."""

from django.contrib import admin

from observatoire.network.models import Cooperative, Departement, Organisation, Region, Sector


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind"]
    list_filter = ["kind"]
    prepopulated_fields = {"slug": ["short_name"]}


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "union"]
    list_filter = ["union", "region"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "first_division", "last_division"]


@admin.register(Cooperative)
class CooperativeAdmin(admin.ModelAdmin):
    list_display = ["name", "family", "company_form", "siren", "union", "commune"]
    list_filter = ["family", "union", "federation", "headcount", "location_precision"]
    search_fields = ["name", "siren", "commune", "commune_code"]
    # Placed from the commune (Cooperative.locate) or by hand on the map (place_exactly).
    readonly_fields = ["latitude", "longitude", "location_precision"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["union"]
