"""URLs of the network, in French."""

from django.urls import path

from observatoire.network import views

app_name = "network"
urlpatterns = [
    path("<slug:slug>/", views.cooperative_detail, name="cooperative_detail"),
]
