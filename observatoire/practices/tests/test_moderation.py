"""Moderation: queues per Union régionale, fédération and nation, decisions with their emails,
revisions of published practices, versions, soft deletion and the audit log."""

import re
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from observatoire.accounts.models import Role
from observatoire.accounts.tests.factories import make_user
from observatoire.network.tests.factories import make_cooperative, union
from observatoire.practices import moderation
from observatoire.practices.models import ModerationEvent, Practice, PracticeVersion
from observatoire.practices.signals import practice_published
from observatoire.practices.tests.factories import make_practice
from observatoire.practices.workflow import Conflict

pytestmark = pytest.mark.django_db
QUEUE = reverse("moderation:queue")
# The cache lives in the database: a miss or a cull may add a query or two to a page, while
# one query per row would add six or more in the query-count tests below.
CACHE_SLACK = 2


def submitted(author, *, cooperatives, status=Practice.Status.SUBMITTED, **fields):
    practice = make_practice(
        status=status,
        author=author,
        cooperatives=cooperatives,
        submitted_at=timezone.now(),
        **fields,
    )
    moderation.record_version(practice, by=author, note="Soumise")
    return practice


def in_review(practice, moderator):
    practice.take(by=moderator, expected=practice.review_version)
    practice.refresh_from_db()
    return practice


def decide(client, practice, decision, message="", version=None):
    version = practice.review_version if version is None else version
    return client.post(
        reverse("moderation:decide", args=[practice.pk]),
        {
            f"{decision}-decision": decision,
            f"{decision}-version": version,
            f"{decision}-message": message,
        },
    )


@pytest.fixture
def submission(member, cooperative):
    return submitted(member, cooperatives=[cooperative], title="Un conseil des jeunes")


def link_in(body: str) -> str:
    match = re.search(r"https?://\S+", body)
    assert match, body
    return match.group(0)


# Routing and permissions.


def test_each_queue_holds_what_it_routes(member, moderator, cooperative):
    federation = union("federation-btp")
    builder = make_cooperative(federation=federation, departement=None)
    other_ur = make_cooperative(union=union("ur-bretagne"))
    ours = submitted(member, cooperatives=[cooperative], title="Chez nous")
    built = submitted(member, cooperatives=[builder], title="Dans le bâtiment")
    breton = submitted(member, cooperatives=[other_ur], title="En Bretagne")
    orphan = make_practice(status=Practice.Status.SUBMITTED, title="Sans coopérative")
    orphan.cooperatives.clear()
    make_practice(status=Practice.Status.DRAFT, cooperatives=[cooperative], title="Brouillon")

    def titles(user):
        return {p.title for p in moderation.awaiting_for(user)}

    assert titles(moderator) == {"Chez nous", "Dans le bâtiment"}  # both in Rhône
    assert titles(make_user(role=Role.PERMANENT, organisation=federation)) == {"Dans le bâtiment"}
    assert titles(make_user(role=Role.MODERATOR, organisation=union("ur-bretagne"))) == {
        "En Bretagne"
    }
    national = make_user(role=Role.MODERATOR, organisation=union("cg-scop"))
    assert titles(national) == {p.title for p in [ours, built, breton, orphan]}
    assert titles(make_user(role=Role.ADMINISTRATOR)) == titles(national)


