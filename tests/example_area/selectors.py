from gonghui.core.scoping import scope
from tests.example_area.models import SportsEvent


def events_visible_to(actor):
    return scope(SportsEvent.objects.select_related("org"), actor)
