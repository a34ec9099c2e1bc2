"""Every page of the community app is valid HTML (html-validate, as pages/tests/test_html_valid)."""

import pytest
from django.urls import reverse

from observatoire.community.models import Adoption, Bookmark, CommentReport, Follow
from observatoire.community.tests.factories import make_comment
from observatoire.notifications.digest import unsubscribe_token
from observatoire.notifications.notify import notify
from observatoire.pages.tests.test_html_valid import assert_valid
from observatoire.practices.models import Category, Theme
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db


def test_community_pages_are_valid_html(client, member, coop_admin, moderator):
    practice = make_practice(title="Une pratique discutée")
    question = make_comment(practice, member, body="Une question\nsur deux lignes")
    make_comment(practice, coop_admin, body="Une réponse", parent=question)
    hidden = make_comment(practice, coop_admin, body="Masqué")
    hidden.hide(by=moderator, reason="Hors sujet")
    Adoption.objects.create(practice=practice, cooperative=member.cooperative, feedback="Bien")
    Bookmark.objects.create(user=member, practice=practice)
    Follow.objects.create(user=member, practice=practice)
    Follow.objects.create(user=member, category=Category.objects.first())
    CommentReport.objects.create(comment=question, reporter=coop_admin, reason="Doublon")
    notify(member, "Quelqu'un a répondu", question.get_absolute_url())

    pages = {"pratique (visiteur)": client.get(practice.get_absolute_url())}
    pages["coopérative (visiteur)"] = client.get(member.cooperative.get_absolute_url())
    pages["désabonnement"] = client.get(
        reverse("notifications:unsubscribe", args=[unsubscribe_token(member)])
    )
    pages["désabonnement invalide"] = client.get(reverse("notifications:unsubscribe", args=["x"]))
    client.force_login(member)
    pages |= {
        "pratique (membre)": client.get(practice.get_absolute_url()),
        "catégorie (membre)": client.get(Category.objects.first().get_absolute_url()),
        "thème (membre)": client.get(Theme.objects.first().get_absolute_url()),
        "coopérative (membre)": client.get(member.cooperative.get_absolute_url()),
        "modifier": client.get(reverse("community:comment_edit", args=[question.pk])),
        "signaler": client.get(reverse("community:comment_report", args=[hidden.pk])),
        "adoption": client.get(reverse("community:adoption_edit", args=[practice.slug])),
        "favoris": client.get(reverse("community:my_bookmarks")),
        "abonnements": client.get(reverse("community:my_follows")),
        "notifications": client.get(reverse("notifications:list")),
        "commentaire en erreur": client.post(
            reverse("community:comment_create", args=[practice.slug]),
            {"kind": "question", "body": "", "parent": question.pk},
        ),
    }
    client.force_login(moderator)
    pages |= {
        "pratique (modération)": client.get(practice.get_absolute_url()),
        "masquer": client.post(reverse("community:comment_hide", args=[question.pk]), {}),
        "signalements": client.get(reverse("community:report_list")),
    }
    statuses = {name: response.status_code for name, response in pages.items()}
    assert statuses == {
        **dict.fromkeys(pages, 200),
        "désabonnement invalide": 400,
        "commentaire en erreur": 400,
    }
    assert_valid(pages)
