"""Revisions of published practices with their documents, and the four-eyes rule: nobody but an
administrator moderates what they wrote."""

import io
import re
from datetime import timedelta
from html import unescape

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from observatoire.accounts.models import Role
from observatoire.accounts.tests.factories import make_user
from observatoire.network.models import Departement
from observatoire.network.tests.factories import make_cooperative
from observatoire.practices import moderation
from observatoire.practices.models import Attachment, ModerationEvent, Practice
from observatoire.practices.tests.factories import make_practice
from observatoire.practices.tests.test_attachments import (
    attach,
    file_url,
    hidden_ids,
    image_bytes,
    media_in_tmp,
    pdf_bytes,
    upload,
)
from observatoire.practices.tests.test_moderation import (
    QUEUE,
    decide,
    in_review,
    revise,
    submitted,
)
from observatoire.practices.workflow import OwnContribution

pytestmark = pytest.mark.django_db
__all__ = ["media_in_tmp"]  # the fixture, imported: files go to a temporary folder
OWN = "Vous ne pouvez pas modérer votre propre contribution."


def pending_url(attachment: Attachment) -> str:
    return reverse("practices:pending_attachment", args=[attachment.pk])


def messages_of(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def live(member, cooperative):
    """A published practice with a guide (PDF) and a photo."""
    practice = make_practice(
        author=member, cooperatives=[cooperative], title="Le conseil des sages", actions="Un."
    )
    attach(practice, name="guide.pdf")
    attach(practice, name="photo.png", content=image_bytes("PNG"), content_type="image/png")
    return practice


def documents_of(practice: Practice) -> dict[str, str]:
    return {a.original_name: a.title for a in practice.attachments.all()}


def propose_documents(client, practice, **changes):
    """The author's revision: adds rapport.pdf, removes the photo, renames the guide."""
    guide = practice.attachments.get(original_name="guide.pdf")
    photo = practice.attachments.get(original_name="photo.png")
    data = {
        "documents": [upload("rapport.pdf", pdf_bytes())],
        "document_remove": [photo.pk],
        f"document_title_{guide.pk}": "Le guide complet",
        f"document_title_{photo.pk}": photo.title,
    }
    data.update(changes)
    return revise(client, practice, **data)


def test_documents_change_only_when_the_revision_is_published(
    client_as, client, member, moderator, live, media_in_tmp, django_capture_on_commit_callbacks
):
    guide = live.attachments.get(original_name="guide.pdf")
    photo = live.attachments.get(original_name="photo.png")
    author = client_as(member)
    form = author.get(reverse("practices:edit", args=[live.slug])).content.decode()
    assert "Documents et images" in form and f'name="document_remove" value="{photo.pk}"' in form
    response = propose_documents(author, live)
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.revision_status == "submitted"
    new = Attachment.objects.get(original_name="rapport.pdf")
    assert new.practice is None and new.uploaded_by == member
    assert live.revision.snapshot["attachments"] == [
        {"id": guide.pk, "title": "Le guide complet"},
        {"id": new.pk, "title": "rapport.pdf"},
    ]
    # Online, nothing has changed: the old documents are there, the new one is not.
    assert documents_of(live) == {"guide.pdf": "guide.pdf", "photo.png": "photo.png"}
    assert (media_in_tmp / photo.file.name).exists()
    client.logout()
    visitor = client_as(None)
    page = visitor.get(live.get_absolute_url()).content.decode()
    assert "photo.png" in page and "rapport.pdf" not in page and "Le guide complet" not in page
    assert visitor.get(file_url(photo)).status_code == 200
    assert visitor.get(file_url(guide)).status_code == 200
    assert visitor.get(pending_url(new)).status_code == 302  # to the sign-in page
    # The moderator sees the documents' changes and opens the new file.
    mod = client_as(moderator)
    review = messages_of(mod.get(reverse("moderation:review", args=[live.pk])))
    for words in ["Documents ajoutés", "Documents retirés", "Documents renommés"]:
        assert words in review
    assert "<ins>rapport.pdf</ins>" in review and "<del>photo.png</del>" in review
    assert "<del>guide.pdf</del> → <ins>Le guide complet</ins>" in review
    assert f'href="{pending_url(new)}"' in review
    opened = mod.get(pending_url(new))
    assert opened.status_code == 200 and opened["Content-Type"] == "application/pdf"
    assert b"".join(opened.streaming_content).startswith(b"%PDF-")
    # Published: the practice has the new set.
    in_review(live, moderator)
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once all is saved
        assert decide(mod, live, "publier").status_code == 302
    live.refresh_from_db()
    assert live.revision is None
    assert documents_of(live) == {"guide.pdf": "Le guide complet", "rapport.pdf": "rapport.pdf"}
    assert not Attachment.objects.filter(pk=photo.pk).exists()
    assert not (media_in_tmp / photo.file.name).exists()
    client.logout()
    visitor = client_as(None)
    page = visitor.get(live.get_absolute_url()).content.decode()
    assert "rapport.pdf" in page and "Le guide complet" in page and "photo.png" not in page
    new.refresh_from_db()
    assert visitor.get(file_url(new)).status_code == 200
    assert visitor.get(file_url(photo)).status_code == 404
    # The history says what changed in the documents.
    number = live.versions.order_by("-number").first().number  # after « live before »
    diff = client_as(member).get(reverse("practices:diff", args=[live.slug]), {"a": number})
    assert "Documents ajoutés" in messages_of(diff) and "rapport.pdf" in messages_of(diff)


def test_a_declined_revision_leaves_the_documents(client_as, member, moderator, live):
    propose_documents(client_as(member), live)
    live.refresh_from_db()
    new = Attachment.objects.get(original_name="rapport.pdf")
    in_review(live, moderator)
    decide(client_as(moderator), live, "refuser", "Gardez la photo.")
    live.refresh_from_db()
    assert live.revision_status == "declined"
    assert documents_of(live) == {"guide.pdf": "guide.pdf", "photo.png": "photo.png"}
    new.refresh_from_db()
    assert new.practice is None
    # No revision lists it any more: the daily purge takes it.
    Attachment.objects.filter(pk=new.pk).update(created_at=timezone.now() - timedelta(days=3))
    call_command("purgeuploads", stdout=io.StringIO())
    assert not Attachment.objects.filter(pk=new.pk).exists()
    assert live.attachments.count() == 2
    # The author starts again from the live documents.
    form = client_as(member).get(reverse("practices:edit", args=[live.slug]))
    assert hidden_ids(form) == [] and "rapport.pdf" not in form.content.decode()


def test_changes_requested_keep_the_new_documents_in_the_author_s_form(
    client_as, member, moderator, live
):
    photo = live.attachments.get(original_name="photo.png")
    propose_documents(client_as(member), live)
    live.refresh_from_db()
    new = Attachment.objects.get(original_name="rapport.pdf")
    in_review(live, moderator)
    decide(client_as(moderator), live, "modifier", "Renommez le rapport.")
    live.refresh_from_db()
    assert live.revision_status == "changes_requested"
    # The purge keeps what an open revision needs, however long it waits.
    Attachment.objects.filter(pk=new.pk).update(created_at=timezone.now() - timedelta(days=30))
    call_command("purgeuploads", stdout=io.StringIO())
    assert Attachment.objects.filter(pk=new.pk, practice=None).exists()
    edit = reverse("practices:edit", args=[live.slug])
    form = client_as(member).get(edit)
    html = messages_of(form)
    assert hidden_ids(form) == [str(new.pk)] and "Renommez le rapport." in html
    assert 'value="Le guide complet"' in html
    assert re.search(rf'name="document_remove" value="{photo.pk}" checked', html)
    assert not re.search(rf'name="document_remove" value="{new.pk}" checked', html)
    assert f'href="{pending_url(new)}"' in html
    # Sent again, with the report renamed: the same upload, not a second one.
    response = revise(
        client_as(member),
        live,
        document_id=[new.pk],
        document_remove=[photo.pk],
        **{f"document_title_{new.pk}": "Rapport annuel"},
    )
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.revision_status == "in_review"  # back to whoever asked for the changes
    titles = [entry["title"] for entry in live.revision.snapshot["attachments"]]
    assert titles == ["guide.pdf", "Rapport annuel"]
    assert Attachment.objects.filter(original_name="rapport.pdf").count() == 1


def test_an_error_in_the_revision_keeps_the_new_file(client_as, member, live):
    response = propose_documents(client_as(member), live, title="")
    assert response.status_code == 200
    new = Attachment.objects.get(original_name="rapport.pdf")
    assert hidden_ids(response) == [str(new.pk)] and new.practice is None
    live.refresh_from_db()
    assert live.revision is None and live.revision_status == ""


def test_a_file_removed_before_sending_is_deleted(client_as, member, live, media_in_tmp):
    author = client_as(member)
    propose_documents(author, live, title="")
    new = Attachment.objects.get(original_name="rapport.pdf")
    path = media_in_tmp / new.file.name
    response = revise(author, live, document_id=[new.pk], document_remove=[new.pk])
    assert response.status_code == 302
    assert not Attachment.objects.filter(pk=new.pk).exists() and not path.exists()
    live.refresh_from_db()
    assert len(live.revision.snapshot["attachments"]) == 2


def test_nobody_else_opens_a_revision_s_new_file(client_as, member, moderator, live, cooperative):
    propose_documents(client_as(member), live)
    new = Attachment.objects.get(original_name="rapport.pdf")
    url = pending_url(new)
    assert client_as(member).get(url).status_code == 200
    others = [
        make_user(role=Role.MEMBER, cooperative=cooperative),
        make_user(role=Role.COOPERATIVE_ADMIN, cooperative=cooperative),
        make_user(
            role=Role.MODERATOR,
            organisation=make_cooperative(departement=Departement.objects.get(code="35")).union,
        ),
    ]
    for person in others:
        assert client_as(person).get(url).status_code == 404, person.role
    # A moderator opens only what an open revision lists: not someone's other uploads.
    loose = attach(None)
    Attachment.objects.filter(pk=loose.pk).update(uploaded_by=member)
    assert client_as(moderator).get(pending_url(loose)).status_code == 404
    assert client_as(moderator).get(url).status_code == 200
    # Declined, the revision no longer opens it to the moderators.
    live.refresh_from_db()
    in_review(live, moderator)
    decide(client_as(moderator), live, "refuser", "Non.")
    assert client_as(moderator).get(url).status_code == 404
    assert client_as(member).get(url).status_code == 200


def test_a_revision_from_before_documents_leaves_them(client_as, member, moderator, live):
    snapshot = moderation.snapshot_of(live)
    del snapshot["attachments"]
    snapshot["actions"] = "Deux."
    live.propose_revision(by=member, snapshot=snapshot)
    live.refresh_from_db()
    mod = client_as(moderator)
    review = messages_of(mod.get(reverse("moderation:review", args=[live.pk])))
    assert "photo.png" in review and "Documents retirés" not in review
    in_review(live, moderator)
    decide(mod, live, "publier")
    live.refresh_from_db()
    assert live.actions == "Deux." and documents_of(live) == {
        "guide.pdf": "guide.pdf",
        "photo.png": "photo.png",
    }


def test_a_restored_version_leaves_the_documents(client_as, member, moderator, live):
    first = moderation.record_version(live, by=member, note="Première")
    propose_documents(client_as(member), live)
    live.refresh_from_db()
    in_review(live, moderator)
    decide(client_as(moderator), live, "publier")
    restore = reverse("moderation:restore", args=[live.pk, first.number])
    assert client_as(moderator).post(restore).status_code == 302
    live.refresh_from_db()
    assert documents_of(live) == {"guide.pdf": "Le guide complet", "rapport.pdf": "rapport.pdf"}


def test_the_revision_pages_with_documents_are_valid_html(client_as, member, moderator, live):
    from observatoire.pages.tests.test_html_valid import assert_valid

    with_errors = propose_documents(client_as(member), live, title="")
    new = Attachment.objects.get(original_name="rapport.pdf")
    propose_documents(client_as(member), live, documents=[], document_id=[new.pk])
    live.refresh_from_db()
    in_review(live, moderator)
    review = client_as(moderator).get(reverse("moderation:review", args=[live.pk]))
    decide(client_as(moderator), live, "modifier", "Encore un effort.")
    reopened = client_as(member).get(reverse("practices:edit", args=[live.slug]))
    assert hidden_ids(reopened) == [str(new.pk)]
    assert_valid({"erreur": with_errors, "relecture": review, "reprise": reopened})


# The four-eyes rule.


def test_a_moderator_does_not_take_their_own_submission(client_as, moderator, cooperative):
    from observatoire.pages.tests.test_html_valid import assert_valid

    own = submitted(moderator, cooperatives=[cooperative], title="Ma propre pratique")
    client = client_as(moderator)
    queue_page, review_page = (
        client.get(QUEUE),
        client.get(reverse("moderation:review", args=[own.pk])),
    )
    assert_valid({"file": queue_page, "relecture": review_page})
    queue = messages_of(queue_page)
    assert "Ma propre pratique" in queue and "une autre personne la relira" in queue
    assert reverse("moderation:take", args=[own.pk]) not in queue
    review = messages_of(review_page)
    assert OWN in review and reverse("moderation:take", args=[own.pk]) not in review
    # A forged form changes nothing.
    response = client.post(
        reverse("moderation:take", args=[own.pk]), {"version": own.review_version}, follow=True
    )
    assert OWN in messages_of(response)
    own.refresh_from_db()
    assert own.status == Practice.Status.SUBMITTED and own.reviewer is None
    assert not ModerationEvent.objects.filter(practice=own, action="taken").exists()


def test_a_moderator_does_not_decide_on_their_own_submission(client_as, moderator, cooperative):
    own = submitted(moderator, cooperatives=[cooperative])
    colleague = make_user(role=Role.MODERATOR, organisation=cooperative.union)
    in_review(own, colleague)
    client = client_as(moderator)
    review = messages_of(client.get(reverse("moderation:review", args=[own.pk])))
    assert OWN in review and reverse("moderation:decide", args=[own.pk]) not in review
    for decision, message in [("publier", ""), ("modifier", "Non."), ("refuser", "Non.")]:
        response = decide(client, own, decision, message)
        assert response.status_code == 302
        assert OWN in messages_of(client.get(response["Location"]))
    own.refresh_from_db()
    assert own.status == Practice.Status.IN_REVIEW and own.reviewer == colleague
    assert not ModerationEvent.objects.filter(
        practice=own, action__in=["published", "changes_requested", "declined"]
    ).exists()
    with pytest.raises(OwnContribution):
        own.publish(by=moderator, expected=own.review_version)
    # The colleague decides.
    assert decide(client_as(colleague), own, "publier").status_code == 302
    own.refresh_from_db()
    assert own.status == Practice.Status.PUBLISHED


def test_a_permanent_does_not_moderate_the_revision_of_their_practice(
    client_as, permanent, cooperative
):
    practice = make_practice(author=permanent, cooperatives=[cooperative], actions="Un.")
    client = client_as(permanent)
    assert revise(client, practice, cooperative_siren=cooperative.siren).status_code == 302
    practice.refresh_from_db()
    assert practice.revision_status == "submitted"
    assert OWN in messages_of(client.get(reverse("moderation:review", args=[practice.pk])))
    client.post(reverse("moderation:take", args=[practice.pk]), {"version": 0})
    client.post(
        reverse("moderation:take", args=[practice.pk]), {"version": practice.review_version}
    )
    practice.refresh_from_db()
    assert practice.revision_status == "submitted" and practice.reviewer is None


def test_an_administrator_moderates_their_own_contribution(client_as, administrator, cooperative):
    own = submitted(administrator, cooperatives=[cooperative])
    client = client_as(administrator)
    review = messages_of(client.get(reverse("moderation:review", args=[own.pk])))
    assert OWN not in review and reverse("moderation:take", args=[own.pk]) in review
    client.post(reverse("moderation:take", args=[own.pk]), {"version": own.review_version})
    own.refresh_from_db()
    assert own.status == Practice.Status.IN_REVIEW
    assert decide(client, own, "publier").status_code == 302
    own.refresh_from_db()
    assert own.status == Practice.Status.PUBLISHED
