"""Comments on a practice: posting, replies, the edit window, reports, hiding, limits."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from observatoire.community.forms import CommentForm
from observatoire.community.models import Comment, CommentReport
from observatoire.community.tests.factories import make_comment
from observatoire.notifications.models import Notification
from observatoire.practices.models import Practice
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db


def comment_url(practice) -> str:
    return reverse("community:comment_create", kwargs={"slug": practice.slug})


def post(client, practice, **data):
    data.setdefault("kind", "question")
    return client.post(comment_url(practice), data)


def test_a_member_posts_a_comment_and_sees_it_on_the_page(client_as, member):
    practice = make_practice()
    client = client_as(member)
    response = post(client, practice, body="Combien de temps pour la mettre en place ?")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{practice.get_absolute_url()}#commentaire-{comment.pk}"
    assert comment.author == member and comment.kind == "question"
    html = client.get(practice.get_absolute_url()).content.decode()
    assert "Combien de temps pour la mettre en place ?" in html
    assert f'id="commentaire-{comment.pk}"' in html


def test_visitors_read_comments_but_cannot_post(client, member):
    practice = make_practice()
    make_comment(practice, member, body="Un retour visible de tous")
    html = client.get(practice.get_absolute_url()).content.decode()
    assert "Un retour visible de tous" in html
    assert "Connectez-vous pour poser une question" in html
    assert 'name="body"' not in html
    response = post(client, practice, body="Anonyme")
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert Comment.objects.count() == 1


def test_a_new_comment_shows_on_the_visitors_cached_page(client, client_as, member):
    practice = make_practice()
    assert "Premier retour" not in client.get(practice.get_absolute_url()).content.decode()
    make_comment(practice, member, body="Premier retour")
    assert "Premier retour" in client.get(practice.get_absolute_url()).content.decode()


def test_a_signed_in_person_never_gets_the_visitors_cached_page(client, member):
    practice = make_practice()
    client.get(practice.get_absolute_url())  # cached for visitors
    client.force_login(member)
    html = client.get(practice.get_absolute_url()).content.decode()
    assert 'name="body"' in html and "Enregistrer" in html
    assert "Connectez-vous pour poser une question" not in html


def test_members_only_practice_comments_are_hidden_from_visitors(client, client_as, member):
    practice = make_practice(visibility=Practice.Visibility.MEMBERS)
    make_comment(practice, member, body="Réservé aux membres du Mouvement")
    response = client.get(practice.get_absolute_url())
    assert response.status_code == 403
    assert "Réservé aux membres du Mouvement" not in response.content.decode()
    assert client.get(reverse("community:comment_report", args=[1])).status_code == 302
    html = client_as(member).get(practice.get_absolute_url()).content.decode()
    assert "Réservé aux membres du Mouvement" in html


def test_no_comment_on_an_unpublished_practice(client_as, member):
    draft = make_practice(status=Practice.Status.DRAFT)
    assert post(client_as(member), draft, body="Bonjour").status_code == 404
    assert not Comment.objects.exists()


def test_a_reply_is_attached_to_its_top_level_comment(client_as, member, coop_admin):
    practice = make_practice()
    question = make_comment(practice, member)
    client = client_as(coop_admin)
    post(client, practice, body="Une réponse", parent=question.pk, kind="feedback")
    reply = Comment.objects.get(body="Une réponse")
    assert reply.parent == question
    # A reply to a reply joins the same thread: one level only.
    post(client, practice, body="Encore une", parent=reply.pk)
    assert Comment.objects.get(body="Encore une").parent == question
    html = client.get(practice.get_absolute_url()).content.decode()
    assert html.index("Une question d&#x27;essai ?") < html.index("Une réponse")
    assert 'class="comment-replies"' in html


def test_a_reply_to_a_comment_of_another_practice_is_refused(client_as, member):
    practice, other = make_practice(), make_practice()
    elsewhere = make_comment(other, member)
    response = post(client_as(member), practice, body="Perdu", parent=elsewhere.pk)
    assert response.status_code == 404
    response = post(client_as(member), practice, body="Perdu", parent="abc")
    assert response.status_code == 404
    hidden = make_comment(practice, member)
    hidden.hide(by=None, reason="Hors sujet")
    assert post(client_as(member), practice, body="Perdu", parent=hidden.pk).status_code == 404
    assert not Comment.objects.filter(body="Perdu").exists()


def test_an_empty_comment_gets_a_french_message(client_as, member):
    response = post(client_as(member), make_practice(), body="   ")
    assert response.status_code == 400
    assert "Écrivez votre message avant de l&#x27;envoyer." in response.content.decode()


def test_xss_in_a_comment_is_rendered_inert(client_as, member):
    practice = make_practice()
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>\nligne 2'
    post(client_as(member), practice, body=payload)
    html = client_as(member).get(practice.get_absolute_url()).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "onerror=alert(1)&gt;<br>ligne 2" in html


class TestEditWindow:
    def test_the_author_edits_within_the_window_and_sees_until_when(self, client_as, member):
        practice = make_practice()
        comment = make_comment(practice, member)
        client = client_as(member)
        html = client.get(practice.get_absolute_url()).content.decode()
        until = timezone.localtime(comment.editable_until).strftime("%H:%M")
        assert f"possible jusqu'à {until}" in html
        url = reverse("community:comment_edit", args=[comment.pk])
        response = client.post(url, {"kind": "feedback", "body": "Texte corrigé"})
        assert response.status_code == 302
        comment.refresh_from_db()
        assert comment.body == "Texte corrigé" and comment.edited_at is not None

    def test_after_the_window_the_author_cannot_edit(self, client_as, member, settings):
        settings.COMMENT_EDIT_MINUTES = 15
        comment = make_comment(make_practice(), member)
        later = timezone.now() + timedelta(minutes=16)
        url = reverse("community:comment_edit", args=[comment.pk])
        with mock.patch("django.utils.timezone.now", return_value=later):
            assert (
                client_as(member).post(url, {"kind": "question", "body": "Trop tard"}).status_code
                == 403
            )
            html = client_as(member).get(comment.practice.get_absolute_url()).content.decode()
        comment.refresh_from_db()
        assert comment.body != "Trop tard"
        assert "possible jusqu" not in html

    def test_someone_else_cannot_edit(self, client_as, member, coop_admin):
        comment = make_comment(make_practice(), member)
        url = reverse("community:comment_edit", args=[comment.pk])
        assert client_as(coop_admin).post(url, {"kind": "question", "body": "X"}).status_code == 403


class TestReports:
    def test_report_once_with_a_reason(self, client_as, member, coop_admin):
        comment = make_comment(make_practice(), member)
        client = client_as(coop_admin)
        url = reverse("community:comment_report", args=[comment.pk])
        assert client.post(url, {"reason": "Hors sujet"}).status_code == 302
        assert client.post(url, {"reason": "Encore"}).status_code == 200
        report = CommentReport.objects.get()
        assert report.reason == "Hors sujet" and report.reporter == coop_admin
        assert "déjà signalé" in client.get(url).content.decode()

    def test_the_first_report_tells_the_moderators_of_the_union(
        self, client_as, member, coop_admin, moderator, permanent
    ):
        practice = make_practice(cooperatives=[member.cooperative])
        comment = make_comment(practice, member)
        url = reverse("community:comment_report", args=[comment.pk])
        client_as(coop_admin).post(url, {"reason": "Hors sujet"})
        notification = Notification.objects.get(recipient=moderator)
        assert practice.title in notification.text
        assert notification.url == reverse("community:report_list")
        assert not Notification.objects.filter(recipient=permanent).exists()
        client_as(permanent).post(url, {"reason": "Aussi"})
        assert Notification.objects.filter(recipient=moderator).count() == 1

    @pytest.mark.parametrize(
        ("role", "status"),
        [
            ("member", 403),
            ("coop_admin", 403),
            ("permanent", 200),
            ("moderator", 200),
            ("administrator", 200),
        ],
    )
    def test_report_list_for_staff_only(self, client_as, request, member, role, status):
        comment = make_comment(make_practice(), member, body="Signalé ici")
        CommentReport.objects.create(comment=comment, reporter=member, reason="Propos blessants")
        response = client_as(request.getfixturevalue(role)).get(reverse("community:report_list"))
        assert response.status_code == status
        if status == 200:
            assert "Propos blessants" in response.content.decode()


class TestHiding:
    @pytest.mark.parametrize(
        ("role", "allowed"),
        [
            ("member", False),
            ("coop_admin", False),
            ("permanent", True),
            ("moderator", True),
            ("administrator", True),
        ],
    )
    def test_who_may_hide_and_unhide(self, client_as, request, member, role, allowed):
        comment = make_comment(make_practice(), member)
        client = client_as(request.getfixturevalue(role))
        hide = reverse("community:comment_hide", args=[comment.pk])
        response = client.post(hide, {"reason": "Publicité"})
        comment.refresh_from_db()
        assert comment.is_hidden is allowed
        assert response.status_code == (302 if allowed else 403)
        if allowed:
            assert comment.hidden_reason == "Publicité"
            unhide = reverse("community:comment_unhide", args=[comment.pk])
            assert client.post(unhide).status_code == 302
            comment.refresh_from_db()
            assert not comment.is_hidden

    def test_hiding_needs_a_reason(self, client_as, moderator, member):
        comment = make_comment(make_practice(), member)
        url = reverse("community:comment_hide", args=[comment.pk])
        response = client_as(moderator).post(url, {"reason": ""})
        assert "Indiquez le motif" in response.content.decode()
        comment.refresh_from_db()
        assert not comment.is_hidden

    def test_hidden_comment_shows_a_placeholder_and_stays_visible_to_staff(
        self, client, client_as, member, moderator
    ):
        practice = make_practice()
        comment = make_comment(practice, member, body="Achetez mes produits")
        comment.hide(by=moderator, reason="Publicité")
        html = client.get(practice.get_absolute_url()).content.decode()
        assert "Commentaire masqué par la modération" in html
        assert "Achetez mes produits" not in html
        html = client_as(member).get(practice.get_absolute_url()).content.decode()
        assert "Achetez mes produits" not in html
        client.logout()
        html = client_as(moderator).get(practice.get_absolute_url()).content.decode()
        assert "Achetez mes produits" in html and "motif : Publicité" in html
        assert "Rendre visible" in html


class TestAbuse:
    def test_rate_limit_keeps_the_typed_text(self, client_as, member, settings):
        settings.COMMENTS_PER_HOUR = 2
        practice = make_practice()
        client = client_as(member)
        post(client, practice, body="un")
        post(client, practice, body="deux")
        response = post(client, practice, body="Mon troisième message, gardé")
        html = response.content.decode()
        assert response.status_code == 400
        assert "Vous avez atteint la limite de 2 envois par heure" in html
        assert "Mon troisième message, gardé" in html
        assert Comment.objects.count() == 2

    def test_the_limit_counts_only_the_last_hour(self, client_as, member, settings):
        settings.COMMENTS_PER_HOUR = 1
        practice = make_practice()
        make_comment(practice, member, created_at=timezone.now() - timedelta(hours=2))
        assert post(client_as(member), practice, body="Nouveau").status_code == 302

    def test_honeypot_refuses_robots_and_keeps_the_text(self, client_as, member):
        response = post(
            client_as(member), make_practice(), body="Texte d'un robot", site_web="spam.example"
        )
        html = response.content.decode()
        assert response.status_code == 400
        assert "semble rempli par un robot" in html and "Texte d&#x27;un robot" in html
        assert not Comment.objects.exists()


def test_practice_page_queries_do_not_grow_with_comments(
    client_as, member, coop_admin, moderator, django_assert_max_num_queries
):
    practice = make_practice()
    client = client_as(moderator)

    def count_queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(practice.get_absolute_url()).status_code == 200
        return len(queries)

    make_comment(practice, member, body="Première")  # no comment at all: no query for them
    few = count_queries()
    for number in range(20):
        top = make_comment(practice, member if number % 2 else coop_admin, body=f"Q{number}")
        make_comment(practice, coop_admin, body=f"R{number}", parent=top)
    cache.clear()
    with django_assert_max_num_queries(few):
        html = client.get(practice.get_absolute_url()).content.decode()
    assert "Q19" in html and "R19" in html


@pytest.mark.parametrize(
    "form",
    [
        lambda: CommentForm(auto_id="id_comment_%s"),
        lambda: CommentForm(initial={"kind": "feedback", "body": "Déjà écrit <b>"}),
        lambda: CommentForm({"kind": "feedback", "body": ""}),
        lambda: CommentForm({"kind": "nimporte", "body": "x" * 6000}),
        lambda: CommentForm({"kind": "question", "body": "Robot", "site_web": 'https://x/"<'}),
    ],
)
def test_comment_fields_written_out_are_the_widgets_markup(rf, form):
    """comment_fields.html writes the radio buttons and the text area itself (Django renders a
    widget through several templates): the same markup as the widgets, values and errors
    included."""
    from django.template.loader import render_to_string

    form = form()
    form.is_bound and form.is_valid()
    html = render_to_string(
        "community/comment_fields.html",
        {"form": form, "practice": make_practice(), "edit_minutes": 15},
        request=rf.get("/"),
    )
    assert str(form["body"]) in html
    for option in form["kind"]:
        assert str(option.tag()) in html
    assert str(form["site_web"]) in html  # includes/honeypot.html
