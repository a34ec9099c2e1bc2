"""URLs of the static pages."""

from django.urls import path

from observatoire.pages import views

app_name = "pages"
urlpatterns = [
    path("", views.home, name="home"),
    path("a-propos/", views.about, name="about"),
    path("langue/<str:code>/", views.choose_language, name="language"),
]
