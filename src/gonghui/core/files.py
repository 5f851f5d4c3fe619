"""The one checked path of every uploaded file: what it may be, how big, how it is kept and served.

Every file a user uploads (a ledger attachment, a relief photo, a roster) comes through here:

- **on the way in**, the request is refused before it is read when it is larger than the
  largest upload the platform takes (``RequestSizeLimitMiddleware``), and what is read stays in
  memory (``MemoryOnlyUploadHandler``): Django's default spills uploads over 2.5 MB into a clear
  temporary file on disk;
- **when checked**, the file's kind is decided by its first bytes (``filetype``), never by its
  name or the browser's word, and it must be one of the kinds the field allows and within its
  size limit (``check_upload``, used by ``CheckedFileField`` on forms and by the services);
- **when kept**, it is a ``StoredFile`` row: encrypted in the database, under a random id, in the
  transaction of the record it belongs to, so a refused or rolled-back save leaves nothing behind
  and a deleted record takes its files with it;
- **when served**, only through the scope of the record it belongs to, as a download, except a
  photo (JPEG or PNG, by its bytes), which may be shown in the page; never as HTML or SVG, with
  ``nosniff`` and a sandboxing Content-Security-Policy in case a browser thinks otherwise.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# What ``filetype`` finds in the old Office and WPS formats (OLE2) and in plain text: no
# signature it names, so "nothing found" is the only acceptable answer for them, and a renamed
# program or archive is still caught.
_OLE = frozenset({None, "doc", "xls", "ppt"})


@dataclass(frozen=True)
class FileKind:
    """A kind of file by its extension: what its first bytes may be, and how it is served."""

    ext: str
    mime: str
    found: frozenset
    # Raster pictures may be shown inside a page; everything else is only downloaded.
    inline: bool = False


KINDS: dict[str, FileKind] = {
    k.ext: k
    for k in (
        FileKind("jpg", "image/jpeg", frozenset({"jpg"}), inline=True),
        FileKind("jpeg", "image/jpeg", frozenset({"jpg"}), inline=True),
        FileKind("png", "image/png", frozenset({"png"}), inline=True),
        FileKind("pdf", "application/pdf", frozenset({"pdf"})),
        FileKind(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            frozenset({"docx"}),
        ),
        FileKind(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            frozenset({"xlsx"}),
        ),
        FileKind(
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            frozenset({"pptx"}),
        ),
        FileKind("doc", "application/msword", _OLE),
        FileKind("xls", "application/vnd.ms-excel", _OLE),
        FileKind("ppt", "application/vnd.ms-powerpoint", _OLE),
        FileKind("wps", "application/vnd.ms-works", _OLE),
        FileKind("et", "application/vnd.ms-excel", _OLE),
        FileKind("dps", "application/vnd.ms-powerpoint", _OLE),
        FileKind("txt", "text/plain; charset=utf-8", frozenset({None})),
    )
}
PHOTOS = ("jpg", "jpeg", "png")
DOCUMENTS = (*PHOTOS, "pdf", "docx", "xlsx", "pptx", "doc", "xls", "ppt", "wps", "et", "dps", "txt")

# A roster's name often lies ("名单.xls" saved as csv or xlsx by WPS): any of the three formats
# under any of the three names; the import reads by content. Never served back.
_SHEET = frozenset({"xlsx", "zip", *_OLE})
SPREADSHEETS: dict[str, FileKind] = {
    ext: FileKind(ext, "application/octet-stream", _SHEET) for ext in ("xlsx", "xls", "csv")
}

MB = 1024 * 1024
PHOTO_MAX_BYTES = 10 * MB
DOCUMENT_MAX_BYTES = 20 * MB


def max_request_bytes() -> int:
    """The largest request the platform reads: its largest upload and a little for the form."""
    largest = max(DOCUMENT_MAX_BYTES, int(getattr(settings, "GONGHUI_IMPORT_MAX_MB", 40)) * MB)
    return largest + MB


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    ext: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


def _kinds(kinds) -> dict[str, FileKind]:
    if isinstance(kinds, dict):
        return kinds
    return {ext: KINDS[ext] for ext in kinds}


def _names(kinds: dict[str, FileKind]) -> str:
    return "、".join(sorted({k.ext for k in kinds.values()}))


def check_upload(upload, *, kinds, max_bytes: int) -> CheckedUpload:
    """The upload's bytes, once its name, size and first bytes agree with ``kinds``.

    Raises a ``ValidationError`` in Chinese otherwise. The size is checked before anything is
    read, and at most ``max_bytes`` + 1 bytes are ever read.
    """
    import filetype

    kinds = _kinds(kinds)
    name = os.path.basename(str(getattr(upload, "name", "") or "")).strip()[:200]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in kinds:
        raise ValidationError(
            _("“%(name)s” cannot be uploaded here; accepted are: %(kinds)s.")
            % {"name": name, "kinds": _names(kinds)},
            code="file_kind",
        )
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(_too_big(name, max_bytes), code="file_size")
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    upload.seek(0)
    if len(data) > max_bytes:
        raise ValidationError(_too_big(name, max_bytes), code="file_size")
    if not data:
        raise ValidationError(_("The file “%(name)s” is empty.") % {"name": name}, code="empty")
    if filetype.guess_extension(data[:8192]) not in kinds[ext].found or _looks_like_markup(data):
        raise ValidationError(
            _("“%(name)s” is not really a .%(ext)s file; it cannot be uploaded.")
            % {"name": name, "ext": ext},
            code="file_content",
        )
    return CheckedUpload(name=name, ext=ext, data=data)


def _looks_like_markup(data: bytes) -> bool:
    """HTML or SVG in what claims to be text: a page that would run in a browser."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<", b"<?xml", b"<!doctype"))


