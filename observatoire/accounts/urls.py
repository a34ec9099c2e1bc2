"""URLs of accounts, in French: sign in and out, invitations, « Mon compte », passwords."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from observatoire.accounts import views
from observatoire.accounts.forms import EmailAuthenticationForm, QueuedPasswordResetForm

app_name = "accounts"
urlpatterns = [
    path(
        "connexion/",
        views.AccountLoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=EmailAuthenticationForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("connexion/deverrouiller/<str:token>/", views.unlock, name="unlock"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    # « Demander un accès », and its answer by the Union régionale
    path("acces/demander/", views.access_request, name="access_request"),
    path("acces/demande-envoyee/", views.access_request_done, name="access_request_done"),
    path("acces/demandes/", views.access_request_list, name="access_request_list"),
    path(
        "acces/demandes/<id:pk>/refuser/",
        views.access_request_decline,
        name="access_request_decline",
    ),
    # Invitations
    path("invitations/", views.invitation_list, name="invitation_list"),
    path("invitations/nouvelle/", views.invitation_create, name="invitation_create"),
    path("invitations/<id:pk>/renvoyer/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<id:pk>/annuler/", views.invitation_revoke, name="invitation_revoke"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    # « Mon compte »
    path("compte/", views.profile, name="profile"),
    path("compte/adresse/", views.email_change, name="email_change"),
    path(
        "compte/adresse/verifier/",
        views.email_verification_resend,
        name="email_verification_resend",
    ),
    path("compte/adresse/confirmer/<str:token>/", views.email_confirm, name="email_confirm"),
    path("compte/mes-donnees/", views.my_data, name="my_data"),
    path("compte/mes-donnees/telecharger/", views.my_data_download, name="my_data_download"),
    path("compte/supprimer/", views.account_delete, name="account_delete"),
    # Passwords: Django's views, French templates; the reset email goes through our queue.
    path(
        "mot-de-passe/oublie/",
        auth_views.PasswordResetView.as_view(
            form_class=QueuedPasswordResetForm,
            template_name="accounts/password_reset_form.html",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oublie/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "mot-de-passe/changer/",
        views.PasswordChangeView.as_view(
            template_name="accounts/password_change_form.html",
            success_url=reverse_lazy("accounts:profile"),
        ),
        name="password_change",
    ),
]
