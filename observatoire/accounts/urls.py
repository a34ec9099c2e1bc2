"""URLs of accounts: sign in and sign out."""

from django.contrib.auth import views as auth_views
from django.urls import path

from observatoire.accounts.forms import EmailAuthenticationForm

app_name = "accounts"
urlpatterns = [
    path(
        "connexion/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=EmailAuthenticationForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
]
