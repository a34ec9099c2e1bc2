"""Ordinary-looking uploads that cost seconds each to decode (issue 8, point 1): twenty PNGs of
7000 × 8000 pixels, 159 KiB each, held every worker until gunicorn killed them.

What one request may make the server decode is bounded from the headers, before any pixel is
decoded; every file sent counts toward the daily limit, refused or not."""

import io
import threading
import time
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from observatoire.accounts.models import ActionCount
from observatoire.practices import uploads
from observatoire.practices.tests.test_attachments import errors_of, form_data, image_bytes

pytestmark = pytest.mark.django_db
SUBMIT = reverse("practices:submit")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(scope="module")
def heavy_png() -> bytes:
    """7000 × 8000 pixels in a few hundred kilobytes at most, as in the attack."""
    output = io.BytesIO()
    Image.new("L", (7000, 8000), 200).save(output, "PNG")
    data = output.getvalue()
    assert len(data) < 400 * 1024
    return data


def pngs(data: bytes, count: int) -> list:
    return [
        SimpleUploadedFile(f"plan-{n}.png", data, content_type="image/png") for n in range(count)
    ]


def test_the_attack_is_refused_from_the_headers_without_decoding(client_as, member, heavy_png):
    decoded = mock.Mock(side_effect=AssertionError("an image was decoded"))
    client = client_as(member)
    with mock.patch.object(Image.Image, "load", decoded):
        started = time.perf_counter()
        response = client.post(SUBMIT, form_data(documents=pngs(heavy_png, 10)))
        spent = time.perf_counter() - started
    assert response.status_code == 200
    assert "trop de pixels" in errors_of(response)
    assert 'value="Des documents pour notre assemblée"' in response.content.decode()  # kept
    assert spent < 2.0, spent  # each took 1 to 3.6 s to decode before


def test_twenty_files_in_one_form_are_refused_before_anything_is_read(client_as, member, heavy_png):
    response = client_as(member).post(SUBMIT, form_data(documents=pngs(heavy_png, 20)))
    assert "Pas plus de 10 documents à la fois" in errors_of(response)


def test_every_file_sent_counts_toward_the_daily_limit(client_as, member, heavy_png):
    client = client_as(member)
    client.post(SUBMIT, form_data(documents=pngs(heavy_png, 10)))
    client.post(SUBMIT, form_data(documents=pngs(heavy_png, 20)))
    assert ActionCount.objects.get(key=f"upload:{member.pk}").count == 30


def test_one_request_decodes_a_bounded_number_of_pixels(client_as, member):
    """Images each under the limit, too many together: the first ones pass, the rest wait for
    another request (nothing typed is lost)."""
    big = image_bytes("PNG", size=(5000, 4000), mode="L")  # 20 megapixels, under the limit
    response = client_as(member).post(SUBMIT, form_data(documents=pngs(big, 4)))
    errors = errors_of(response)
    assert errors.count("trop de calcul pour un seul envoi") == 2
    assert uploads.REQUEST_MAX_PIXELS == 50_000_000


def test_a_usual_photo_is_still_accepted(client_as, member):
    photo = image_bytes("JPEG", size=(4032, 3024))  # a phone's 12 megapixels
    response = client_as(member).post(
        SUBMIT,
        form_data(documents=[SimpleUploadedFile("photo.jpg", photo, content_type="image/jpeg")]),
    )
    assert response.status_code == 302, errors_of(response)


@pytest.mark.django_db(transaction=True)
def test_others_are_served_while_four_members_attack(client, heavy_png, reference_data):
    """Four members post the attack at once; a visitor's page meanwhile answers at once."""
    from django.db import connection, connections
    from django.test import Client

    from observatoire.accounts.tests.factories import make_user
    from observatoire.network.tests.factories import make_cooperative

    if connection.vendor != "postgresql":
        pytest.skip("the in-memory SQLite test database is shared by table locks that never wait")
    cooperative = make_cooperative()
    attackers = [make_user(cooperative=cooperative) for _ in range(4)]
    barrier = threading.Barrier(5)
    spent: list[float] = []

    def attack(person):
        own = Client()
        own.force_login(person)
        barrier.wait()
        try:
            started = time.perf_counter()
            own.post(SUBMIT, form_data(documents=pngs(heavy_png, 10)))
            spent.append(time.perf_counter() - started)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attack, args=(person,)) for person in attackers]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    assert client.get(reverse("practices:list")).status_code == 200
    visitor = time.perf_counter() - started
    for thread in threads:
        thread.join()
    assert len(spent) == 4
    assert max(spent) < 5.0 and visitor < 5.0, (spent, visitor)