@pytest.mark.parametrize(
    "role, allowed",
    [
        ("visitor", False),
        ("member", False),
        ("coop_admin", False),
        ("permanent", True),
        ("moderator", True),
        ("administrator", True),
    ],
)
def test_moderation_pages_per_role(client_as, request, submission, role, allowed):
    client = client_as(request.getfixturevalue(role))
    pages = [
        QUEUE,
        reverse("moderation:review", args=[submission.pk]),
        reverse("moderation:journal"),
        reverse("moderation:trash"),
    ]
    login = reverse("accounts:login")
    for url in pages:
        response = client.get(url)
        if role == "visitor":
            assert response.status_code == 302 and login in response["Location"], url
        else:
            assert response.status_code == (200 if allowed else 403), url
    if not allowed and role != "visitor":
        assert "Accès refusé" in client.get(QUEUE).content.decode()
    posts = [
        reverse("moderation:take", args=[submission.pk]),
        reverse("moderation:note", args=[submission.pk]),
        reverse("moderation:restore", args=[submission.pk, 1]),
        reverse("moderation:delete", args=[submission.pk]),
    ]
    for url in posts:
        response = client.post(url, {"version": submission.review_version, "text": "x"})
        assert response.status_code == (302 if allowed or role == "visitor" else 403), url
        if role == "visitor":
            assert login in response["Location"]
    submission.refresh_from_db()
    if not allowed:
        assert submission.status == Practice.Status.SUBMITTED and submission.deleted_at is None
        assert not ModerationEvent.objects.exclude(action="submitted").exists()


def test_a_moderator_of_another_union_cannot_touch_a_submission(client_as, submission):
    breton = make_user(role=Role.MODERATOR, organisation=union("ur-bretagne"))
    client = client_as(breton)
    assert submission.title not in client.get(QUEUE).content.decode()
    for name in ["review"]:
        assert client.get(reverse(f"moderation:{name}", args=[submission.pk])).status_code == 404
    for name in ["take", "release", "decide", "note", "delete"]:
        url = reverse(f"moderation:{name}", args=[submission.pk])
        assert client.post(url, {"version": 1}).status_code == 404
    assert decide(client, submission, "publier").status_code == 404
    submission.refresh_from_db()
    assert submission.status == Practice.Status.SUBMITTED
    assert client.get(reverse("practices:history", args=[submission.slug])).status_code == 404


def test_the_header_links_to_the_queue_only_for_moderators(client_as, member, moderator):
    assert QUEUE not in client_as(member).get("/pratiques/").content.decode()
    assert QUEUE in client_as(moderator).get("/pratiques/").content.decode()


# Decisions and their emails.


def test_take_then_publish_notifies_author_and_cooperative_admins(
    client_as, moderator, member, coop_admin, submission, run_tasks
):
    received = []
    practice_published.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="t")
    try:
        client = client_as(moderator)
        html = client.get(QUEUE).content.decode()
        assert "Un conseil des jeunes" in html and "Prendre en charge" in html
        client.post(
            reverse("moderation:take", args=[submission.pk]),
            {"version": submission.review_version},
        )
        submission.refresh_from_db()
        assert submission.status == Practice.Status.IN_REVIEW and submission.reviewer == moderator
        response = decide(client, submission, "publier", "Bravo, très clair.")
        assert response.status_code == 302
    finally:
        practice_published.disconnect(dispatch_uid="t")
    submission.refresh_from_db()
    assert submission.status == Practice.Status.PUBLISHED and submission.published_at
    assert [kw["first"] for kw in received] == [True]
    assert list(
        ModerationEvent.objects.filter(practice=submission).values_list("action", flat=True)
    ) == ["published", "taken"]
    run_tasks()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([member.email, coop_admin.email])
    email = next(m for m in mail.outbox if m.to == [member.email])
    assert "Pratique publiée" in email.subject and "Bravo, très clair." in email.body
    path = link_in(email.body).split("://", 1)[1].split("/", 1)[1]
    page = client_as(None).get("/" + path)
    assert page.status_code == 200 and "Un conseil des jeunes" in page.content.decode()
    # Search finds it.
    found = client_as(None).get("/pratiques/?q=jeunes").content.decode()
    assert "Un conseil des" in re.sub(r"</?mark>", "", found)


