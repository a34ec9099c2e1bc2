"""URLs of the directory, in French (under /annuaire/)."""

from django.urls import path

from observatoire.directory import views

app_name = "directory"
urlpatterns = [
    path("<slug:slug>/", views.cooperative_detail, name="cooperative_detail"),
]
