"""Stored XSS: every text a person can type into a practice renders inert on every page that
shows it — the published page, lists, search, the preview, the form, the feed, the cooperative."""

from xml.etree import ElementTree

import pytest
from django.urls import reverse

from observatoire.accounts.tests.factories import make_user
from observatoire.network.tests.factories import make_cooperative
from observatoire.pages.tests.xss import PAYLOADS, assert_inert, problems_in
from observatoire.practices.models import Category, Practice
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
TEXT_FIELDS = {
    "title": 200,
    "summary": 600,
    "context": 5000,
    "actions": 5000,
    "setup_steps": 5000,
    "setup_duration": 200,
    "setup_cost": 200,
    "setup_people": 300,
    "results": 5000,
    "difficulties": 5000,
    "contact_name": 150,
    "contact_role": 150,
}


def test_the_checker_sees_live_markup():
    """The check must be able to fail: raw payloads are caught."""
    for payload in PAYLOADS[:22]:
        if payload.startswith(("'", '"', "[", "{")):
            continue  # these only bite inside an attribute or a template
        assert problems_in(f"<p>{payload}</p>"), payload


def hostile_form(payload: str, number: int) -> dict[str, object]:
    data: dict[str, object] = {
        field: f"{payload} {number}"[:limit] for field, limit in TEXT_FIELDS.items()
    }
    data.update(
        category=Category.objects.get(slug="un-vecu").pk,
        tags_text=f"{payload}, gouvernance",
        links_text=f"https://www.les-scop.coop/guide {payload}",
        visibility="public",
        action="soumettre",
    )
    return data


@pytest.mark.parametrize("number", range(len(PAYLOADS)))
def test_every_practice_field_renders_inert_everywhere(client, number):
    payload = PAYLOADS[number]
    cooperative = make_cooperative(name=f"Scop {payload}"[:200])
    author = make_user(full_name=f"{payload}"[:150], cooperative=cooperative)
    client.force_login(author)

    response = client.post(reverse("practices:submit"), hostile_form(payload, number))
    assert response.status_code == 302, response.content.decode()[:2000]
    practice = Practice.objects.get(author=author)
    slug = practice.slug
    pages = {
        "preview": reverse("practices:preview", args=[slug]),
        "my_contributions": reverse("practices:my_contributions"),
    }
    for where, url in pages.items():
        assert_inert(client.get(url).content.decode(), where)

    # A moderator publishes it; then every public page shows it.
    Practice.objects.filter(pk=practice.pk).update(status=Practice.Status.PUBLISHED)
    practice.refresh_from_db()
    practice.published_at = practice.submitted_at
    practice.save()
    practice.reindex()
    client.logout()
    pages = {
        "detail": practice.get_absolute_url(),
        "list": reverse("practices:list"),
        "search by title": reverse("practices:list") + "?q=" + practice.title[:60],
        "search by payload": reverse("practices:list") + "?q=" + payload,
        "category": reverse("practices:category_detail", args=["un-vecu"]),
        "cooperative": cooperative.get_absolute_url(),
        "directory": reverse("directory:cooperative_list"),
        "directory search": reverse("directory:cooperative_list") + "?q=" + payload[:200],
        "directory near": reverse("directory:cooperative_list") + "?pres=" + payload[:200],
        "home": reverse("pages:home"),
    }
    for where, url in pages.items():
        response = client.get(url, follow=True)  # a raw payload may leave junk: cleaned
        assert response.status_code == 200, where
        assert_inert(response.content.decode(), where)
    # Open data: files, never read as HTML; the page of a place no commune has, inert.
    for name in ("directory:export_csv", "directory:export_geojson"):
        response = client.get(reverse(name), {"q": payload[:200]})
        assert "html" not in response["Content-Type"], name
        assert response["X-Content-Type-Options"] == "nosniff", name
    response = client.get(reverse("directory:export_csv"), {"pres": f"x{payload}"[:80]})
    assert response.status_code == 400
    assert_inert(response.content.decode(), "export of an unknown place")
    # The detail page shows the text itself, escaped, not a mangled version of it.
    detail = client.get(practice.get_absolute_url()).content.decode()
    assert "gouvernance" in detail

    # A feed reader renders Atom summaries (type="html") as HTML: they must be inert too.
    feed = ElementTree.fromstring(client.get(reverse("practices:feed")).content)
    summaries = [element.text or "" for element in feed.iter(f"{ATOM}summary")]
    assert summaries
    for summary in summaries:
        assert_inert(summary, "feed summary")


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if "javascript:" in p][:3])
def test_a_form_sent_back_with_errors_stays_inert(client, member, payload):
    client.force_login(member)
    data = hostile_form(payload, 0)
    data.update(summary="", contact_email=payload, links_text=f"javascript:alert(1) {payload}")
    response = client.post(reverse("practices:submit"), data)
    assert response.status_code == 200
    assert_inert(response.content.decode(), "form with errors")