def test_request_changes_needs_a_message_then_the_author_resubmits(
    client_as, moderator, member, submission, run_tasks, client
):
    in_review(submission, moderator)
    mod = client_as(moderator)
    response = decide(mod, submission, "modifier", "")
    assert response.status_code == 400
    assert "Expliquez à l" in unescape(response.content.decode())
    assert not mail.outbox
    decide(mod, submission, "modifier", "Ajoutez les résultats <b>chiffrés</b>.")
    submission.refresh_from_db()
    assert submission.status == Practice.Status.CHANGES_REQUESTED
    run_tasks()
    email = next(m for m in mail.outbox if m.to == [member.email])
    assert "Ajoutez les résultats <b>chiffrés</b>." in email.body  # plain text, not escaped
    edit_path = "/" + link_in(email.body).split("://", 1)[1].split("/", 1)[1]
    assert edit_path == reverse("practices:edit", args=[submission.slug])
    client.logout()
    author = client_as(member)
    edit = author.get(edit_path)
    raw = edit.content.decode()
    assert edit.status_code == 200 and "&lt;b&gt;chiffrés&lt;/b&gt;" in raw
    assert "<b>chiffrés</b>" not in raw
    listing = unescape(author.get(reverse("practices:my_contributions")).content.decode())
    assert "Message de la modération" in listing and "chiffrés" in listing
    author.post(
        reverse("practices:edit", args=[submission.slug]),
        {
            "title": submission.title,
            "summary": "Résumé.",
            "category": submission.category_id,
            "actions": "Nous avons compté : 12 jeunes.",
            "visibility": "public",
            "action": "soumettre",
        },
    )
    submission.refresh_from_db()
    # Back to whoever asked for the changes (test_resubmission.py).
    assert submission.status == Practice.Status.IN_REVIEW and submission.reviewer == moderator
    assert submission in moderation.awaiting_for(moderator)


def test_decline_needs_a_reason_and_is_final(client_as, moderator, member, submission, run_tasks):
    in_review(submission, moderator)
    response = decide(client_as(moderator), submission, "refuser", "  ")
    assert response.status_code == 400 and "motif du refus" in response.content.decode()
    decide(client_as(moderator), submission, "refuser", "Hors du champ de l'Observatoire.")
    submission.refresh_from_db()
    assert submission.status == Practice.Status.DECLINED
    event = ModerationEvent.objects.get(action="declined")
    assert event.message == "Hors du champ de l'Observatoire." and event.actor == moderator
    run_tasks()
    email = next(m for m in mail.outbox if m.to == [member.email])
    assert "Hors du champ de l'Observatoire." in email.body and "non retenue" in email.subject
    assert client_as(member).get(link_in(email.body).split("8000", 1)[-1]).status_code == 200
    assert client_as(None).get(submission.get_absolute_url()).status_code == 404


def test_deciding_before_taking_is_refused(client_as, moderator, submission):
    response = decide(client_as(moderator), submission, "publier")
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Practice.Status.SUBMITTED


# Concurrency: one decision wins.


def test_two_moderators_deciding_at_once_make_one_decision(
    client_as, moderator, permanent, submission, run_tasks, client
):
    from django.test import Client

    in_review(submission, moderator)
    first = client_as(moderator)
    second = Client()
    second.force_login(permanent)
    review = reverse("moderation:review", args=[submission.pk])
    seen = [
        re.search(r'name="publier-version" value="(\d+)"', c.get(review).content.decode())
        for c in (first, second)
    ]
    versions = [int(match.group(1)) for match in seen if match]
    assert len(versions) == 2 and versions[0] == versions[1]
    assert decide(first, submission, "publier", version=versions[0]).status_code == 302
    response = decide(second, submission, "refuser", "Trop court.", version=versions[1])
    assert response.status_code == 302
    page = unescape(second.get(response["Location"]).content.decode())
    assert "Une autre personne vient de décider" in page
    submission.refresh_from_db()
    assert submission.status == Practice.Status.PUBLISHED
    assert ModerationEvent.objects.filter(action__in=["published", "declined"]).count() == 1
    run_tasks()
    assert all("Pratique publiée" in m.subject for m in mail.outbox) and mail.outbox


