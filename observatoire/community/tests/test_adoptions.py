"""« Nous l'avons adoptée »: declared by people of a cooperative, shown on both pages."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from observatoire.accounts.models import Role
from observatoire.accounts.tests.factories import make_user
from observatoire.community.models import Adoption
from observatoire.network.tests.factories import make_cooperative
from observatoire.practices.models import Practice
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db


def adopt_url(practice) -> str:
    return reverse("community:adoption_edit", kwargs={"slug": practice.slug})


def test_a_member_declares_an_adoption_shown_on_the_practice_and_the_cooperative(
    client, client_as, member
):
    practice = make_practice(title="Le tableau des compétences")
    response = client_as(member).post(adopt_url(practice), {"feedback": "Adapté à nos 12 salariés"})
    assert response.status_code == 302
    adoption = Adoption.objects.get()
    assert adoption.cooperative == member.cooperative and adoption.declared_by == member
    client.logout()
    html = client.get(practice.get_absolute_url()).content.decode()
    assert "1 coopérative a adopté cette pratique." in html
    assert escape(member.cooperative.name) in html and "Adapté à nos 12 salariés" in html
    html = client.get(member.cooperative.get_absolute_url()).content.decode()
    assert "Pratiques adoptées" in html and "Le tableau des compétences" in html


def test_one_adoption_per_cooperative_editable_by_a_colleague(client_as, member, coop_admin):
    practice = make_practice()
    client_as(member).post(adopt_url(practice), {"feedback": "Premier retour"})
    client_as(coop_admin).post(adopt_url(practice), {"feedback": "Retour complété"})
    adoption = Adoption.objects.get()
    assert adoption.feedback == "Retour complété" and adoption.declared_by == coop_admin


def test_a_colleague_withdraws_the_adoption(client, client_as, member, coop_admin):
    practice = make_practice()
    client_as(member).post(adopt_url(practice), {"feedback": ""})
    withdraw = reverse("community:adoption_withdraw", kwargs={"slug": practice.slug})
    other = make_user(role=Role.MEMBER, cooperative=make_cooperative())
    client.logout()
    assert client_as(other).post(withdraw).status_code == 404
    assert Adoption.objects.exists()
    client.logout()
    assert client_as(coop_admin).post(withdraw).status_code == 302
    assert not Adoption.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("member", 200), ("coop_admin", 200), ("permanent", 403), ("moderator", 403)],
)
def test_only_people_of_a_cooperative_declare(client_as, request, role, status):
    practice = make_practice()
    assert client_as(request.getfixturevalue(role)).get(adopt_url(practice)).status_code == status


def test_not_on_a_practice_the_person_cannot_see(client_as, member):
    draft = make_practice(status=Practice.Status.DRAFT)
    assert client_as(member).post(adopt_url(draft), {"feedback": "x"}).status_code == 404


def test_members_only_adoptions_are_not_listed_for_visitors(client, member):
    practice = make_practice(title="Secrète", visibility=Practice.Visibility.MEMBERS)
    Adoption.objects.create(practice=practice, cooperative=member.cooperative)
    assert "Secrète" not in client.get(member.cooperative.get_absolute_url()).content.decode()


def test_feedback_is_plain_text(client_as, member):
    practice = make_practice()
    client_as(member).post(adopt_url(practice), {"feedback": "<b>gras</b>"})
    html = client_as(member).get(practice.get_absolute_url()).content.decode()
    assert "<b>gras</b>" not in html and "&lt;b&gt;gras&lt;/b&gt;" in html
