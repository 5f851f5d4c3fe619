"""Every read of the skills area that users see, scoped to the actor's subtree: competitions
and their entrants, training courses, sessions and rosters, innovation results."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from gonghui.core.figures import placing
from gonghui.core.scoping import scope
from gonghui.orgs.models import ServicePoint
from gonghui.skills.models import (
    PRIZE_WORDS,
    Competition,
    CompetitionEntry,
    CompetitionStatus,
    Innovation,
    Trainee,
    TrainingCourse,
    TrainingSession,
)

CS = CompetitionStatus


def competitions_visible_to(actor) -> QuerySet[Competition]:
    return scope(Competition.objects.select_related("org"), actor)


def entries_visible_to(actor) -> QuerySet[CompetitionEntry]:
    return scope(
        CompetitionEntry.objects.select_related("competition", "org", "advanced_from__competition"),
        actor,
    )


def courses_visible_to(actor) -> QuerySet[TrainingCourse]:
    return scope(TrainingCourse.objects.select_related("org"), actor)


def sessions_visible_to(actor) -> QuerySet[TrainingSession]:
    return scope(TrainingSession.objects.select_related("course__org"), actor, "course__org")


def trainees_visible_to(actor) -> QuerySet[Trainee]:
    return scope(
        Trainee.objects.select_related("session__course__org", "person"),
        actor,
        "session__course__org",
    )


def innovations_visible_to(actor) -> QuerySet[Innovation]:
    return scope(Innovation.objects.select_related("org", "studio", "lead"), actor)


def studios_choosable(actor) -> QuerySet[ServicePoint]:
    """The innovation studios of the actor's subtree, for an innovation result's form."""
    from gonghui.skills.services import STUDIO_KINDS

    return scope(
        ServicePoint.objects.filter(kind__in=STUDIO_KINDS).select_related("org"), actor
    ).order_by("name")


def competitions_to_send_to(actor, entry: CompetitionEntry) -> QuerySet[Competition]:
    """The competitions an entrant may be sent on to: of a higher level, recorded in the
    actor's subtree, still taking entrants."""
    from gonghui.skills.models import LEVEL_RANK, SkillLevel

    higher = [
        lv for lv in SkillLevel.values if LEVEL_RANK[lv] > LEVEL_RANK[entry.competition.level]
    ]
    return competitions_visible_to(actor).filter(
        level__in=higher, status__in=(CS.PLANNED, CS.RUNNING)
    )


def result_text(entry: CompetitionEntry) -> str:
    """What an entrant won, as the report writes it: 全省第一, 男子组第三名, 一等奖; both
    with 、 (全县第一、一等奖)."""
    parts = []
    if entry.rank:
        field = entry.field or entry.competition.field_word
        from gonghui.core.figures import SCOPES

        scope_word = field if field in SCOPES else ""
        parts.append(
            placing({"scope": scope_word, "rank": entry.rank, "group": "" if scope_word else field})
        )
    if entry.prize:
        parts.append(PRIZE_WORDS[entry.prize])
    return "、".join(parts)


def entrant_way(actor, entry: CompetitionEntry) -> list[CompetitionEntry]:
    """The entrant's way, one entry per competition: those it was sent on from, this one, and
    those it was sent on to; only the entries the actor may see."""
    visible = entries_visible_to(actor)
    way = [entry]
    below = entry.advanced_from_id
    while below is not None:
        found = visible.filter(pk=below).first()
        if found is None:
            break
        way.insert(0, found)
        below = found.advanced_from_id
    while True:
        found = visible.filter(advanced_from=way[-1]).first()
        if found is None:
            return way
        way.append(found)


def competitions_waiting(actor, key: str, today: datetime.date) -> QuerySet[Competition]:
    """``competitions.results``: under way and ended more than a week ago, results not yet
    published; ``competitions.start``: in preparation and due to start."""
    if key == "competitions.results":
        return competitions_visible_to(actor).filter(
            status=CS.RUNNING, ends_on__lt=today - datetime.timedelta(days=7)
        )
    if key == "competitions.start":
        return competitions_visible_to(actor).filter(status=CS.PLANNED, starts_on__lte=today)
    return Competition.objects.none()


def sessions_waiting(actor, key: str, today: datetime.date) -> QuerySet[TrainingSession]:
    """``sessions.roster``: sessions that ended with nobody counted: neither a roster nor a
    head-count."""
    if key == "sessions.roster":
        return sessions_visible_to(actor).filter(
            Q(ends_on__lt=today), trainees=0, roster__isnull=True
        )
    return TrainingSession.objects.none()
