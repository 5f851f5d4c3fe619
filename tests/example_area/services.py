import datetime

from gonghui.core.services import record_create, record_delete, record_update
from tests.example_area.models import SportsEvent


def event_create(*, actor, org, title: str, held_on: datetime.date, participants: int):
    return record_create(
        actor=actor,
        instance=SportsEvent(org=org, title=title, held_on=held_on, participants=participants),
    )


def event_update(*, actor, event: SportsEvent, changes: dict) -> SportsEvent:
    return record_update(actor=actor, instance=event, changes=changes)


def event_delete(*, actor, event: SportsEvent) -> None:
    record_delete(actor=actor, instance=event)
