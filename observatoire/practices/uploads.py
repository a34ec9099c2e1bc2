"""Check an uploaded attachment and make it safe to keep: type from the content, never the name.

``validate_upload(uploaded)`` returns a ``CleanedUpload`` (a file with a generated name and the
detected MIME type) or raises a ``ValidationError`` with a French message. What is refused:
files over ``ATTACHMENT_MAX_BYTES``, any type but PDF, PNG, JPEG, WebP, GIF and office documents
(a renamed program, a script, an archive, a web page), SVG (it can carry scripts), images with
too many pixels (decompression bombs), office documents that would decompress to a huge volume,
that hold paths leaving their folder, or that carry macros. Images are decoded and re-encoded,
which drops their metadata (EXIF, GPS position) and anything hidden after the image data, and
they are reduced to ``IMAGE_MAX_SIDE`` pixels on their longest side.
"""

import io
import secrets
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils import formats
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from PIL import Image, ImageOps, ImageSequence

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"

# Detected type → (extension, Pillow format or None, words for people).
ACCEPTED = {
    PDF: ("pdf", None, _("PDF")),
    "image/png": ("png", "PNG", _("image")),
    "image/jpeg": ("jpg", "JPEG", _("image")),
    "image/webp": ("webp", "WEBP", _("image")),
    "image/gif": ("gif", "GIF", _("image")),
    DOCX: ("docx", None, _("document Word")),
    XLSX: ("xlsx", None, _("tableur Excel")),
    PPTX: ("pptx", None, _("présentation PowerPoint")),
    ODT: ("odt", None, _("document OpenDocument")),
    ODS: ("ods", None, _("tableur OpenDocument")),
    ODP: ("odp", None, _("présentation OpenDocument")),
}
IMAGE_TYPES = {mime for mime, (_ext, image_format, _label) in ACCEPTED.items() if image_format}
# The file input's hint to the browser's file picker; the server never trusts it.
ACCEPT_ATTRIBUTE = ".pdf,.png,.jpg,.jpeg,.webp,.gif,.docx,.xlsx,.pptx,.odt,.ods,.odp"

IMAGE_MAX_SIDE = 1600
JPEG_QUALITY = 85
# Read from the header before any pixel is decoded. 25 megapixels (a 24-megapixel camera's
# photo, 6000 × 4000) decode in well under a second; a 7000 × 8000 PNG of 159 KiB took 1 to
# 3.6 s, and twenty of them in one form held a worker until it was killed. Pillow's own limit
# is lowered to match (it refuses at twice the limit, whoever opens the image).
IMAGE_MAX_PIXELS = 25_000_000
ANIMATION_MAX_PIXELS = 50_000_000  # every frame of a GIF or WebP together
Image.MAX_IMAGE_PIXELS = IMAGE_MAX_PIXELS
# What one request may make the server decode, all its images together (JPEG counts for a
# sixteenth: it is decoded at a reduced scale), and how many files it may bring.
REQUEST_MAX_PIXELS = 50_000_000
FILES_PER_REQUEST = 10
ZIP_MAX_UNCOMPRESSED = 100 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_MAX_MEMBERS = 5_000
HEAD_BYTES = 8192