@pytest.mark.parametrize("number", range(0, len(PAYLOADS), 3))
def test_comments_reports_adoptions_and_names_render_inert(client, moderator, number):
    """What people write around a practice: comments and replies, report and hiding reasons,
    adoption feedback, and their own names, on every page that shows them."""
    payload = PAYLOADS[number]
    cooperative = make_cooperative(name=f"Scop {payload}"[:200])
    author = make_user(full_name=payload[:150], cooperative=cooperative)
    practice = make_practice(cooperatives=[cooperative], title=f"Pratique {number}")
    practice.author = author
    practice.save()
    client.force_login(author)
    comment_url = reverse("community:comment_create", args=[practice.slug])
    response = client.post(comment_url, {"kind": "question", "body": payload})
    assert response.status_code == 302
    comment = practice.comments.get()
    client.post(
        comment_url, {"kind": "feedback", "body": f"{payload} réponse", "parent": comment.pk}
    )
    client.post(reverse("community:adoption_edit", args=[practice.slug]), {"feedback": payload})
    client.post(reverse("community:comment_report", args=[comment.pk]), {"reason": payload})
    client.force_login(moderator)
    client.post(reverse("community:comment_hide", args=[comment.pk]), {"reason": payload})
    comment.refresh_from_db()
    assert comment.hidden_at and practice.comments.count() == 2
    assert practice.adoptions.get().feedback == payload
    assert comment.reports.get().reason == payload
    staff_pages = {
        "practice (staff)": practice.get_absolute_url(),
        "reports": reverse("community:report_list"),
    }
    for where, url in staff_pages.items():
        response = client.get(url)
        assert response.status_code == 200, where
        assert_inert(response.content.decode(), where)
    client.force_login(author)
    own_pages = {
        "practice": practice.get_absolute_url(),
        "cooperative": cooperative.get_absolute_url(),
        "notifications": reverse("notifications:list"),
        "profile": reverse("accounts:profile"),
        "my data": reverse("accounts:my_data"),
    }
    for where, url in own_pages.items():
        response = client.get(url)
        assert response.status_code == 200, where
        assert_inert(response.content.decode(), where)
    client.logout()
    assert_inert(client.get(practice.get_absolute_url()).content.decode(), "visitor")


@pytest.mark.parametrize("number", range(0, len(PAYLOADS), 3))
def test_restoring_a_version_and_the_journal_render_inert(client, moderator, number):
    """The pages issue 8 added for moderators: a restoration's confirmation, with the
    difference between the current text and the old one, and the journal filtered by practice
    and by person."""
    from observatoire.practices import moderation
    from observatoire.practices.versions import log, snapshot_of

    payload = PAYLOADS[number]
    author = make_user(full_name=payload[:150], role="administrator")
    practice = make_practice(
        title=f"Pratique {payload}"[:200],
        summary=f"Avant {payload}"[:600],
        cooperatives=[make_cooperative(union=moderator.organisation)],
    )
    practice.author = author
    practice.save()
    old = {**snapshot_of(practice), "summary": f"Ancien {payload}"[:600]}
    moderation.record_version(practice, by=author, note=payload[:300], snapshot=old)
    moderation.record_version(practice, by=author, note="Actuelle")
    log(practice, by=author, action="submitted", message=payload)
    client.force_login(moderator)
    pages = {
        "restore": reverse("moderation:restore", args=[practice.pk, 1]),
        "history": reverse("practices:history", args=[practice.slug]),
        "journal by practice": reverse("moderation:journal") + f"?pratique={practice.pk}",
        "journal by person": reverse("moderation:journal") + f"?par={author.pk}",
    }
    for where, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, where
        assert_inert(response.content.decode(), where)


@pytest.mark.parametrize(
    "address",
    ['"<script>alert(1)</script>"@exemple.coop', '"<img src=x onerror=alert(1)>"@exemple.coop'],
)
def test_the_unlock_page_renders_an_address_inert(client, address):
    """An address may hold markup in its quoted part (Django's EmailValidator accepts it): the
    unlock page of signin_lock.py shows the account's address."""
    from observatoire.accounts.signin_lock import unlock_token

    person = make_user(email=address)
    response = client.get(reverse("accounts:unlock", args=[unlock_token(person)]))
    assert response.status_code == 200
    assert_inert(response.content.decode(), "unlock")


