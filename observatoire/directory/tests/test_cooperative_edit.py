"""Keeping a cooperative's page true: who edits it, what an edit changes, versions, contact."""

import pytest
from django.utils.html import escape

from observatoire.accounts.models import Role
from observatoire.accounts.tests.factories import make_user
from observatoire.network.models import (
    CooperativeVersion,
    Departement,
    LocationPrecision,
)
from observatoire.network.tests.factories import make_cooperative

pytestmark = pytest.mark.django_db


def edit_url(cooperative) -> str:
    return f"/annuaire/{cooperative.slug}/modifier/"


def form_data(**changes) -> dict:
    data = {
        "description": "Nous fabriquons des meubles.",
        "website": "https://exemple.coop/",
        "contact_email": "contact@exemple.coop",
        "contact_phone": "04 72 00 00 00",
        "latitude": "",
        "longitude": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_its_administrator_edits_it_and_each_edit_is_a_version(client):
    cooperative = make_cooperative(name="Menuiserie des Pentes")
    admin = make_user(role=Role.COOPERATIVE_ADMIN, cooperative=cooperative, full_name="Alix")
    client.force_login(admin)
    page = client.get(edit_url(cooperative))
    assert page.status_code == 200
    response = client.post(edit_url(cooperative), form_data())
    assert response.status_code == 302 and response["Location"] == cooperative.get_absolute_url()
    cooperative.refresh_from_db()
    assert cooperative.description == "Nous fabriquons des meubles."
    assert cooperative.contact_phone == "04 72 00 00 00" and not cooperative.contact_public
    # The page before its first edit, then the edit, by whom, with what it changed.
    first, second = CooperativeVersion.objects.filter(cooperative=cooperative).order_by("number")
    assert (first.number, first.author, first.changed) == (1, None, [])
    assert first.data["description"] == ""
    assert (second.number, second.author) == (2, admin)
    assert set(second.changed) == {"description", "website", "contact_email", "contact_phone"}

    # Saved again unchanged: no version.
    client.post(edit_url(cooperative), form_data())
    assert cooperative.versions.count() == 2
    client.post(edit_url(cooperative), form_data(description="Des meubles et des portes."))
    assert cooperative.versions.count() == 3
    history = client.get(f"/annuaire/{cooperative.slug}/historique/").content.decode()
    assert "Des meubles et des portes." in history and "Alix" in history
    assert "la fiche avant sa première modification" in history


def test_a_permanent_edits_the_cooperatives_of_their_union_only(client):
    here = make_cooperative(name="Ici")
    elsewhere = make_cooperative(name="Ailleurs", departement=Departement.objects.get(code="35"))
    permanent = make_user(role=Role.PERMANENT, organisation=here.union)
    client.force_login(permanent)
    assert client.post(edit_url(here), form_data()).status_code == 302
    assert client.post(edit_url(elsewhere), form_data()).status_code == 403
    elsewhere.refresh_from_db()
    assert elsewhere.description == "" and not elsewhere.versions.exists()


def test_a_member_and_another_cooperatives_admin_may_not(client):
    cooperative = make_cooperative()
    for user in (
        make_user(role=Role.MEMBER, cooperative=cooperative),
        make_user(role=Role.COOPERATIVE_ADMIN, cooperative=make_cooperative()),
    ):
        client.force_login(user)
        assert client.get(edit_url(cooperative)).status_code == 403
        assert client.post(edit_url(cooperative), form_data()).status_code == 403
    cooperative.refresh_from_db()
    assert cooperative.description == ""


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"website": "exemple"}, "website", "adresse web complète"),
        ({"contact_email": "pas-une-adresse"}, "contact_email", "n'est pas valide"),
        ({"contact_phone": "appelez-nous"}, "contact_phone", "que des chiffres"),
        ({"contact_phone": "12"}, "contact_phone", "trop court"),
        ({"description": "x" * 3001}, "description", "3000 caractères au plus"),
        ({"latitude": "45.7"}, "longitude", "ou aucune des deux"),
        ({"latitude": "abc", "longitude": "4.8"}, "latitude", "degrés décimaux"),
        ({"latitude": "1e2", "longitude": "4.8"}, "latitude", "degrés décimaux"),
        ({"latitude": "51.5072", "longitude": "-0.1276"}, "latitude", "pas en France"),
    ],
)
def test_bad_input_gets_a_french_message_and_keeps_what_was_typed(client, changes, field, message):
    cooperative = make_cooperative()
    client.force_login(make_user(role=Role.COOPERATIVE_ADMIN, cooperative=cooperative))
    response = client.post(edit_url(cooperative), form_data(**changes))
    assert response.status_code == 400
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    page = response.content.decode()
    assert "ce que vous avez saisi est conservé" in page
    for value in changes.values():  # what was typed is sent back
        assert escape(value) in page
    cooperative.refresh_from_db()
    assert cooperative.contact_email == "" and not cooperative.versions.exists()


