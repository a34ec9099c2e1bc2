"""A draft is its author's alone until first submitted (issue 8, point 2), and the moderation
journal names only what the moderator may see (point 4)."""

import pytest
from django.urls import reverse

from observatoire.accounts.models import Role
from observatoire.accounts.tests.factories import make_user
from observatoire.network.tests.factories import make_cooperative, union
from observatoire.practices.models import Practice, StaffNote
from observatoire.practices.tests.factories import draft_saved_twice, make_practice

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(member, cooperative):
    practice = draft_saved_twice(
        member,
        cooperative,
        title="Brouillon très personnel",
        first="Premier jet",
        second="Deuxième jet",
    )
    assert practice.versions.count() == 2
    return practice


def staff_of(cooperative):
    return [
        make_user(role=Role.MODERATOR, organisation=cooperative.union),
        make_user(role=Role.PERMANENT, organisation=cooperative.union),
        make_user(role=Role.MODERATOR, organisation=union("cg-scop")),
        make_user(role=Role.ADMINISTRATOR),
    ]


def test_staff_can_neither_read_nor_touch_a_draft(client_as, draft, cooperative):
    slug, pk = draft.slug, draft.pk
    for person in staff_of(cooperative):
        client = client_as(person)
        reads = [
            reverse("moderation:review", args=[pk]),
            reverse("practices:history", args=[slug]),
            reverse("practices:diff", args=[slug]) + "?a=1",
            reverse("practices:diff", args=[slug]) + "?a=2&de=1",
        ]
        for url in reads:
            response = client.get(url)
            assert response.status_code == 404, (person.role, url)
            assert "Brouillon très personnel" not in response.content.decode()
        writes = [
            (reverse("moderation:note", args=[pk]), {"text": "Note sur un brouillon"}),
            (reverse("moderation:restore", args=[pk, 1]), {}),
            (reverse("moderation:delete", args=[pk]), {"reason": "ménage"}),
            (reverse("moderation:take", args=[pk]), {"version": draft.review_version}),
        ]
        for url, data in writes:
            assert client.post(url, data).status_code == 404, (person.role, url)
        journal = client.get(reverse("moderation:journal"), {"pratique": pk}).content.decode()
        assert "Brouillon très personnel" not in journal
    draft.refresh_from_db()
    assert draft.deleted_at is None
    assert draft.summary == "Deuxième jet"
    assert not StaffNote.objects.filter(practice=draft).exists()


def test_a_draft_its_author_threw_away_is_not_in_the_moderators_trash(
    client_as, member, draft, cooperative
):
    author = client_as(member)
    assert author.post(reverse("practices:delete_draft", args=[draft.slug])).status_code == 302
    author.get(reverse("practices:my_contributions"))  # the author reads their notice
    for person in staff_of(cooperative):
        trash = client_as(person).get(reverse("moderation:trash")).content.decode()
        assert "Brouillon très personnel" not in trash
        undelete = reverse("moderation:undelete", args=[draft.pk])
        assert client_as(person).post(undelete).status_code == 404


def test_the_author_still_reads_their_drafts_history(client_as, member, draft):
    client = client_as(member)
    assert client.get(reverse("practices:history", args=[draft.slug])).status_code == 200
    assert client.get(reverse("practices:diff", args=[draft.slug]) + "?a=2").status_code == 200


def test_once_submitted_the_moderators_see_it(client_as, member, draft, cooperative):
    draft.submit(by=member)
    moderator = make_user(role=Role.MODERATOR, organisation=cooperative.union)
    client = client_as(moderator)
    response = client.get(reverse("moderation:review", args=[draft.pk]))
    assert response.status_code == 200
    assert "Brouillon très personnel" in response.content.decode()
    assert client.get(reverse("practices:history", args=[draft.slug])).status_code == 200


def test_journal_names_only_practices_and_people_in_scope(client_as, member, cooperative):
    elsewhere = make_cooperative(departement=None, union=union("ur-bretagne"))
    breton_author = make_user(role=Role.MEMBER, cooperative=elsewhere, full_name="Nolwenn Inconnue")
    sent = []
    for author, where, title in (
        (breton_author, elsewhere, "Titre hors périmètre"),
        (member, cooperative, "Titre du périmètre"),
    ):
        practice = make_practice(
            title=title, status=Practice.Status.DRAFT, author=author, cooperatives=[where]
        )
        practice.submit(by=author)
        sent.append(practice)
    theirs, ours = sent
    client = client_as(make_user(role=Role.MODERATOR, organisation=cooperative.union))
    journal = reverse("moderation:journal")
    outside = client.get(journal, {"pratique": theirs.pk}).content.decode()
    assert "Titre hors périmètre" not in outside
    assert "Filtré" in outside  # the filter shows, nameless
    assert "Nolwenn Inconnue" not in client.get(journal, {"par": breton_author.pk}).content.decode()
    stranger = make_user(full_name="Personne Sans Action")
    assert "Personne Sans Action" not in client.get(journal, {"par": stranger.pk}).content.decode()
    # In scope, both are named: the test can fail.
    assert "Titre du périmètre" in client.get(journal, {"pratique": ours.pk}).content.decode()
    assert member.full_name in client.get(journal, {"par": member.pk}).content.decode()
