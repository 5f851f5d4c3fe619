from django.db.models import Sum

from gonghui.core.indicators import Indicator, WorkArea
from tests.example_area.models import SportsEvent

INDICATORS = [
    Indicator(
        "example_area.events",
        "职工文体活动",
        "场",
        WorkArea.CULTURE,
        SportsEvent.objects.all,
        "org",
        date_field="held_on",
        records=("admin:example_area_sportsevent_changelist", {}),
        phrase="举办职工文体活动{n}",
    ),
    Indicator(
        "example_area.participants",
        "文体活动参加人次",
        "人次",
        WorkArea.CULTURE,
        SportsEvent.objects.all,
        "org",
        date_field="held_on",
        measure=Sum("participants"),
        records=("admin:example_area_sportsevent_changelist", {}),
        phrase="参加职工{n}",
    ),
]
