"""A full disk while a document is written (issue 8, point 12): a French message, the typed
text kept, and no partial file left behind (none was ever purged)."""

import errno
import os
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from observatoire.lib.storage import WholeFileStorage
from observatoire.practices.models import Attachment
from observatoire.practices.tests.test_attachments import form_data, pdf_bytes

pytestmark = pytest.mark.django_db


class FullDisk:
    """A file that takes a first chunk, then fails as a full disk does."""

    def __init__(self, real):
        self.real, self.written = real, 0

    def write(self, data):
        if self.written:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.written += len(data)
        return self.real.write(data)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.real.close()


def files_in(directory: Path) -> list[Path]:
    return [path for path in directory.rglob("*") if path.is_file()]


def with_a_full_disk():
    real_fdopen = os.fdopen
    return mock.patch(
        "observatoire.lib.storage.os.fdopen", lambda fd, mode: FullDisk(real_fdopen(fd, mode))
    )


def test_the_storage_leaves_nothing_when_the_disk_fills_up(tmp_path):
    storage = WholeFileStorage(location=tmp_path)
    content = ContentFile(b"x" * (200 * 1024), name="gros.pdf")
    with with_a_full_disk(), pytest.raises(OSError):
        storage.save("pratiques/gros.pdf", content)
    assert files_in(tmp_path) == []
    assert storage.save("pratiques/petit.pdf", ContentFile(b"%PDF-1.4 ok")) == "pratiques/petit.pdf"
    assert (tmp_path / "pratiques" / "petit.pdf").read_bytes() == b"%PDF-1.4 ok"


def test_the_form_says_it_and_keeps_the_text(client_as, member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    big = pdf_bytes() + b"%" + b"x" * (300 * 1024)
    document = SimpleUploadedFile("compte-rendu.pdf", big, content_type="application/pdf")
    with with_a_full_disk():
        response = client_as(member).post(
            reverse("practices:submit"), form_data(documents=[document])
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "n&#x27;a pas pu être enregistré" in html
    assert "Votre texte est conservé" in html
    assert 'value="Des documents pour notre assemblée"' in html
    assert "Nous avons écrit un guide." in html
    assert not Attachment.objects.exists()
    assert files_in(tmp_path) == []
