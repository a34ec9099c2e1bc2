"""Every page of accounts is valid HTML (html-validate, as pages/tests/test_html_valid.py)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from observatoire.accounts.models import Invitation, Role
from observatoire.accounts.tests.factories import make_user
from observatoire.pages.tests.test_html_valid import assert_valid
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db
PASSWORD = "un-mot-de-passe-solide"


def test_accounts_pages_are_valid_html(client, client_as, coop_admin, administrator):
    pages = {}
    pages["mot de passe oublié"] = client.get(reverse("accounts:password_reset"))
    pages["mot de passe oublié en erreur"] = client.post(
        reverse("accounts:password_reset"), {"email": "nope"}
    )
    pages["lien envoyé"] = client.get(reverse("accounts:password_reset_done"))
    pages["lien cassé"] = client.get(
        reverse("accounts:password_reset_confirm", args=["MQ", "x-y"]), follow=True
    )
    pages["mot de passe changé"] = client.get(reverse("accounts:password_reset_complete"))
    pages["lien de vérification incorrect"] = client.get(
        reverse("accounts:email_confirm", args=["abc"])
    )

    invitation = Invitation(email="nouvelle@exemple.coop", role=Role.MEMBER, invited_by=coop_admin)
    invitation.cooperative = coop_admin.cooperative
    token = invitation.new_token()
    invitation.save()
    accept = reverse("accounts:invitation_accept", args=[token])
    pages["invitation"] = client.get(accept)
    pages["invitation en erreur"] = client.post(
        accept, {"full_name": "", "password1": "a", "password2": "b"}
    )
    pages["invitation inconnue"] = client.get(reverse("accounts:invitation_accept", args=["x"]))

    user = make_user(role=Role.MEMBER, cooperative=coop_admin.cooperative)
    for _ in range(5):
        locked = client.post(
            reverse("accounts:login"), {"username": user.email, "password": "faux"}
        )
    assert locked.status_code == 429
    pages["connexion bloquée"] = locked

    client = client_as(coop_admin)
    draft = make_practice(title="Mon brouillon", cooperatives=[coop_admin.cooperative])
    draft.author = coop_admin
    draft.save()
    pages["mon compte"] = client.get(reverse("accounts:profile"))
    pages["mon compte en erreur"] = client.post(
        reverse("accounts:profile"), {"full_name": "", "language": "xx"}
    )
    pages["changer d'adresse en erreur"] = client.post(
        reverse("accounts:email_change"), {"email": "nope", "password": ""}
    )
    pages["changer de mot de passe"] = client.get(reverse("accounts:password_change"))
    pages["inviter"] = client.get(reverse("accounts:invitation_create"))
    pages["invitations envoyées"] = client.get(reverse("accounts:invitation_list"))
    pages["mes données"] = client.get(reverse("accounts:my_data"))
    pages["supprimer mon compte en erreur"] = client.post(
        reverse("accounts:account_delete"), {"password": "faux"}
    )

    client = client_as(administrator)
    pages["inviter (administration)"] = client.get(reverse("accounts:invitation_create"))
    pages["inviter en erreur"] = client.post(
        reverse("accounts:invitation_create"), {"email": "x", "role": "member"}
    )
    administrator.set_unusable_password()
    administrator.email_verified_at = timezone.now()
    administrator.save()
    client.force_login(administrator)
    pages["supprimer un compte de l'extranet"] = client.get(reverse("accounts:account_delete"))

    statuses = {name: response.status_code for name, response in pages.items()}
    assert statuses["invitation inconnue"] == 404
    assert all(status in (200, 404, 429) for status in statuses.values()), statuses
    assert_valid(pages)