@pytest.mark.parametrize("number", range(0, len(PAYLOADS), 2))
def test_access_requests_render_inert(client, number):
    """What a stranger types in « Demander un accès » is shown to the Union's staff: in the list
    of requests and in the invitation filled in from it; and in the form sent back with an
    error."""
    from observatoire.accounts.models import AccessRequest, Role
    from observatoire.network.models import Organisation

    payload = PAYLOADS[number]
    form = {
        "full_name": payload[:150],
        "email": "alix@exemple.coop",
        "cooperative_name": payload[:200],
        "siren": payload[:11],
        "postal_code": "44000",
        "job": payload[:150],
        "message": payload[:1000],
    }
    sent_back = client.post(reverse("accounts:access_request"), form)
    assert_inert(sent_back.content.decode(), "access request form")
    union = Organisation.objects.get(slug="ur-pays-de-la-loire")
    waiting = AccessRequest.objects.create(
        **{**form, "siren": "", "email": "alix@exemple.coop"}, union=union
    )
    client.force_login(make_user(role=Role.PERMANENT, organisation=union))
    pages = {
        "list": reverse("accounts:access_request_list"),
        "invitation": reverse("accounts:invitation_create") + f"?demande={waiting.pk}",
    }
    for where, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, where
        assert_inert(response.content.decode(), where)


@pytest.mark.parametrize("number", range(0, len(PAYLOADS), 3))
def test_choosing_a_cooperative_by_name_renders_inert(client, permanent, number):
    """Issue 8, point 17: the suggestions of cooperatives by name, the error listing those a
    name matches, and a draft submitted from its preview sent back to its form."""
    payload = PAYLOADS[number]
    for _ in range(2):
        make_cooperative(name=f"Scop {payload}"[:200], commune=payload[:120])
    client.force_login(permanent)
    options = client.get(reverse("practices:cooperative_options"), {"cooperative_siren": "Scop"})
    assert options.status_code == 200
    assert_inert(options.content.decode(), "cooperative suggestions")
    data = hostile_form(payload, number)
    data["cooperative_siren"] = f"Scop {payload}"[:200]
    response = client.post(reverse("practices:submit"), data)
    assert response.status_code == 200 and "Plusieurs coopératives" in response.content.decode()
    assert_inert(response.content.decode(), "ambiguous cooperative")
    draft = make_practice(status=Practice.Status.DRAFT, title=f"Pratique {payload}"[:200])
    draft.author, draft.summary = permanent, payload[:600]
    draft.save()
    response = client.post(reverse("practices:submit_draft", args=[draft.slug]))
    assert response.status_code == 200  # « Ce qui a été fait » is missing: the form says so
    assert_inert(response.content.decode(), "draft sent back to its form")


@pytest.mark.parametrize("number", range(0, len(PAYLOADS), 6))
def test_a_cooperative_page_edited_with_hostile_text_renders_inert(client, number):
    """Issue 9, point 6: what a cooperative's administrator types (presentation, phone, a
    point), shown on its page, its edit form sent back with errors, and its history; and its
    address as the SIRENE import writes it."""
    from observatoire.accounts.models import Role

    payload = PAYLOADS[number]
    cooperative = make_cooperative(name=f"Scop {payload}"[:200])
    # What the register says (importcooperatives) is shown too: its street line.
    type(cooperative).objects.filter(pk=cooperative.pk).update(address=payload[:250])
    client.force_login(make_user(role=Role.COOPERATIVE_ADMIN, cooperative=cooperative))
    edit = reverse("directory:cooperative_edit", args=[cooperative.slug])
    data = {
        "description": payload,
        "website": "",
        "contact_email": "",
        "contact_phone": "",
        "latitude": "",
        "longitude": "",
        "contact_public": "on",
    }
    assert client.post(edit, data).status_code == 302
    rejected = client.post(edit, {**data, "contact_phone": payload[:30], "latitude": payload[:20]})
    assert rejected.status_code == 400
    assert_inert(rejected.content.decode(), "cooperative form with errors")
    for where, url in {
        "page": cooperative.get_absolute_url(),
        "form": edit,
        "history": reverse("directory:cooperative_history", args=[cooperative.slug]),
    }.items():
        response = client.get(url)
        assert response.status_code == 200, where
        assert_inert(response.content.decode(), f"cooperative {where}")


@pytest.mark.parametrize("number", range(0, len(PAYLOADS), 6))
def test_possible_duplicates_with_hostile_names_render_inert(client, number):
    """Issue 9, point 6: the list of possible duplicates and the merge's confirmation show
    cooperatives' names as the register or their admins wrote them."""
    from observatoire.accounts.models import Role

    payload = PAYLOADS[number]
    keep = make_cooperative(name=f"Scop {payload}"[:200])
    drop = make_cooperative(name=f"{payload} SARL"[:200])
    permanent = make_user(role=Role.PERMANENT)
    permanent.organisation = keep.union
    permanent.save()
    client.force_login(permanent)
    listed = client.get(reverse("directory:duplicate_list"))
    assert listed.status_code == 200
    assert_inert(listed.content.decode(), "duplicates")
    confirm = client.get(
        reverse("directory:duplicate_merge"), {"garder": keep.slug, "retirer": drop.slug}
    )
    assert confirm.status_code == 200
    assert_inert(confirm.content.decode(), "merge confirmation")