def _too_big(name: str, max_bytes: int) -> str:
    return _("“%(name)s” is larger than %(mb)d MB.") % {"name": name, "mb": max_bytes // MB}


class CheckedFileField(forms.FileField):
    """A form's file field that checks kind and size at once, as the service will again."""

    def __init__(self, *, kinds, max_bytes: int, **kwargs):
        self.kinds = _kinds(kinds)
        self.max_bytes = max_bytes
        kwargs.setdefault(
            "help_text",
            gettext_lazy("%(kinds)s, at most %(mb)d MB.")
            % {"kinds": _names(self.kinds), "mb": max_bytes // MB},
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload is not initial:
            check_upload(upload, kinds=self.kinds, max_bytes=self.max_bytes)
        return upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class CheckedFilesField(CheckedFileField):
    """Several files in one field (the sign-in sheet and the photos of an activity), each
    checked as ``CheckedFileField`` checks one; cleans to a list."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, (list, tuple)) else [data] if data else []
        if not uploads and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(CheckedFilesField, self).clean(upload, initial) for upload in uploads]


def stored_file_response(stored, *, inline: bool = False) -> HttpResponse:
    """A kept file as the browser gets it: downloaded under its own name, or, for a photo
    asked for ``inline``, shown; never able to run script from the platform's origin."""
    from gonghui.core.selectors import stored_file_content

    kind = KINDS.get(stored.kind)
    show = inline and kind is not None and kind.inline
    response = HttpResponse(
        stored_file_content(stored),
        content_type=kind.mime if show else "application/octet-stream",
    )
    response["Content-Disposition"] = content_disposition_header(not show, stored.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


class MemoryOnlyUploadHandler(MemoryFileUploadHandler):
    """Keeps every upload in memory, whatever its size, up to ``max_request_bytes()``.

    Django's default handlers write uploads over 2.5 MB to a temporary file on disk, in clear;
    a roster or a photo of a household must never be there. The request-size middleware keeps
    what reaches this handler bounded; a request that hides its size (chunked) is stopped here.
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = True
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > max_request_bytes():
            raise RequestDataTooBig(_("The upload is too large."))
        return super().receive_data_chunk(raw_data, start)
