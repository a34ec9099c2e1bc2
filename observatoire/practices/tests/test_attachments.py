"""Attachments: types checked on content, hostile uploads refused, files kept across errors,
served only to the people who may see the practice."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from observatoire.accounts.models import Role
from observatoire.accounts.tests.factories import make_user
from observatoire.practices.models import Attachment, Category, Practice
from observatoire.practices.tests.factories import make_practice
from observatoire.practices.uploads import DOCX, ODT, XLSX

pytestmark = pytest.mark.django_db
SUBMIT = reverse("practices:submit")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# Files, made here.


def image_bytes(image_format: str, size=(40, 30), mode="RGB", **options) -> bytes:
    output = io.BytesIO()
    Image.new(mode, size, "teal" if mode != "1" else 0).save(output, image_format, **options)
    return output.getvalue()


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def office_bytes(main_part: str, content_type: str, extra=None) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'content-types"><Override PartName="/{main_part}" ContentType="{content_type}"/>'
            "</Types>",
        )
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("docProps/app.xml", "<Properties/>")
        archive.writestr(main_part, "<document>Compte rendu</document>")
        if extra:
            extra(archive)
    return output.getvalue()


def docx_bytes(extra=None) -> bytes:
    return office_bytes("word/document.xml", "application/main+xml", extra)


def odt_bytes() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("mimetype", ODT)  # first and stored, as the OpenDocument spec says
        archive.writestr("content.xml", "<office:document-content/>")
    return output.getvalue()


def exe_bytes() -> bytes:
    header = bytearray(256)
    header[0:2] = b"MZ"
    header[0x3C:0x40] = (0x80).to_bytes(4, "little")
    header[0x80:0x84] = b"PE\x00\x00"
    return bytes(header) + b"\x90" * 512


SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def bomb_png() -> bytes:
    """20000 × 20000 pixels (400 million), a few dozen kilobytes on disk."""
    return image_bytes("PNG", size=(20000, 20000), mode="1")


def zip_bomb_docx() -> bytes:
    return docx_bytes(lambda archive: archive.writestr("word/media/x.xml", b"\0" * 150_000_000))


def upload(name: str, content: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# Posting the form.


def form_data(**changes) -> dict:
    data = {
        "title": "Des documents pour notre assemblée",
        "summary": "Ce que nous partageons avec les autres coopératives.",
        "category": Category.objects.get(slug="un-vecu").pk,
        "actions": "Nous avons écrit un guide.",
        "visibility": "public",
        "action": "brouillon",
    }
    data.update(changes)
    return data


def errors_of(response) -> str:
    html = response.content.decode()
    return " ".join(re.findall(r'<p class="field-error">(.*?)</p>', html))


def hidden_ids(response) -> list[str]:
    return re.findall(r'name="document_id" value="(\d+)"', response.content.decode())


HOSTILE = [
    ("rapport.pdf", exe_bytes(), "n&#x27;est pas accepté. Types acceptés : PDF, images"),
    ("dessin.svg", SVG, "Les images SVG ne sont pas acceptées"),
    ("dessin.png", SVG, "exportez l&#x27;image en PNG"),
    ("page.pdf", HTML, "Ce type de fichier n&#x27;est pas accepté"),
    ("bombe.png", bomb_png(), "Cette image compte trop de pixels"),
    ("bombe.docx", zip_bomb_docx(), "se décompresse en un volume anormalement grand"),
    (
        "evasion.docx",
        docx_bytes(lambda archive: archive.writestr("../../etc/cron.d/x", "* * * * * root")),
        "chemins de fichiers dangereux",
    ),
    (
        "macros.docx",
        docx_bytes(lambda archive: archive.writestr("word/vbaProject.bin", b"\xd0\xcf")),
        "contiennent des macros",
    ),
    ("archive.pdf", office_bytes("autre/chose.xml", "x"), "Ce type de fichier"),
    ("abime.png", image_bytes("PNG")[:60], "illisible ou endommagée"),
    ("vide.pdf", b"", "vide"),
]


@pytest.mark.parametrize(("name", "content", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_uploads_are_refused_with_a_french_message(
    client_as, member, name, content, message
):
    response = client_as(member).post(SUBMIT, form_data(documents=[upload(name, content)]))
    assert response.status_code == 200
    assert message in errors_of(response)
    assert f"« {name} »" in errors_of(response)
    assert not Attachment.objects.exists() and not Practice.objects.exists()
    # The rest of the form keeps what was typed.
    assert "Des documents pour notre assemblée" in response.content.decode()


def test_an_oversized_upload_is_refused_from_its_size(client_as, member, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    content = pdf_bytes() + b"%" * 2000
    response = client_as(member).post(SUBMIT, form_data(documents=[upload("gros.pdf", content)]))
    assert "Ce fichier pèse 2,1 Ko : la limite est de 1 Ko par fichier" in errors_of(response)
    assert not Attachment.objects.exists()


def test_valid_files_are_stored_with_their_detected_type(client_as, member, media_in_tmp):
    files = [
        upload("Compte rendu AG.pdf", pdf_bytes(), "image/png"),  # the browser's type is ignored
        upload("photo.jpg", image_bytes("JPEG")),
        upload("schéma.png", image_bytes("PNG", mode="RGBA")),
        upload("anime.gif", image_bytes("GIF")),
        upload("visuel.webp", image_bytes("WEBP")),
        upload("guide.docx", docx_bytes()),
        upload("budget.xlsx", office_bytes("xl/workbook.xml", "x")),
        upload("notes.odt", odt_bytes()),
        upload("mal-nomme.txt", pdf_bytes()),  # the name does not matter either
    ]
    response = client_as(member).post(SUBMIT, form_data(documents=files))
    assert response.status_code == 302
    practice = Practice.objects.get()
    stored = {a.original_name: a for a in practice.attachments.all()}
    assert {name: a.content_type for name, a in stored.items()} == {
        "Compte rendu AG.pdf": "application/pdf",
        "photo.jpg": "image/jpeg",
        "schéma.png": "image/png",
        "anime.gif": "image/gif",
        "visuel.webp": "image/webp",
        "guide.docx": DOCX,
        "budget.xlsx": XLSX,
        "notes.odt": ODT,
        "mal-nomme.txt": "application/pdf",
    }
    pdf = stored["Compte rendu AG.pdf"]
    assert pdf.title == "Compte rendu AG.pdf" and pdf.uploaded_by == member
    assert re.fullmatch(r"pratiques/\d{4}/\d{2}/compte-rendu-ag-[0-9a-f]{8}\.pdf", pdf.file.name)
    assert stored["mal-nomme.txt"].file.name.endswith(".pdf")
    assert (
        pdf.size == len(pdf_bytes()) and (media_in_tmp / pdf.file.name).read_bytes() == pdf_bytes()
    )


def test_images_are_resized_and_stripped_of_their_metadata(client_as, member):
    exif = Image.Exif()
    exif[0x010F] = "Appareil indiscret"  # Make
    big = image_bytes("JPEG", size=(4000, 2500), exif=exif.tobytes()) + b"PK\x03\x04charge"
    response = client_as(member).post(SUBMIT, form_data(documents=[upload("grande.jpg", big)]))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    with attachment.file.open("rb") as handle:
        data = handle.read()
    image = Image.open(io.BytesIO(data))
    assert image.size == (1600, 1000) and image.format == "JPEG"
    assert not image.getexif() and b"charge" not in data
    assert attachment.size == len(data)


def test_an_error_elsewhere_keeps_the_file_and_a_later_post_links_it(client_as, member):
    client = client_as(member)
    data = form_data(action="soumettre", summary="", documents=[upload("guide.pdf", pdf_bytes())])
    response = client.post(SUBMIT, data)
    assert response.status_code == 200 and "Ce champ est obligatoire." in response.content.decode()
    pending = Attachment.objects.get()
    assert pending.practice is None and pending.uploaded_by == member
    assert hidden_ids(response) == [str(pending.pk)]
    assert "guide.pdf" in response.content.decode()
    # The person corrects the summary, renames the file, and does not upload it again.
    data = form_data(action="soumettre", document_id=[pending.pk])
    data[f"document_title_{pending.pk}"] = "  Le guide   complet "
    response = client.post(SUBMIT, data)
    assert response.status_code == 302
    pending.refresh_from_db()
    practice = Practice.objects.get()
    assert pending.practice == practice and pending.title == "Le guide complet"
    assert practice.status == Practice.Status.SUBMITTED


def test_a_refused_file_does_not_lose_the_valid_one_beside_it(client_as, member):
    files = [upload("bon.pdf", pdf_bytes()), upload("mauvais.pdf", exe_bytes())]
    response = client_as(member).post(SUBMIT, form_data(documents=files))
    assert response.status_code == 200 and "« mauvais.pdf »" in errors_of(response)
    assert not Practice.objects.exists()
    kept = Attachment.objects.get()
    assert kept.original_name == "bon.pdf" and hidden_ids(response) == [str(kept.pk)]


def test_nobody_claims_someone_elses_pending_upload(client_as, member, cooperative):
    client = client_as(member)
    client.post(SUBMIT, form_data(title="", documents=[upload("a-moi.pdf", pdf_bytes())]))
    pending = Attachment.objects.get()
    other = make_user(role=Role.MEMBER, cooperative=cooperative)
    client = client_as(other)
    response = client.post(SUBMIT, form_data(title="", document_id=[pending.pk]))
    assert "a-moi.pdf" not in response.content.decode() and hidden_ids(response) == []
    assert client.post(SUBMIT, form_data(document_id=[pending.pk])).status_code == 302
    pending.refresh_from_db()
    assert pending.practice is None
    assert Practice.objects.get().attachments.count() == 0
    pending_url = reverse("practices:pending_attachment", args=[pending.pk])
    assert client.get(pending_url).status_code == 404
    assert client_as(member).get(pending_url).status_code == 200


def test_retirer_removes_the_file(client_as, member, media_in_tmp):
    client = client_as(member)
    client.post(SUBMIT, form_data(documents=[upload("a-retirer.pdf", pdf_bytes())]))
    practice = Practice.objects.get()
    attachment = practice.attachments.get()
    path = media_in_tmp / attachment.file.name
    assert path.exists()
    edit = reverse("practices:edit", args=[practice.slug])
    html = client.get(edit).content.decode()
    assert f'name="document_remove" value="{attachment.pk}"' in html
    assert client.post(edit, form_data(document_remove=[attachment.pk])).status_code == 302
    assert not Attachment.objects.exists() and not path.exists()


def test_the_form_is_multipart_and_lists_accepted_types(client_as, member):
    html = client_as(member).get(SUBMIT).content.decode()
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html and "multiple" in html
    assert "Documents et images" in html and "10 Mo au plus par fichier" in html


# Serving the files.


def attach(practice: Practice, *, name="guide.pdf", content=None, content_type="application/pdf"):
    from django.core.files.base import ContentFile

    attachment = Attachment(
        practice=practice,
        title=name,
        original_name=name,
        content_type=content_type,
        size=len(content or pdf_bytes()),
    )
    attachment.file.save(f"fichier.{name.rsplit('.', 1)[-1]}", ContentFile(content or pdf_bytes()))
    return attachment


def file_url(attachment: Attachment) -> str:
    assert attachment.practice is not None
    return reverse("practices:attachment", args=[attachment.practice.slug, attachment.pk])


def test_a_document_is_downloaded_with_safe_headers(client):
    attachment = attach(make_practice(), name="Le guide.pdf")
    response = client.get(file_url(attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="le-guide.pdf"'
    assert "sandbox" in response["Content-Security-Policy"]


def test_an_image_is_shown_inline(client):
    attachment = attach(
        make_practice(), name="photo.png", content=image_bytes("PNG"), content_type="image/png"
    )
    response = client.get(file_url(attachment))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_draft_s_files_only_to_its_author(client_as, member, cooperative):
    draft = make_practice(status=Practice.Status.DRAFT, author=member, published_at=None)
    url = file_url(attach(draft))
    other = make_user(role=Role.MEMBER, cooperative=cooperative)
    assert client_as(other).get(url).status_code == 404
    assert client_as(member).get(url).status_code == 200


def test_members_only_files_stay_with_members(client, client_as, member):
    practice = make_practice(visibility=Practice.Visibility.MEMBERS)
    url = file_url(attach(practice))
    assert client.get(url).status_code == 404
    assert client_as(member).get(url).status_code == 200


def test_a_file_under_another_practice_s_address_is_not_found(client):
    attachment = attach(make_practice(visibility=Practice.Visibility.MEMBERS))
    public = make_practice()
    assert client.get(f"/pratiques/{public.slug}/documents/{attachment.pk}/").status_code == 404


def test_pending_files_need_a_sign_in(client, member):
    attachment = attach(None)
    attachment.uploaded_by = member
    attachment.save()
    response = client.get(reverse("practices:pending_attachment", args=[attachment.pk]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_page_lists_documents_with_plain_words(client, django_assert_max_num_queries):
    practice = make_practice()
    attach(practice, name="Le guide.pdf")
    attach(practice, name="statuts.docx", content=docx_bytes(), content_type=DOCX)
    photo = attach(
        practice, name="Notre équipe.png", content=image_bytes("PNG"), content_type="image/png"
    )
    html = client.get(practice.get_absolute_url()).content.decode()
    assert "<h2>Documents</h2>" in html
    assert "(PDF, " in html and "(document Word, " in html and "(image, " in html
    assert re.search(r"\(PDF, \d+ octets\)", html)
    assert f'src="{file_url(photo)}" alt="Notre équipe.png"' in html
    assert "/media/" not in html


def test_attachments_cost_no_query_each(client_as, member):
    practice = make_practice()
    attach(practice)
    client = client_as(member)
    client.get(practice.get_absolute_url())  # warm the caches of the session and the site

    def queries_for_page() -> int:
        from django.core.cache import cache
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(practice.get_absolute_url()).status_code == 200
        return len(queries)

    one = queries_for_page()
    for number in range(4):
        attach(practice, name=f"annexe-{number}.pdf")
    assert queries_for_page() == one


def test_the_pages_with_attachments_are_valid_html(client_as, member):
    from observatoire.pages.tests.test_html_valid import assert_valid

    client = client_as(member)
    files = [upload("guide.pdf", pdf_bytes()), upload("dessin.svg", SVG)]
    form_with_errors = client.post(SUBMIT, form_data(documents=files))
    practice = make_practice()
    attach(practice, name="Le guide.pdf")
    attach(practice, name="photo.png", content=image_bytes("PNG"), content_type="image/png")
    assert hidden_ids(form_with_errors) and "dessin.svg" in errors_of(form_with_errors)
    assert_valid({"form": form_with_errors, "detail": client.get(practice.get_absolute_url())})


def test_past_the_limit_no_byte_of_the_file_is_kept(rf, settings):
    from observatoire.practices.uploads import OversizedUpload, SizeLimitHandler

    settings.ATTACHMENT_MAX_BYTES = 100_000
    big, small = b"%PDF-" + b"x" * 300_000, pdf_bytes()
    request = rf.post(SUBMIT, {"documents": [upload("gros.pdf", big), upload("petit.pdf", small)]})
    request.upload_handlers.insert(0, SizeLimitHandler(request))
    oversized, kept = request.FILES.getlist("documents")
    assert isinstance(oversized, OversizedUpload) and oversized.size == len(big)
    assert oversized.read() == b"" and kept.read() == small


def test_the_form_still_checks_the_csrf_token(member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(SUBMIT, form_data(documents=[upload("guide.pdf", pdf_bytes())]))
    assert response.status_code == 403 and not Attachment.objects.exists()
    edit = reverse("practices:edit", args=[make_practice(status="draft", author=member).slug])
    assert client.post(edit, form_data()).status_code == 403


def test_an_animated_gif_stays_animated_and_is_resized(client_as, member):
    frames = [Image.new("RGB", (2000, 1000), color) for color in ("red", "green", "blue")]
    output = io.BytesIO()
    frames[0].save(output, "GIF", save_all=True, append_images=frames[1:], duration=200, loop=0)
    client = client_as(member)
    response = client.post(SUBMIT, form_data(documents=[upload("anim.gif", output.getvalue())]))
    assert response.status_code == 302
    with Attachment.objects.get().file.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        assert image.format == "GIF" and image.size == (1600, 800) and image.n_frames == 3


def test_the_preview_shows_the_documents_to_their_author(client_as, member):
    client = client_as(member)
    files = [upload("guide.pdf", pdf_bytes())]
    response = client.post(SUBMIT, form_data(action="apercu", documents=files))
    practice = Practice.objects.get()
    assert response["Location"] == reverse("practices:preview", args=[practice.slug])
    html = client.get(response["Location"]).content.decode()
    url = file_url(practice.attachments.get())
    assert f'href="{url}"' in html and client.get(url).status_code == 200


def test_abandoned_uploads_are_purged_with_their_files(member, media_in_tmp):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    old, recent_one, linked = attach(None), attach(None), attach(make_practice())
    Attachment.objects.filter(pk__in=[old.pk, linked.pk]).update(
        created_at=timezone.now() - timedelta(days=3)
    )
    call_command("purgeuploads", stdout=io.StringIO())
    assert set(Attachment.objects.values_list("pk", flat=True)) == {recent_one.pk, linked.pk}
    assert not (media_in_tmp / old.file.name).exists()
    assert (media_in_tmp / linked.file.name).exists()


def test_the_admin_shows_attachments_without_accepting_files(client_as, administrator):
    attachment = attach(make_practice(), name="Le guide.pdf")
    client = client_as(administrator)
    changelist = client.get(reverse("admin:practices_attachment_changelist"))
    assert changelist.status_code == 200 and "Le guide.pdf" in changelist.content.decode()
    change = client.get(reverse("admin:practices_attachment_change", args=[attachment.pk]))
    assert change.status_code == 200 and 'type="file"' not in change.content.decode()
    assert client.get(reverse("admin:practices_attachment_add")).status_code == 403


def test_moderators_open_the_files_of_the_practices_they_review(
    client_as, member, moderator, cooperative
):
    from observatoire.network.models import Departement
    from observatoire.network.tests.factories import make_cooperative

    submitted = make_practice(
        status=Practice.Status.SUBMITTED, author=member, cooperatives=[cooperative]
    )
    client = client_as(moderator)
    assert client.get(file_url(attach(submitted))).status_code == 200
    rennes = make_cooperative(departement=Departement.objects.get(code="35"))
    elsewhere = make_practice(status=Practice.Status.SUBMITTED, cooperatives=[rennes])
    assert client.get(file_url(attach(elsewhere))).status_code == 404


def test_too_many_frames_are_a_bomb_too(monkeypatch):
    from django.core.exceptions import ValidationError

    from observatoire.practices import uploads

    monkeypatch.setattr(uploads, "ANIMATION_MAX_PIXELS", 25_000)
    frames = [Image.new("RGB", (100, 100), color) for color in ("red", "green", "blue")]
    output = io.BytesIO()
    frames[0].save(output, "GIF", save_all=True, append_images=frames[1:])
    with pytest.raises(ValidationError, match="trop de pixels"):
        uploads.validate_upload(upload("anim.gif", output.getvalue()))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (office_bytes("ppt/presentation.xml", "x"), "presentationml.presentation"),
        (office_bytes("xl/workbook.xml", "x"), "spreadsheetml.sheet"),
        (office_bytes("word/document.xml", "macroEnabled.main+xml"), "macros"),
    ],
)
def test_office_documents_are_told_by_their_main_part(content, expected):
    from django.core.exceptions import ValidationError

    from observatoire.practices.uploads import validate_upload

    try:
        detected = validate_upload(upload("document.bin", content)).content_type
    except ValidationError as error:
        detected = " ".join(error.messages)
    assert expected in detected


def test_a_photo_taken_sideways_is_turned_upright():
    from observatoire.practices.uploads import validate_upload

    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: turn 90° clockwise to view
    sideways = image_bytes("JPEG", size=(400, 300), exif=exif.tobytes())
    cleaned = validate_upload(upload("photo.jpg", sideways))
    assert Image.open(cleaned.file).size == (300, 400)
