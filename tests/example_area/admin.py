from django.contrib import admin

from gonghui.core.admin import ScopedAdmin
from tests.example_area import selectors, services
from tests.example_area.models import SportsEvent


@admin.register(SportsEvent)
class SportsEventAdmin(ScopedAdmin):
    list_display = ("held_on", "title", "org", "participants")
    fields = ("org", "title", "held_on", "participants")
    search_fields = ("title",)
    selector = staticmethod(selectors.events_visible_to)

    def service_create(self, actor, data):
        return services.event_create(actor=actor, **data)

    def service_update(self, actor, obj, changes):
        return services.event_update(actor=actor, event=obj, changes=changes)

    def service_delete(self, actor, obj):
        services.event_delete(actor=actor, event=obj)
