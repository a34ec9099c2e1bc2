"""Uploaded documents are written whole or not at all.

Django's FileSystemStorage writes a file in place, chunk by chunk: when the disk fills up
midway, the partial file stays under its final name, and no purge ever removes it (nothing in
the database points to it). Here a file is first written to a hidden temporary file beside
its place, then moved there (a rename: no second copy); any error removes the temporary file
and reaches the form, which says it in French and keeps what was typed (practices/forms.py).
"""

import os
import tempfile
from contextlib import suppress

from django.core.files import File
from django.core.files.storage import FileSystemStorage

PARTIAL_PREFIX = ".partiel-"


class _Written(File):
    """A complete file on disk that the storage may move into place."""

    def __init__(self, path: str) -> None:
        super().__init__(None, name=os.path.basename(path))
        self._path = path

    def temporary_file_path(self) -> str:
        return self._path


class WholeFileStorage(FileSystemStorage):
    def _save(self, name, content):
        if hasattr(content, "temporary_file_path"):
            return super()._save(name, content)  # already whole on disk: moved
        directory = os.path.dirname(self.path(name))
        os.makedirs(directory, exist_ok=True)
        descriptor, partial = tempfile.mkstemp(dir=directory, prefix=PARTIAL_PREFIX)
        try:
            with os.fdopen(descriptor, "wb") as output:
                for chunk in content.chunks():
                    output.write(chunk.encode() if isinstance(chunk, str) else chunk)
            return super()._save(name, _Written(partial))
        except BaseException:
            with suppress(OSError):
                os.unlink(partial)
            raise
