"""Moving files that earlier versions kept on disk into ``StoredFile`` rows (used by the
migrations of the apps that had a ``FileField``)."""

from __future__ import annotations

import uuid
from pathlib import Path

FILE_PURPOSE = "stored_file"  # core.services.FILE_PURPOSE, frozen here for the migrations


def store_from_disk(StoredFile, relative_name: str, display_name: str, uploaded_by_id=None):
    """A new ``StoredFile`` with the bytes of ``MEDIA_ROOT/relative_name``, or ``None`` when
    that file is gone. The file on disk stays until ``remove_media`` runs after the move."""
    from django.conf import settings

    from gonghui.core.crypto import cipher

    path = Path(settings.MEDIA_ROOT) / relative_name
    if not relative_name or not path.is_file():
        return None
    data = path.read_bytes()
    ext = relative_name.rsplit(".", 1)[-1].lower() if "." in relative_name else ""
    file_id = uuid.uuid4()
    return StoredFile.objects.create(
        id=file_id,
        name=(display_name or path.name)[:200],
        kind=ext[:8],
        size=len(data),
        content=cipher().encrypt_bytes(data, f"{FILE_PURPOSE}.{file_id}"),
        uploaded_by_id=uploaded_by_id,
    )


def remove_media(folder: str) -> None:
    """Delete what is left of ``MEDIA_ROOT/folder``: files already moved into the database,
    and the orphans that failed saves left behind."""
    import shutil

    from django.conf import settings

    path = Path(settings.MEDIA_ROOT) / folder
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