MESSAGES = {
    "empty": _("Ce fichier est vide."),
    "type": _(
        "Ce type de fichier n'est pas accepté. Types acceptés : PDF, images (PNG, JPEG, WebP, "
        "GIF), documents Word, Excel, PowerPoint ou OpenDocument (texte, tableur, présentation)."
    ),
    "svg": _(
        "Les images SVG ne sont pas acceptées, car elles peuvent contenir des scripts : "
        "exportez l'image en PNG puis déposez-la."
    ),
    "pdf": _("Ce fichier PDF est endommagé : il ne commence pas par l'en-tête %PDF-."),
    "image": _(
        "Cette image est illisible ou endommagée : enregistrez-la à nouveau (en PNG ou en JPEG) "
        "puis déposez-la."
    ),
    "bomb": _(
        "Cette image compte trop de pixels pour être ouverte sans risque (%(limit)d millions au "
        "plus) : réduisez-la avant de la déposer."
    ),
    "request_pixels": _(
        "Ces images demandent trop de calcul pour un seul envoi : déposez-les en plusieurs fois "
        "(enregistrez le brouillon entre deux)."
    ),
    "zip_bomb": _(
        "Ce document se décompresse en un volume anormalement grand : il est refusé par précaution."
    ),
    "zip_path": _(
        "Ce document contient des chemins de fichiers dangereux (sortant de son dossier) : "
        "il est refusé."
    ),
    "macro": _(
        "Les documents qui contiennent des macros ne sont pas acceptés : enregistrez-le sans "
        "macros (.docx, .xlsx, .pptx ou OpenDocument) puis déposez-le."
    ),
    "office": _("Ce document bureautique est endommagé ou n'est pas d'un type reconnu."),
}


@dataclass(frozen=True)
class CleanedUpload:
    """A checked file, ready to be stored under its generated name."""

    file: ContentFile
    content_type: str
    original_name: str

    @property
    def size(self) -> int:
        return self.file.size


def max_bytes() -> int:
    return settings.ATTACHMENT_MAX_BYTES


class OversizedUpload(UploadedFile):
    """What is left of a file past the size limit: its name and size, for the message."""

    def __init__(self, name: str, size: int, content_type: str | None):
        super().__init__(io.BytesIO(), name=name, content_type=content_type, size=size)


class SizeLimitHandler(FileUploadHandler):
    """Stop keeping a file's bytes once past ``ATTACHMENT_MAX_BYTES``: nothing more reaches
    memory or the temporary folder, and the form says how much the file weighed."""

    received = 0

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        return None if self.received > max_bytes() else raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.received > max_bytes():
            return OversizedUpload(self.file_name or "", self.received, self.content_type)
        return None  # the next handlers (memory, temporary file) hold the file


def limit_upload_size(view: Callable) -> Callable:
    """Put ``SizeLimitHandler`` first for this view's uploads.

    The CSRF check reads the request body, after which handlers cannot change: as Django's
    documentation on upload handlers says, the view is exempted from the middleware's check and
    protected here instead, once the handler is in place. The check itself is the same.
    """
    protected = csrf_protect(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        request.upload_handlers.insert(0, SizeLimitHandler(request))
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapped)


def refuse(key: str, **params) -> ValidationError:
    return ValidationError(MESSAGES[key], code=key, params=params or None)


def read_all(uploaded: UploadedFile) -> bytes:
    """The content of an upload already received (within the size limit), or nothing."""
    if (uploaded.size or 0) > max_bytes():
        return b""
    uploaded.seek(0)
    return uploaded.read()


def validate_upload(uploaded: UploadedFile) -> CleanedUpload:
    """The checked (and, for images, re-encoded) file, or a ValidationError in French."""
    size = uploaded.size or 0
    if size > max_bytes():
        # Refused from the size the upload handlers counted (SizeLimitHandler kept no content).
        raise ValidationError(
            _("Ce fichier pèse %(size)s : la limite est de %(limit)s par fichier."),
            code="size",
            params={"size": human_size(size), "limit": human_size(max_bytes())},
        )
    if size == 0:
        raise refuse("empty")
    uploaded.seek(0)
    data = uploaded.read()
    content_type = detect_type(data)
    if content_type in IMAGE_TYPES:
        data = reencode_image(data, content_type)
    original_name = clean_original_name(uploaded.name or "")
    return CleanedUpload(
        file=ContentFile(data, name=stored_name(original_name, content_type)),
        content_type=content_type,
        original_name=original_name,
    )