def test_a_stale_version_is_a_conflict_even_for_the_same_decision(moderator, submission):
    in_review(submission, moderator)
    stale = submission.review_version
    submission.request_changes(by=moderator, expected=stale, message="Précisez.")
    with pytest.raises(Conflict):
        submission.request_changes(by=moderator, expected=stale, message="Précisez.")
    with pytest.raises(Conflict):
        submission.take(by=moderator, expected=stale)
    assert ModerationEvent.objects.filter(action="changes_requested").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_decisions_in_threads(reference_data):
    """Two threads decide on the same submission at the same time: exactly one wins."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race is simulated by the test above")
    cooperative = make_cooperative()
    author = make_user(role=Role.MEMBER, cooperative=cooperative)
    moderators = [make_user(role=Role.MODERATOR, organisation=cooperative.union) for _ in "ab"]
    practice = submitted(author, cooperatives=[cooperative])
    in_review(practice, moderators[0])
    version = practice.review_version
    barrier = threading.Barrier(2)
    outcomes = []

    def publish(mine, who, expected, message):
        mine.publish(by=who, expected=expected, message=message)

    def decline(mine, who, expected, reason):
        mine.decline(by=who, expected=expected, reason=reason)

    def run(step, who, message):
        try:
            mine = Practice.objects.get(pk=practice.pk)
            barrier.wait()
            step(mine, who, version, message)
            outcomes.append("won")
        except Conflict:
            outcomes.append("lost")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(publish, moderators[0], "")),
        threading.Thread(target=run, args=(decline, moderators[1], "Non.")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["lost", "won"]
    assert ModerationEvent.objects.filter(action__in=["published", "declined"]).count() == 1
    from django_tasks_db.models import DBTaskResult

    recipients = DBTaskResult.objects.count()
    assert recipients == 1  # the author alone (no cooperative admin): one decision, one email


# Revisions of published practices.


def revise(client, practice, **changes):
    data = {
        "title": practice.title,
        "summary": practice.summary,
        "category": practice.category_id,
        "actions": "Ce qui a été fait, version deux.",
        "visibility": "public",
        "action": "soumettre",
    }
    data.update(changes)
    return client.post(reverse("practices:edit", args=[practice.slug]), data)


def test_a_published_practice_edited_by_its_author_stays_online_until_published(
    client_as, member, moderator, cooperative, run_tasks, client
):
    live = make_practice(
        author=member,
        cooperatives=[cooperative],
        title="Le conseil des sages",
        actions="Première version du texte.",
    )
    author = client_as(member)
    assert author.get(reverse("practices:edit", args=[live.slug])).status_code == 200
    response = revise(author, live, actions="Texte révisé par l'autrice.")
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.status == Practice.Status.PUBLISHED and live.revision_status == "submitted"
    assert live.actions == "Première version du texte."
    listing = author.get(reverse("practices:my_contributions")).content.decode()
    assert "Modification : soumise" in listing
    # Editing again is refused while it waits.
    assert author.get(reverse("practices:edit", args=[live.slug])).status_code == 404
    client.logout()
    page = client_as(None).get(live.get_absolute_url()).content.decode()
    assert "Première version du texte." in page and "révisé" not in page
    # The moderator sees it in the queue, with the diff.
    in_review(live, moderator)
    mod = client_as(moderator)
    html = mod.get(reverse("moderation:review", args=[live.pk])).content.decode()
    assert "<del>Première version du texte.</del>" in html and "<ins>Texte révisé par" in html
    received = []
    practice_published.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="r")
    try:
        decide(mod, live, "publier")
    finally:
        practice_published.disconnect(dispatch_uid="r")
    assert [kw["first"] for kw in received] == [False]
    live.refresh_from_db()
    assert live.actions == "Texte révisé par l'autrice." and live.revision_status == ""
    assert live.revision is None
    # Nothing is lost: the text replaced is kept as a version, restorable.
    saved = live.versions.filter(state="saved").order_by("number")
    assert [v.snapshot["actions"] for v in saved] == [
        "Première version du texte.",
        "Texte révisé par l'autrice.",
    ]
    assert live.versions.get(state="published").author == member
    declined = PracticeVersion.objects.create(
        practice=live, number=99, state="declined", snapshot={}, author=member
    )
    restore = reverse("moderation:restore", args=[live.pk, declined.number])
    assert client_as(moderator).post(restore).status_code == 404
    client.logout()
    page = client_as(None).get(live.get_absolute_url()).content.decode()
    assert "Texte révisé par l" in page and "Première version" not in page
    run_tasks()
    assert any("Modification publiée" in m.subject for m in mail.outbox)


def test_a_declined_revision_leaves_the_live_practice(client_as, member, moderator, cooperative):
    live = make_practice(author=member, cooperatives=[cooperative], actions="Texte en ligne.")
    revise(client_as(member), live, actions="Texte refusé.")
    live.refresh_from_db()
    in_review(live, moderator)
    decide(client_as(moderator), live, "refuser", "Pas d'accord.")
    live.refresh_from_db()
    assert live.status == Practice.Status.PUBLISHED and live.actions == "Texte en ligne."
    assert live.revision_status == "declined"
    assert PracticeVersion.objects.get(practice=live, state="declined").snapshot["actions"] == (
        "Texte refusé."
    )
    # The author may propose again, from the live text.
    edit = client_as(member).get(reverse("practices:edit", args=[live.slug]))
    assert edit.status_code == 200 and "Texte en ligne." in edit.content.decode()


def test_changes_requested_on_a_revision_reopen_it_for_the_author(
    client_as, member, moderator, cooperative
):
    live = make_practice(author=member, cooperatives=[cooperative], actions="En ligne.")
    revise(client_as(member), live, actions="Brouillon de modification.")
    live.refresh_from_db()
    in_review(live, moderator)
    decide(client_as(moderator), live, "modifier", "Ajoutez un exemple.")
    live.refresh_from_db()
    assert live.status == Practice.Status.PUBLISHED and live.actions == "En ligne."
    edit = unescape(
        client_as(member).get(reverse("practices:edit", args=[live.slug])).content.decode()
    )
    assert "Brouillon de modification." in edit and "Ajoutez un exemple." in edit
    revise(client_as(member), live, actions="Avec un exemple.")
    live.refresh_from_db()
    assert live.revision_status == "in_review" and live.revision.snapshot["actions"] == (
        "Avec un exemple."
    )


# Versions, diff and restore.


def test_versions_diff_escaped_and_restore(client_as, member, moderator, cooperative):
    practice = make_practice(
        author=member, cooperatives=[cooperative], actions="Avant <script>x</script>"
    )
    first = moderation.record_version(practice, by=member, note="Première")
    practice.actions = "Après <b>gras</b>"
    practice.save()
    second = moderation.record_version(practice, by=member, note="Seconde")
    client = client_as(member)
    history = client.get(reverse("practices:history", args=[practice.slug]))
    assert history.status_code == 200 and "Première" in history.content.decode()
    assert "Restaurer cette version" not in history.content.decode()  # authors do not restore
    diff = client.get(reverse("practices:diff", args=[practice.slug]), {"a": second.number})
    html = diff.content.decode()
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "<del>" in html and "<ins>" in html
    assert client.post(reverse("moderation:restore", args=[practice.pk, 1])).status_code == 403
    # A moderator restores the first version (the practice is online: proposed for review,
    # test_restore.py); the confirmation page shows the difference, escaped.
    restore = reverse("moderation:restore", args=[practice.pk, 1])
    confirm = client_as(moderator).get(restore).content.decode()
    assert "<script>x" not in confirm and "&lt;script&gt;" in confirm
    response = client_as(moderator).post(restore)
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.actions == "Après <b>gras</b>"  # online, until another moderator accepts
    assert practice.revision.snapshot["actions"] == "Avant <script>x</script>"
    numbers = list(practice.versions.order_by("number").values_list("number", flat=True))
    assert numbers == [first.number, second.number, second.number + 1]
    assert ModerationEvent.objects.filter(action="restored_version", actor=moderator).exists()
    # Bad input in the diff's query string is a 404, not a 500.
    bad = client.get(reverse("practices:diff", args=[practice.slug]), {"a": "abc"})
    assert bad.status_code == 404


def test_draft_saves_are_versioned_only_when_the_content_changes(client_as, member):
    client = client_as(member)
    data = {"title": "Idée", "action": "brouillon", "visibility": "public"}
    client.post(reverse("practices:submit"), data)
    practice = Practice.objects.get(title="Idée")
    client.post(reverse("practices:edit", args=[practice.slug]), data)
    assert practice.versions.count() == 1
    client.post(reverse("practices:edit", args=[practice.slug]), {**data, "context": "Un ajout."})
    assert practice.versions.count() == 2
    assert practice.versions.get(number=2).author == member


# Soft deletion.


def test_soft_delete_hides_everywhere_and_restores(client_as, moderator, cooperative, client):
    practice = make_practice(cooperatives=[cooperative], title="Pratique à effacer")
    mod = client_as(moderator)
    response = mod.post(reverse("moderation:delete", args=[practice.pk]), {"reason": "Doublon"})
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.deleted_at and practice.deleted_by == moderator
    assert "Pratique à effacer" in mod.get(reverse("moderation:trash")).content.decode()
    client.logout()
    visitor = client_as(None)
    assert visitor.get(practice.get_absolute_url()).status_code == 404
    assert "Pratique à effacer" not in visitor.get("/pratiques/").content.decode()
    assert "Pratique à effacer" not in visitor.get("/pratiques/?q=effacer").content.decode()
    assert "Pratique à effacer" not in visitor.get("/pratiques/flux/").content.decode()
    assert not Practice.objects.discoverable_by(moderator).filter(pk=practice.pk).exists()
    breton = client_as(make_user(role=Role.MODERATOR, organisation=union("ur-bretagne")))
    assert "Pratique à effacer" not in breton.get(reverse("moderation:trash")).content.decode()
    assert breton.post(reverse("moderation:undelete", args=[practice.pk])).status_code == 404
    client.logout()
    mod = client_as(moderator)
    mod.post(reverse("moderation:undelete", args=[practice.pk]))
    practice.refresh_from_db()
    assert practice.deleted_at is None
    client.logout()
    assert client_as(None).get(practice.get_absolute_url()).status_code == 200
    actions = set(ModerationEvent.objects.values_list("action", flat=True))
    assert {"deleted", "undeleted"} <= actions


def test_an_author_deletes_only_their_own_draft(client_as, member, coop_admin, cooperative):
    draft = make_practice(status=Practice.Status.DRAFT, author=member, cooperatives=[cooperative])
    published = make_practice(author=member, cooperatives=[cooperative])
    url = reverse("practices:delete_draft", args=[draft.slug])
    assert client_as(coop_admin).post(url).status_code == 404
    assert (
        client_as(member).post(reverse("practices:delete_draft", args=[published.slug])).status_code
        == 404
    )
    assert client_as(member).post(url).status_code == 302
    draft.refresh_from_db()
    assert draft.deleted_at is not None
    assert (
        draft.title
        not in client_as(member).get(reverse("practices:my_contributions")).content.decode()
    )


# The audit log.


def test_journal_lists_decisions_filters_and_paginates(
    client_as, moderator, member, cooperative, settings
):
    settings.PRACTICES_PER_PAGE = 2
    # Titles no CSRF token can contain by chance (tokens are letters and digits only).
    practices = [
        submitted(member, cooperatives=[cooperative], title=f"Journal n° {n}") for n in range(3)
    ]
    for practice in practices:
        in_review(practice, moderator)
    client = client_as(moderator)
    html = client.get(reverse("moderation:journal")).content.decode()
    assert "prise en charge" in html and "page=2" in html
    filtered = client.get(reverse("moderation:journal"), {"pratique": practices[0].pk})
    assert "Journal n° 0" in filtered.content.decode()
    assert "Journal n° 1" not in filtered.content.decode()
    assert client.get(reverse("moderation:journal"), {"pratique": "abc"}).status_code == 200
    assert client.get(reverse("moderation:journal"), {"par": moderator.pk}).status_code == 200
    breton = make_user(role=Role.MODERATOR, organisation=union("ur-bretagne"))
    assert (
        "Journal n° 0" not in client_as(breton).get(reverse("moderation:journal")).content.decode()
    )


def test_staff_notes_stay_with_staff(client_as, moderator, member, submission):
    client = client_as(moderator)
    empty = client.post(reverse("moderation:note", args=[submission.pk]), {"text": ""})
    assert empty.status_code == 400 and "Écrivez la note" in empty.content.decode()
    client.post(reverse("moderation:note", args=[submission.pk]), {"text": "Auteur à rappeler."})
    assert (
        "Auteur à rappeler."
        in client.get(reverse("moderation:review", args=[submission.pk])).content.decode()
    )
    author = client_as(member)
    for url in [
        reverse("practices:my_contributions"),
        reverse("practices:preview", args=[submission.slug]),
        reverse("practices:history", args=[submission.slug]),
    ]:
        assert "Auteur à rappeler." not in author.get(url).content.decode()


def test_queue_has_no_n_plus_one(client_as, moderator, member, django_assert_max_num_queries):
    client = client_as(moderator)
    for _n in range(3):
        submitted(member, cooperatives=[make_cooperative()])
    client.get(QUEUE)
    with django_assert_max_num_queries(12) as few:
        client.get(QUEUE)
    for _n in range(6):
        submitted(member, cooperatives=[make_cooperative()])
    with django_assert_max_num_queries(len(few.captured_queries) + CACHE_SLACK):
        client.get(QUEUE)


def test_moderation_pages_are_valid_html(client_as, moderator, member, cooperative):
    from observatoire.pages.tests.test_html_valid import assert_valid

    live = make_practice(author=member, cooperatives=[cooperative], actions="Un.")
    published = make_practice(author=member, cooperatives=[cooperative])
    revise(client_as(member), live, actions="Deux.")
    live.refresh_from_db()
    in_review(live, moderator)
    submission = submitted(member, cooperatives=[cooperative])
    client = client_as(moderator)
    with_errors = decide(client, live, "refuser", "")
    moderation.record_version(live, by=moderator, note="x")
    client.post(reverse("moderation:delete", args=[submission.pk]))
    assert_valid(
        {
            "file": client.get(QUEUE),
            "relecture": client.get(reverse("moderation:review", args=[live.pk])),
            "décision en erreur": with_errors,
            "journal": client.get(reverse("moderation:journal")),
            "corbeille": client.get(reverse("moderation:trash")),
            "historique": client.get(reverse("practices:history", args=[live.slug])),
            "différences": client.get(reverse("practices:diff", args=[live.slug]), {"a": 2}),
            "mes contributions": client_as(member).get(reverse("practices:my_contributions")),
            "modification d'une pratique publiée": client_as(member).get(
                reverse("practices:edit", args=[published.slug])
            ),
        }
    )


def test_a_submission_emails_the_moderators_of_its_union_once(
    client_as, member, moderator, permanent, run_tasks
):
    breton = make_user(role=Role.MODERATOR, organisation=union("ur-bretagne"))
    client = client_as(member)
    client.post(
        reverse("practices:submit"),
        {
            "title": "Une assemblée en plein air",
            "summary": "En juin.",
            "category": make_practice().category_id,
            "actions": "Nous l'avons fait.",
            "visibility": "public",
            "action": "soumettre",
        },
    )
    practice = Practice.objects.get(title="Une assemblée en plein air")
    run_tasks()
    assert [m.to for m in mail.outbox] == [[moderator.email]]
    assert breton.email not in str([m.to for m in mail.outbox])
    email = mail.outbox[0]
    assert "À relire" in email.subject
    path = "/" + link_in(email.body).split("://", 1)[1].split("/", 1)[1]
    assert path == reverse("moderation:review", args=[practice.pk])
    client.logout()
    assert client_as(moderator).get(path).status_code == 200


def test_the_practice_page_offers_its_author_and_moderators_their_tools(
    client_as, member, coop_admin, moderator, cooperative, client
):
    practice = make_practice(author=member, cooperatives=[cooperative])
    edit = reverse("practices:edit", args=[practice.slug])
    review = reverse("moderation:review", args=[practice.pk])
    html = client_as(member).get(practice.get_absolute_url()).content.decode()
    assert edit in html and review not in html
    client.logout()
    html = client_as(moderator).get(practice.get_absolute_url()).content.decode()
    assert review in html and edit not in html
    client.logout()
    html = client_as(coop_admin).get(practice.get_absolute_url()).content.decode()
    assert review not in html and edit not in html
    client.logout()
    assert review not in client_as(None).get(practice.get_absolute_url()).content.decode()


def test_moderation_data_is_exported_and_erased_with_the_person(moderator, submission):
    from observatoire.accounts import personal_data

    in_review(submission, moderator)
    exported = personal_data.export_for(moderator)
    assert exported["journal_de_moderation"][0]["action"] == "taken"
    personal_data.erase_for(moderator)
    event = ModerationEvent.objects.get(action="taken")
    assert event.actor is None and event.practice_title == submission.title


def test_an_edit_in_the_admin_is_versioned(rf, administrator, cooperative):
    from types import SimpleNamespace

    from django.contrib.admin.sites import site

    practice = make_practice(cooperatives=[cooperative], actions="Avant.")
    moderation.record_version(practice, by=None, note="Départ")
    practice.actions = "Corrigé dans l'administration."
    practice.save()
    request = rf.post("/admin/")
    request.user = administrator
    form = SimpleNamespace(instance=practice, save_m2m=lambda: None)
    site._registry[Practice].save_related(request, form, [], True)
    version = practice.versions.order_by("-number").first()
    assert version.author == administrator and version.snapshot["actions"] == (
        "Corrigé dans l'administration."
    )


def test_journal_trash_and_history_have_no_n_plus_one(
    client_as, moderator, member, cooperative, django_assert_max_num_queries
):
    client = client_as(moderator)

    def add(count):
        for _n in range(count):
            practice = submitted(make_user(), cooperatives=[cooperative])
            in_review(practice, make_user(role=Role.MODERATOR, organisation=cooperative.union))
            practice.soft_delete(by=make_user(role=Role.ADMINISTRATOR))
            moderation.record_version(practice, by=make_user(), note="n")
        return practice

    practice = add(2)
    history = reverse("practices:history", args=[practice.slug])
    pages = [reverse("moderation:journal"), reverse("moderation:trash")]
    counts = {}
    for url in pages:
        with django_assert_max_num_queries(15) as queries:
            assert client.get(url).status_code == 200
        counts[url] = len(queries.captured_queries)
    add(5)
    for url in pages:
        with django_assert_max_num_queries(counts[url] + CACHE_SLACK):
            client.get(url)
    practice.undelete(by=moderator)
    with django_assert_max_num_queries(15) as queries:
        assert client.get(history).status_code == 200
    for n in range(5):  # each changes the text: a version that changes nothing is not listed
        practice.summary = f"Encore {n}."
        practice.save()
        moderation.record_version(practice, by=make_user(), note="encore")
    with django_assert_max_num_queries(len(queries.captured_queries) + CACHE_SLACK):
        assert client.get(history).status_code == 200


def test_decisions_also_reach_the_notifications_in_the_site(
    client_as, moderator, member, coop_admin, submission
):
    from observatoire.notifications.models import Notification

    member.language = "en"
    member.save()
    client = client_as(moderator)
    client.post(
        reverse("moderation:take", args=[submission.pk]), {"version": submission.review_version}
    )
    submission.refresh_from_db()
    decide(client, submission, "modifier", "Ajoutez le coût.")
    author_news = Notification.objects.get(recipient=member)
    assert "Changes" in author_news.text or "changes" in author_news.text
    assert author_news.url == reverse("practices:edit", args=[submission.slug])
    admin_news = Notification.objects.get(recipient=coop_admin)
    assert "Un conseil des jeunes" in admin_news.text and "modifications" in admin_news.text
    # The author's notifications page links to the edit form.
    page = client_as(member).get(reverse("notifications:list")).content.decode()
    assert "Un conseil des jeunes" in page
