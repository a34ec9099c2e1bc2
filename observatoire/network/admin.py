"""Admin for the network: staff edit organisations, territories and cooperatives here."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from observatoire.network import sirene, sirene_file
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
    # A link to the SIRENE import above the list.
    change_list_template = "admin/network/cooperative/change_list.html"

    def get_urls(self):
        return [
            path(
                "import-sirene/",
                self.admin_site.admin_view(self.import_sirene_view),
                name="network_cooperative_import_sirene",
            ),
            *super().get_urls(),
        ]

    def import_sirene_view(self, request):
        """Upload an extract of the SIRENE register (network/sirene.py), see the report."""
        if not request.user.has_perm("network.add_cooperative"):
            raise PermissionDenied
        report = None
        if request.method == "POST":
            form = SireneImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                if upload.size > sirene_file.MAX_BYTES:
                    form.add_error(
                        "file",
                        _("Le fichier est trop gros (%(max)s Mo au plus).")
                        % {"max": sirene_file.MAX_BYTES // 2**20},
                    )
                else:
                    report = sirene.import_cooperatives(
                        upload.read(),
                        dry_run=form.cleaned_data["dry_run"],
                        overwrite=form.cleaned_data["overwrite"],
                        family=form.cleaned_data["family"],
                    )
        else:
            form = SireneImportForm(initial={"dry_run": True})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Importer un extrait du registre SIRENE"),
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "admin/network/cooperative/import_sirene.html", context)


class SireneImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV"),
        help_text=_(
            "Un extrait du registre SIRENE tel que l'INSEE le publie (StockEtablissement ou "
            "export de sirene.fr), séparé par des virgules ou des points-virgules, en UTF-8 "
            "ou en Latin-1."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Essai à blanc"),
        required=False,
        help_text=_("Vérifier le fichier et compter ce qui changerait, sans rien écrire."),
    )
    overwrite = forms.BooleanField(
        label=_("Écraser les champs modifiés à la main"),
        required=False,
        help_text=_("Sinon, ce qu'une personne a modifié sur la fiche est gardé."),
    )
    family = forms.ChoiceField(
        label=_("Famille des nouvelles coopératives"),
        choices=[("", _("— celle du fichier —")), *Cooperative.Family.choices],
        required=False,
        help_text=_(
            "Pour les coopératives dont ni la colonne « famille » du fichier ni la catégorie "
            "juridique ne disent la famille (l'INSEE ne distingue ni les Scic ni les CAE)."
        ),
    )
