from django.db.models import QuerySet

from gonghui.core.models import Event
from gonghui.core.scoping import scope


def events_visible_to(actor) -> QuerySet[Event]:
    return scope(Event.objects.select_related("org", "target_type"), actor)


def stored_file_content(stored) -> bytes:
    """The plain bytes of a kept file. Callers reach ``stored`` through the scoped selector of
    the record it belongs to (an attachment, a relief): a file has no scope of its own."""
    from gonghui.core.crypto import cipher
    from gonghui.core.services import FILE_PURPOSE

    return cipher().decrypt_bytes(bytes(stored.content), f"{FILE_PURPOSE}.{stored.id}")
