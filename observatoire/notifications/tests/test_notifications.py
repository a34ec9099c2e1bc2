"""In-app notifications: replies, comments on followed or authored practices, publications."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from observatoire.accounts.models import Role
from observatoire.accounts.tests.factories import make_user
from observatoire.community.models import Follow
from observatoire.community.tests.factories import make_comment
from observatoire.notifications.models import Notification
from observatoire.notifications.notify import notify
from observatoire.practices.models import Category, Practice, Theme
from observatoire.practices.signals import practice_published
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db


def post_comment(client, practice, body, **data):
    url = reverse("community:comment_create", kwargs={"slug": practice.slug})
    return client.post(url, {"kind": "question", "body": body, **data})


def test_a_reply_notifies_the_author_of_the_comment(client_as, member, coop_admin):
    practice = make_practice()
    question = make_comment(practice, member)
    post_comment(client_as(coop_admin), practice, "Voici comment", parent=question.pk)
    notification = Notification.objects.get(recipient=member)
    assert f"{coop_admin.full_name} a répondu à votre commentaire" in notification.text
    assert notification.url.endswith(f"#commentaire-{question.pk + 1}")
    assert not Notification.objects.filter(recipient=coop_admin).exists()


def test_a_comment_notifies_the_practice_author_and_its_followers(client_as, member, coop_admin):
    author = make_user(role=Role.MEMBER, cooperative=member.cooperative)
    practice = make_practice(author=author)
    Follow.objects.create(user=coop_admin, practice=practice)
    post_comment(client_as(member), practice, "Une question")
    assert Notification.objects.filter(recipient=author).count() == 1
    assert Notification.objects.filter(recipient=coop_admin).count() == 1
    assert not Notification.objects.filter(recipient=member).exists()
    assert "a commenté la pratique" in Notification.objects.get(recipient=author).text


def test_notifications_are_written_in_the_recipients_language(client_as, member):
    english = make_user(role=Role.MEMBER, cooperative=member.cooperative, language="en")
    practice = make_practice(author=english)
    post_comment(client_as(member), practice, "Bonjour")
    text = Notification.objects.get(recipient=english).text
    assert practice.title in text  # translated once the English catalogue has the string


def test_publication_notifies_followers_of_category_theme_and_cooperative(member, coop_admin):
    theme = Theme.objects.get(slug="gouvernance")
    category = Category.objects.get(slug="organisation-collective")
    third = make_user(role=Role.MEMBER, cooperative=member.cooperative)
    stranger = make_user(role=Role.MEMBER, cooperative=member.cooperative)
    Follow.objects.create(user=member, category=category)
    Follow.objects.create(user=coop_admin, theme=theme)
    Follow.objects.create(user=third, cooperative=member.cooperative)
    Follow.objects.create(user=third, theme=theme)  # twice concerned, told once
    practice = make_practice(
        category=category, themes=[theme], cooperatives=[member.cooperative], author=third
    )
    practice_published.send(sender=Practice, practice=practice, first=True)
    assert Notification.objects.filter(recipient=member).count() == 1
    assert Notification.objects.filter(recipient=coop_admin).count() == 1
    assert not Notification.objects.filter(recipient=third).exists()  # the author
    assert not Notification.objects.filter(recipient=stranger).exists()
    assert Notification.objects.get(recipient=member).url == practice.get_absolute_url()
    # A revision accepted later is no new practice.
    practice_published.send(sender=Practice, practice=practice, first=False)
    assert Notification.objects.count() == 2


def test_bell_shows_the_unread_count_and_the_page_marks_as_read(client_as, member):
    practice = make_practice()
    for number in range(3):
        notify(member, f"Nouvelle {number}", practice.get_absolute_url())
    client = client_as(member)
    html = client.get("/").content.decode()
    assert '3<span class="visually-hidden"> non lues</span>' in html
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Nouvelle 2" in page
    first = Notification.objects.filter(recipient=member).first()
    response = client.get(first.get_absolute_url())
    assert response.status_code == 302 and response["Location"] == practice.get_absolute_url()
    assert Notification.objects.filter(recipient=member, read_at__isnull=True).count() == 2
    # The count comes with the person (accounts.backends.PERSON_ANNOTATIONS): only their own
    # unread ones.
    notify(make_user(), "Pour quelqu'un d'autre", "/")
    assert '2<span class="visually-hidden"> non lues</span>' in client.get("/").content.decode()
    client.post(reverse("notifications:list"))
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()
    assert "non lues" not in client.get("/").content.decode()


def test_nobody_opens_someone_elses_notification(client_as, member, coop_admin):
    notification = notify(member, "Privée", "/")
    assert client_as(coop_admin).get(notification.get_absolute_url()).status_code == 404


def test_the_bell_costs_one_query_for_signed_in_people_and_none_for_visitors(client, member):
    make_practice()
    client.get("/")
    with CaptureQueriesContext(connection) as visitor:
        client.get("/")
    assert not any("community_notification" in q["sql"] for q in visitor.captured_queries)
    client.force_login(member)
    with CaptureQueriesContext(connection) as signed_in:
        client.get("/")
    bell = [q for q in signed_in.captured_queries if "community_notification" in q["sql"]]
    assert len(bell) == 1


def test_notifications_page_queries_do_not_grow(client_as, member, django_assert_max_num_queries):
    client = client_as(member)
    notify(member, "Une", "/")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notifications:list"))
    for number in range(15):
        notify(member, f"Encore {number}", "/")
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("notifications:list"))