def test_the_exact_point_is_placed_and_removed(client):
    cooperative = make_cooperative(commune="Lyon")
    assert cooperative.location_precision == LocationPrecision.COMMUNE
    centre = (cooperative.latitude, cooperative.longitude)
    client.force_login(make_user(role=Role.COOPERATIVE_ADMIN, cooperative=cooperative))
    client.post(edit_url(cooperative), form_data(latitude="45,7485", longitude="4.8467"))
    cooperative.refresh_from_db()
    assert cooperative.location_precision == LocationPrecision.EXACT
    assert (cooperative.latitude, cooperative.longitude) == (45.7485, 4.8467)
    # Overseas is France too.
    client.post(edit_url(cooperative), form_data(latitude="-20.8821", longitude="55.4507"))
    cooperative.refresh_from_db()
    assert (cooperative.latitude, cooperative.longitude) == (-20.8821, 55.4507)
    # Emptied: back to its commune's centre.
    client.post(edit_url(cooperative), form_data())
    cooperative.refresh_from_db()
    assert cooperative.location_precision == LocationPrecision.COMMUNE
    assert (cooperative.latitude, cooperative.longitude) == centre


def test_the_contact_shows_to_members_and_to_visitors_when_chosen(client):
    cooperative = make_cooperative(name="Contactable")
    cooperative.contact_email = "bonjour@contactable.coop"
    cooperative.contact_phone = "01 02 03 04 05"
    cooperative.save()
    page = client.get(cooperative.get_absolute_url()).content.decode()
    assert "bonjour@contactable.coop" not in page and "01 02 03 04 05" not in page
    assert "réservé aux membres" in page
    client.force_login(make_user(role=Role.MEMBER, cooperative=make_cooperative()))
    page = client.get(cooperative.get_absolute_url()).content.decode()
    assert "bonjour@contactable.coop" in page and 'href="tel:0102030405"' in page
    assert "Modifier la fiche" not in page  # not theirs to edit
    client.logout()

    admin = make_user(role=Role.COOPERATIVE_ADMIN, cooperative=cooperative)
    client.force_login(admin)
    assert "Modifier la fiche" in client.get(cooperative.get_absolute_url()).content.decode()
    client.post(
        edit_url(cooperative),
        form_data(
            contact_email="bonjour@contactable.coop",
            contact_phone="01 02 03 04 05",
            contact_public="on",
        ),
    )
    client.logout()
    page = client.get(cooperative.get_absolute_url()).content.decode()
    assert "bonjour@contactable.coop" in page