def detect_type(data: bytes) -> str:
    """The MIME type read from the content, among the accepted ones; refuse anything else."""
    head = data[:HEAD_BYTES]
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime is None:
        raise refuse("svg" if looks_like_svg(head) else "type")
    if mime == "image/apng":  # an animated PNG is a PNG
        mime = "image/png"
    if mime == PDF:
        if not head.startswith(b"%PDF-"):
            raise refuse("pdf")
        return PDF
    if mime == "application/zip" or mime in {DOCX, XLSX, PPTX, ODT, ODS, ODP}:
        # filetype only guesses office documents from their first entries: look inside.
        return office_type(data)
    if mime not in ACCEPTED:
        raise refuse("type")
    return mime


def looks_like_svg(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return b"<svg" in text[:4096] and text.startswith((b"<", b"<?xml", b"<!--", b"<!doctype"))


def office_type(data: bytes) -> str:
    """Word, Excel, PowerPoint or OpenDocument, told by the members of the zip."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise refuse("office") from error
    with archive:
        check_zip_members(members)
        names = {member.filename for member in members}
        try:
            if "mimetype" in names:
                mime = archive.open("mimetype").read(200).strip().decode("ascii", "replace")
                if mime not in {ODT, ODS, ODP}:
                    raise refuse("type")
                if any(name.startswith(("Basic/", "Scripts/")) for name in names):
                    raise refuse("macro")
                return mime
            if "[Content_Types].xml" in names:
                types = archive.open("[Content_Types].xml").read(1024 * 1024)
                if b"macroenabled" in types.lower() or any(
                    name.lower().endswith("vbaproject.bin") for name in names
                ):
                    raise refuse("macro")
                for main_part, mime in [
                    ("word/document.xml", DOCX),
                    ("xl/workbook.xml", XLSX),
                    ("ppt/presentation.xml", PPTX),
                ]:
                    if main_part in names:
                        return mime
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as error:
            raise refuse("office") from error
    raise refuse("type")  # a plain archive


def check_zip_members(members: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip bomb and a path traversal from the sizes and names the zip declares."""
    if len(members) > ZIP_MAX_MEMBERS:
        raise refuse("zip_bomb")
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > ZIP_MAX_RATIO:
            raise refuse("zip_bomb")
        name = member.filename.replace("\\", "/")
        path = PurePosixPath(name)
        if name.startswith("/") or ".." in path.parts or (len(name) > 1 and name[1] == ":"):
            raise refuse("zip_path")
    if total > ZIP_MAX_UNCOMPRESSED:
        raise refuse("zip_bomb")


def reencode_image(data: bytes, content_type: str) -> bytes:
    """Decode within a pixel budget, then save again: no metadata, nothing trailing, ≤ 1600 px."""
    image_format = ACCEPTED[content_type][1]
    assert image_format is not None, content_type
    try:
        # Opening reads only the header: the size is checked before any pixel is decoded.
        with Image.open(io.BytesIO(data)) as probe:
            check_pixels(*probe.size, getattr(probe, "n_frames", 1))
            if probe.format != image_format:
                raise refuse("image")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            return save_image(image, image_format)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # Pillow's own limit, met at opening when the image is far past ours.
        raise refuse("bomb", limit=IMAGE_MAX_PIXELS // 1_000_000) from error
    except ValidationError:
        raise
    except Exception as error:  # Pillow raises many kinds of errors on broken or hostile files
        raise refuse("image") from error


def decoding_cost(data: bytes) -> int:
    """The pixels decoding this file would cost, read from its header alone (0: not an image,
    or one the checks will refuse anyway)."""
    content_type = detect_type_or_none(data)
    if content_type not in IMAGE_TYPES:
        return 0
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            frames = getattr(probe, "n_frames", 1)
    except Exception:  # broken or hostile: refused later, without decoding
        return 0
    pixels = width * height * max(1, frames)
    return pixels // 16 if content_type == "image/jpeg" else pixels


def detect_type_or_none(data: bytes) -> str | None:
    try:
        return detect_type(data)
    except ValidationError:
        return None


def check_pixels(width: int, height: int, frames: int) -> None:
    pixels = width * height
    if pixels > IMAGE_MAX_PIXELS or pixels * frames > ANIMATION_MAX_PIXELS:
        raise refuse("bomb", limit=IMAGE_MAX_PIXELS // 1_000_000)


def save_image(image: Image.Image, image_format: str) -> bytes:
    output = io.BytesIO()
    box = (IMAGE_MAX_SIDE, IMAGE_MAX_SIDE)
    if getattr(image, "is_animated", False):
        frames, durations = [], []
        for frame in ImageSequence.Iterator(image):
            durations.append(frame.info.get("duration", 100))
            copy = frame.convert("RGBA")
            copy.thumbnail(box, Image.Resampling.LANCZOS)
            frames.append(copy)
        frames[0].save(
            output,
            format=image_format,
            save_all=True,
            append_images=frames[1:],
            duration=durations,
            loop=image.info.get("loop", 0),
            disposal=2 if image_format == "GIF" else 0,
        )
        return output.getvalue()
    if image_format == "JPEG":
        image.draft("RGB", box)  # decode a big JPEG at a reduced scale: less memory
    image.load()
    kept = {key: image.info[key] for key in ("transparency",) if key in image.info}
    image = ImageOps.exif_transpose(image)  # the orientation lives in the EXIF we drop
    image.thumbnail(box, Image.Resampling.LANCZOS)
    options: dict = {}
    if image_format == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        options = {"quality": JPEG_QUALITY, "optimize": True, "progressive": True}
    elif image_format == "WEBP":
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA")
        options = {"quality": JPEG_QUALITY}
    elif image_format == "PNG":
        options = {"optimize": True}
    if "transparency" in kept and image.mode in ("P", "L", "RGB"):
        options["transparency"] = kept["transparency"]
    image.info = {}  # drop text chunks, EXIF, XMP, ICC: nothing personal leaves with the file
    image.save(output, format=image_format, **options)
    return output.getvalue()


def clean_original_name(name: str) -> str:
    """The uploaded name as people will read it: no folders, no control characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(character for character in name if character.isprintable()).strip()
    return name[:255] or "document"


def slug_of(name: str, length: int) -> str:
    stem, dot, extension = name.rpartition(".")
    if not dot or not 1 <= len(extension) <= 5:
        stem = name
    return slugify(stem)[:length].strip("-") or "document"


def stored_name(original_name: str, content_type: str) -> str:
    """Never the uploaded name: its slug, a random part, and the extension of the real type."""
    return f"{slug_of(original_name, 50)}-{secrets.token_hex(4)}.{extension_for(content_type)}"


def download_name(title: str, content_type: str) -> str:
    """The name a downloaded file gets: its title, with the extension of its real type."""
    return f"{slug_of(title, 80)}.{extension_for(content_type)}"


def human_size(size: int) -> str:
    """« 640 octets », « 2,1 Ko », « 10 Mo »: the units French speakers read, in French format."""
    if size < 1024:
        return ngettext("%(size)d octet", "%(size)d octets", size) % {"size": size}
    kilo = size < 1024 * 1024
    value = round(size / (1024 if kilo else 1024 * 1024), 1)
    number = formats.number_format(value, decimal_pos=0 if value == int(value) else 1)
    return (_("%(size)s Ko") if kilo else _("%(size)s Mo")) % {"size": number}


def type_label(content_type: str) -> str:
    """« PDF », « image », « document Word »… for a stored type."""
    entry = ACCEPTED.get(content_type)
    return str(entry[2]) if entry else str(_("fichier"))


def extension_for(content_type: str) -> str:
    entry = ACCEPTED.get(content_type)
    return entry[0] if entry else "bin"


def is_image(content_type: str) -> bool:
    return content_type in IMAGE_TYPES
