"""URLs of the directory, in French (under /annuaire/)."""

from django.urls import path

from observatoire.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.cooperative_list, name="cooperative_list"),
    # Before « <slug>/ »: no cooperative may be called « carte ».
    path("carte/", views.cooperative_map, name="cooperative_map"),
    path("doublons/", views.duplicate_list, name="duplicate_list"),
    path("doublons/fusion/", views.duplicate_merge, name="duplicate_merge"),
    path("carte/points.geojson", views.cooperative_points, name="cooperative_points"),
    # Open data: the list at this address, every page of it.
    path("export.csv", views.cooperative_export, {"kind": "csv"}, name="export_csv"),
    path("export.geojson", views.cooperative_export, {"kind": "geojson"}, name="export_geojson"),
    path("<slug:slug>/", views.cooperative_detail, name="cooperative_detail"),
    path("<slug:slug>/modifier/", views.cooperative_edit, name="cooperative_edit"),
    path("<slug:slug>/historique/", views.cooperative_history, name="cooperative_history"),
    path("<slug:slug>/logo/", views.cooperative_logo, name="cooperative_logo"),
]
