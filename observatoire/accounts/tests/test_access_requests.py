"""« Demander un accès »: a visitor of a cooperative asks for an account; the request goes to
the Union régionale of their cooperative (by SIREN, else by postal code), whose staff answer it
with an invitation, or decline it. The sign-in page and a members-only practice lead there."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from observatoire.accounts.forms import departement_code
from observatoire.accounts.models import AccessRequest, Invitation, Role
from observatoire.accounts.tests.factories import make_user
from observatoire.network.models import Departement, Organisation
from observatoire.network.tests.factories import make_cooperative
from observatoire.practices.models import Practice
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db
URL = "/acces/demander/"


def ask(client, **fields):
    data = {
        "full_name": "Alix Martin",
        "email": "alix@exemple.coop",
        "cooperative_name": "Scop des Essais",
        "siren": "",
        "postal_code": "44000",
        "job": "salariée associée",
        "message": "Bonjour, je voudrais lire les pratiques.",
        "site_web": "",
    }
    data.update(fields)
    return client.post(reverse("accounts:access_request"), data)


def union(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


def test_the_url_is_french():
    assert reverse("accounts:access_request") == URL


def test_a_request_by_postal_code_goes_to_that_union(client, run_tasks):
    pays_de_la_loire = union("ur-pays-de-la-loire")
    staff = make_user(role=Role.PERMANENT, organisation=pays_de_la_loire)
    elsewhere = make_user(role=Role.PERMANENT, organisation=union("ur-bretagne"))
    response = ask(client)
    assert response.status_code == 302
    done = client.get(response["Location"])
    assert escape(pays_de_la_loire.name) in done.content.decode()
    saved = AccessRequest.objects.get()
    assert saved.union == pays_de_la_loire
    assert saved.cooperative is None
    run_tasks()
    assert [message.to for message in mail.outbox] == [[staff.email]]
    assert "Alix Martin" in mail.outbox[0].body
    assert elsewhere.email not in str([message.to for message in mail.outbox])


def test_a_known_siren_routes_by_the_cooperative_not_the_postal_code(client):
    cooperative = make_cooperative(departement=Departement.objects.get(code="35"))
    ask(client, siren=f"{cooperative.siren[:3]} {cooperative.siren[3:6]} {cooperative.siren[6:]}")
    saved = AccessRequest.objects.get()
    assert saved.cooperative == cooperative
    assert saved.union == union("ur-bretagne")  # not the 44 of the postal code


@pytest.mark.parametrize(
    ("postal_code", "departement"),
    [("44000", "44"), ("01000", "01"), ("20000", "2A"), ("20200", "2B"), ("97400", "974")],
)
def test_postal_codes_name_their_departement(postal_code, departement):
    assert departement_code(postal_code) == departement
    assert Departement.objects.filter(code=departement).exists()


@pytest.mark.parametrize(
    ("fields", "field", "error"),
    [
        ({"postal_code": "4400"}, "postal_code", "5 chiffres"),
        ({"postal_code": "４４０００"}, "postal_code", "5 chiffres"),
        ({"postal_code": "99999"}, "postal_code", "pas de département"),
        ({"siren": "123456789"}, "siren", "pas valide"),
        ({"email": "pas-une-adresse"}, "email", "adresse électronique valide"),
        ({"full_name": ""}, "full_name", "obligatoire"),
    ],
)
def test_bad_input_gets_a_french_error_and_keeps_what_was_typed(client, fields, field, error):
    response = ask(client, **fields)
    assert response.status_code == 200
    page = response.content.decode()
    assert error in page
    assert "Scop des Essais" in page and "Bonjour, je voudrais lire les pratiques." in page
    assert AccessRequest.objects.count() == 0


def test_a_robot_filling_the_honeypot_sends_nothing(client):
    response = ask(client, site_web="http://spam.example")
    assert response.status_code == 200
    assert AccessRequest.objects.count() == 0


def test_an_address_with_an_account_gets_the_same_page_and_sends_nothing(client, run_tasks):
    make_user(role=Role.PERMANENT, organisation=union("ur-pays-de-la-loire"))
    make_user(email="alix@exemple.coop")
    response = ask(client, email="Alix@Exemple.coop")
    assert response.status_code == 302
    assert AccessRequest.objects.count() == 0
    run_tasks()
    assert mail.outbox == []


def test_requests_are_limited_per_address_and_per_network_address(client):
    for number in range(5):
        assert ask(client, email=f"a{number}@exemple.coop").status_code == 302
    refused = ask(client, email="a9@exemple.coop")
    assert refused.status_code == 200
    assert "limite" in refused.content.decode()
    assert AccessRequest.objects.count() == 5


def test_the_same_request_twice_waits_once(client):
    ask(client)
    ask(client)
    assert AccessRequest.objects.count() == 1


def test_signed_in_people_are_sent_to_their_account(client, member):
    client.force_login(member)
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")


def test_the_unions_staff_see_their_requests_only(client):
    ask(client)  # Pays de la Loire
    ask(client, email="autre@exemple.coop", postal_code="35000")  # Bretagne
    staff = make_user(role=Role.PERMANENT, organisation=union("ur-pays-de-la-loire"))
    client.force_login(staff)
    page = client.get(reverse("accounts:access_request_list")).content.decode()
    assert "alix@exemple.coop" in page
    assert "autre@exemple.coop" not in page
    other = AccessRequest.objects.get(email="autre@exemple.coop")
    # Neither declined nor answered by an invitation from another union.
    decline = reverse("accounts:access_request_decline", args=[other.pk])
    assert client.post(decline).status_code == 404
    form = client.get(reverse("accounts:invitation_create") + f"?demande={other.pk}")
    assert "autre@exemple.coop" not in form.content.decode()
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:access_request_list") in profile


def test_members_cannot_see_requests(client, member):
    client.force_login(member)
    assert client.get(reverse("accounts:access_request_list")).status_code == 403


def test_accepting_sends_the_invitation_and_closes_the_request(client, run_tasks):
    cooperative = make_cooperative(departement=Departement.objects.get(code="44"))
    ask(client, siren=cooperative.siren)
    waiting = AccessRequest.objects.get()
    staff = make_user(role=Role.PERMANENT, organisation=cooperative.union)
    client.force_login(staff)
    url = reverse("accounts:invitation_create") + f"?demande={waiting.pk}"
    form = client.get(url).content.decode()
    assert 'value="alix@exemple.coop"' in form
    assert 'value="Alix Martin"' in form
    assert f'<option value="{cooperative.pk}" selected>' in form
    response = client.post(
        url,
        {
            "email": "alix@exemple.coop",
            "full_name": "Alix Martin",
            "role": Role.MEMBER,
            "cooperative": cooperative.pk,
            "demande": waiting.pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:access_request_list")
    assert AccessRequest.objects.count() == 0
    invitation = Invitation.objects.get()
    assert invitation.email == "alix@exemple.coop" and invitation.cooperative == cooperative
    mail.outbox.clear()
    run_tasks()
    assert [message.to for message in mail.outbox] == [["alix@exemple.coop"]]
    assert re.search(r"/invitation/\S+/", mail.outbox[0].body)


def test_declining_tells_the_person_without_their_text(client, run_tasks):
    ask(client, full_name="<Spam> achetez", message="http://spam.example achetez")
    waiting = AccessRequest.objects.get()
    staff = make_user(role=Role.MODERATOR, organisation=waiting.union)
    client.force_login(staff)
    mail.outbox.clear()
    response = client.post(reverse("accounts:access_request_decline", args=[waiting.pk]))
    assert response.status_code == 302
    assert AccessRequest.objects.count() == 0
    run_tasks()
    [message] = [message for message in mail.outbox if message.to == ["alix@exemple.coop"]]
    assert "spam" not in message.body.lower() and "achetez" not in message.body
    assert waiting.union.name in message.body  # who to turn to


def test_unanswered_requests_are_forgotten_after_90_days(client):
    ask(client)
    ask(client, email="recente@exemple.coop")
    AccessRequest.objects.filter(email="alix@exemple.coop").update(
        created_at=timezone.now() - timedelta(days=91)
    )
    call_command("purgelimits", verbosity=0)
    assert list(AccessRequest.objects.values_list("email", flat=True)) == ["recente@exemple.coop"]


def test_the_sign_in_page_explains_where_accounts_come_from(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert "Union régionale" in page
    assert URL in page


def test_submitting_while_signed_out_leads_to_that_explanation(client):
    response = client.get(reverse("practices:submit"), follow=True)
    page = response.content.decode()
    assert "proposer une pratique" in page
    assert URL in page


def test_a_members_only_practice_invites_a_visitor_to_sign_in_and_back(client, member):
    practice = make_practice(
        title="Un titre très confidentiel", visibility=Practice.Visibility.MEMBERS
    )
    url = practice.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 403
    page = response.content.decode()
    assert "Un titre très confidentiel" not in page
    assert "réservée aux membres" in page
    sign_in = reverse("accounts:login") + "?next=" + url
    assert sign_in in page
    assert URL in page
    signed_in = client.post(
        reverse("accounts:login"),
        {"username": member.email, "password": "un-mot-de-passe-solide", "next": url},
    )
    assert signed_in["Location"] == url
    assert "Un titre très confidentiel" in client.get(url).content.decode()


def test_a_missing_or_draft_practice_is_still_a_404(client):
    draft = make_practice(title="Un brouillon caché", status=Practice.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/pratiques/aucune-pratique-de-ce-nom/").status_code == 404
