from django.db.models import QuerySet

from gonghui.core.models import Event
from gonghui.core.scoping import scope


def events_visible_to(actor) -> QuerySet[Event]:
    return scope(Event.objects.select_related("org", "target_type"), actor)
