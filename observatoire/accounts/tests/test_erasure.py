"""After an account's deletion, the database holds nothing of the person (issue 8, point 9):
every table and column is read, versions' snapshots and queued email tasks included."""

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from observatoire.accounts.tests.factories import make_user
from observatoire.community.tests.factories import make_comment
from observatoire.practices.models import Practice
from observatoire.practices.moderation import record_save
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db
PASSWORD = "un-mot-de-passe-solide"
NAME = "Zébulon Effaçable"
EMAIL = "zebulon.effacable@exemple.coop"


def everything_written() -> str:
    """Every text, JSON and character column of every row of every table, as one string."""
    texts = []
    for model in apps.get_models(include_auto_created=True):
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
        ]
        if fields:
            for row in model._default_manager.values_list(*fields):
                texts.append(" ".join(str(value) for value in row))
    return "\n".join(texts).casefold()


def test_nothing_of_the_person_is_left_anywhere(client_as, client, cooperative, moderator):
    person = make_user(email=EMAIL, full_name=NAME, cooperative=cooperative)
    login = reverse("accounts:login")
    client.post(login, {"username": EMAIL, "password": "pas-le-bon"})  # a failed attempt
    assert client.post(login, {"username": EMAIL, "password": PASSWORD}).status_code == 302
    signed_in = client_as(person)
    # A practice published with them as its contact, saved in several versions.
    shared = make_practice(
        title="Pratique partagée",
        author=person,
        cooperatives=[cooperative],
        contact_name=NAME,
        contact_email=EMAIL,
    )
    record_save(shared, by=person)
    shared.summary = "Résumé revu"
    shared.save()
    record_save(shared, by=person)
    # A draft never sent, and a submission never published.
    draft = make_practice(
        title="Brouillon de Zébulon",
        author=person,
        status=Practice.Status.DRAFT,
        contact_name=NAME,
        contact_email=EMAIL,
    )
    record_save(draft, by=person)
    sent = make_practice(
        title="Soumission de Zébulon",
        author=person,
        status=Practice.Status.DRAFT,
        cooperatives=[cooperative],
    )
    sent.submit(by=person)
    make_comment(shared, person, body="Un commentaire")
    # Emails waiting in the queue for them, and counters of their limits.
    signed_in.post(reverse("accounts:password_reset"), {"email": EMAIL})
    signed_in.post(
        reverse("accounts:email_change"), {"email": "nouvelle@exemple.coop", "password": PASSWORD}
    )
    assert NAME.casefold() in everything_written() or EMAIL in everything_written()

    response = signed_in.post(reverse("accounts:account_delete"), {"password": PASSWORD})
    assert response.status_code == 302

    written = everything_written()
    for trace in (NAME.casefold(), EMAIL, "zébulon", "nouvelle@exemple.coop"):
        assert trace not in written, trace
    assert Practice.objects.filter(pk=shared.pk).exists()  # the movement keeps what was shared
    assert not Practice.objects.filter(pk__in=[draft.pk, sent.pk]).exists()