def test_its_union_archives_a_cooperative_that_left_and_brings_it_back(client):
    cooperative = make_cooperative(name="Partie")
    make_cooperative(name="Restée")
    admin = make_user(role=Role.COOPERATIVE_ADMIN, cooperative=cooperative)
    client.force_login(admin)
    assert "archived" not in client.get(edit_url(cooperative)).context["form"].fields
    client.post(edit_url(cooperative), form_data(archived="on"))  # not theirs to say: ignored
    cooperative.refresh_from_db()
    assert cooperative.archived_at is None

    client.force_login(make_user(role=Role.PERMANENT, organisation=cooperative.union))
    client.post(edit_url(cooperative), form_data(archived="on"))
    cooperative.refresh_from_db()
    assert cooperative.archived_at is not None
    listed = client.get("/annuaire/").context["listing"].page.object_list
    assert [c.name for c in listed] == ["Restée"]
    assert cooperative.versions.order_by("-number").first().data["archived"] is True
    history = client.get(f"/annuaire/{cooperative.slug}/historique/").content.decode()
    assert "Archivée (a quitté le réseau)" in history

    client.post(edit_url(cooperative), form_data())  # unticked: back in the directory
    cooperative.refresh_from_db()
    assert cooperative.archived_at is None
    listed = client.get("/annuaire/").context["listing"].page.object_list
    assert sorted(c.name for c in listed) == ["Partie", "Restée"]


def png_bytes(size=(40, 30)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_logo_is_checked_stored_shown_served_and_removed(
    client, media, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    cooperative = make_cooperative(name="Menuiserie des Pentes")
    admin = make_user(role=Role.COOPERATIVE_ADMIN, cooperative=cooperative)
    client.force_login(admin)
    logo = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
    response = client.post(edit_url(cooperative), {**form_data(), "logo": logo})
    assert response.status_code == 302
    cooperative.refresh_from_db()
    stored = cooperative.logo.name
    assert stored.startswith("logos/") and stored.endswith(".png")
    version = cooperative.versions.order_by("-number").first()
    assert "logo" in version.changed and version.data["logo"] == stored
    page = client.get(cooperative.get_absolute_url()).content.decode()
    assert f"/annuaire/{cooperative.slug}/logo/" in page and "Logo de Menuiserie des Pentes" in page
    client.logout()  # a visitor sees it too, as an image that runs nothing
    served = client.get(f"/annuaire/{cooperative.slug}/logo/")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")
    history_url = f"/annuaire/{cooperative.slug}/historique/"
    assert client.get(history_url).status_code == 302  # the history is its editors' only
    client.force_login(admin)
    assert "nouveau logo" in client.get(history_url).content.decode()

    # Removed: the page and the address say so, and the file goes once the change is kept.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url(cooperative), {**form_data(), "remove_logo": "on"})
    assert response.status_code == 302
    cooperative.refresh_from_db()
    assert not cooperative.logo
    assert not (media / stored).exists()
    assert client.get(f"/annuaire/{cooperative.slug}/logo/").status_code == 404


@pytest.mark.parametrize(
    "name, content",
    [
        ("logo.png", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"),  # a PDF
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("logo.png", b"MZ\x90\x00" + b"\x00" * 200),  # a program
        ("logo.png", b"not an image at all"),
        ("logo.png", b""),
    ],
)
def test_a_logo_that_is_not_an_image_is_refused_in_french_and_nothing_is_lost(
    client, media, name, content
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    cooperative = make_cooperative()
    client.force_login(make_user(role=Role.COOPERATIVE_ADMIN, cooperative=cooperative))
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    data = form_data(description="Ce que j'ai tapé reste là.")
    response = client.post(edit_url(cooperative), {**data, "logo": upload})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Ce que j&#x27;ai tapé reste là." in text  # what was typed is kept
    assert 'id="id_logo_error"' in text
    cooperative.refresh_from_db()
    assert not cooperative.logo and cooperative.description == ""
    assert not list(media.rglob("*.*"))


def test_an_oversized_logo_is_refused_before_it_is_read(client, media, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.ATTACHMENT_MAX_BYTES = 1000
    cooperative = make_cooperative()
    client.force_login(make_user(role=Role.COOPERATIVE_ADMIN, cooperative=cooperative))
    upload = SimpleUploadedFile("logo.png", png_bytes((400, 400)) + b"\x00" * 2000)
    response = client.post(edit_url(cooperative), {**form_data(), "logo": upload})
    assert response.status_code == 400
    assert "la limite est de" in response.content.decode()
    cooperative.refresh_from_db()
    assert not cooperative.logo
