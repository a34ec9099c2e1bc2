"""URLs of the test provider: django-oauth-toolkit under /o/ and a sign-in page."""

from django.contrib.auth.views import LoginView
from django.urls import include, path

urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("connexion/", LoginView.as_view(template_name="provider_login.html"), name="login"),
]
