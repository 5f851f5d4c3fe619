"""Every write of the skills area.

Competitions: recorded by the union that holds them (or that sends entrants to one held
above it), with their named entrants; on the platform's one workflow from preparation to the
published results (or called off). Results are recorded on the entries while the competition
is under way; an entrant is sent on to a higher competition as the same entrant.

Training: a course for a target group, its sessions (期) with the head-counts of trainees who
are not members, and the roster of members; each change of the roster recounts its session in
the same transaction (the session's totals are what the figures sum).

Innovation results: with the member who led them, the studio they came from and their award.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.access import require_in_scope, require_perm
from gonghui.core.constraints import full_clean
from gonghui.core.errors import DomainError
from gonghui.core.events import record_event
from gonghui.core.services import record_create, record_delete, record_update
from gonghui.core.validators import checked_amount
from gonghui.core.workflow import Step, Workflow
from gonghui.honors.models import Honor, HonorKind
from gonghui.members.models import Person
from gonghui.orgs.models import Org, ServicePoint
from gonghui.skills.models import (
    LEVEL_RANK,
    Competition,
    CompetitionEntry,
    CompetitionStatus,
    Innovation,
    InnovationKind,
    Trainee,
    TrainingCourse,
    TrainingSession,
)

CS = CompetitionStatus
# The honours a competition's result brings (技术能手, 工匠, 创新标兵).
TITLE_KINDS = (HonorKind.TECHNICAL_EXPERT, HonorKind.CRAFTSMAN, HonorKind.INNOVATION_PACESETTER)
# The studios an innovation result may come from.
STUDIO_KINDS = (ServicePoint.Kind.INNOVATION_STUDIO, ServicePoint.Kind.WORKER_INNOVATION_STUDIO)
# A session's head-count beyond this is a typing error (and would overflow its totals).
MAX_HEADCOUNT = 1_000_000
# A sum of yuan of more digits is a typing error, not a competition's cost (under 1亿).
MAX_YUAN_DIGITS = 8


def _money(value, field: str) -> Decimal:
    return Decimal(0) if value is None else checked_amount(value, field, MAX_YUAN_DIGITS)


def _dates(starts_on, ends_on) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise DomainError({"ends_on": _("The end date is before the start date.")})


def _not_after(day, field: str, today: datetime.date) -> None:
    if day and day > today:
        raise DomainError({field: _("This date is in the future.")})


# -- competitions ------------------------------------------------------------------------

COMPETITION_FIELDS = (
    "name",
    "kind",
    "level",
    "trade",
    "held_above",
    "organisers",
    "starts_on",
    "ends_on",
    "participants",
    "participants_approx",
    "cost",
)
# What stays open to correction once the results are out: the record of what it cost and
# how many took part, not what was competed for.
AFTER_RESULTS = {"organisers", "participants", "participants_approx", "cost"}


def _competition_check(c: Competition) -> None:
    _dates(c.starts_on, c.ends_on)
    c.cost = _money(c.cost, "cost")
    c.name = (c.name or "").strip()
    if not c.name:
        raise DomainError({"name": _("Name the competition.")})
    if c.pk:
        named = c.entries.count()
        if c.participants < named:
            raise DomainError(
                {
                    "participants": _("%(n)s entrants are named: the participants cannot be fewer.")
                    % {"n": named}
                }
            )


def competition_create(
    *,
    actor,
    org: Org,
    name: str,
    kind: str,
    level: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    trade: str = "",
    held_above: bool = False,
    organisers: str = "",
    participants: int = 0,
    participants_approx: str = "",
    cost: Decimal | None = None,
) -> Competition:
    """A competition held by ``org``, or held above it with ``org``'s entrants sent to it."""
    competition = Competition(
        org=org,
        name=name,
        kind=kind,
        level=level,
        trade=trade,
        held_above=held_above,
        organisers=organisers,
        starts_on=starts_on,
        ends_on=ends_on,
        participants=participants or 0,
        participants_approx=participants_approx,
        cost=cost,
    )
    with transaction.atomic():
        require_perm(actor, "skills.add_competition")
        require_in_scope(actor, org)
        _competition_check(competition)
        if Competition.objects.filter(org=org, name=competition.name, starts_on=starts_on).exists():
            raise DomainError(
                {"name": _("This union already has a competition of this name on this day.")}
            )
        return record_create(actor=actor, instance=competition)


def competition_update(*, actor, competition: Competition, changes: dict) -> Competition:
    """Correct a competition; once its results are out, only what it cost and how many took
    part; nothing once it is called off."""
    changes = {k: v for k, v in changes.items() if k in COMPETITION_FIELDS}
    with transaction.atomic():
        require_perm(actor, "skills.change_competition")
        locked = Competition.objects.select_for_update().get(pk=competition.pk)
        require_in_scope(actor, locked.org)
        if locked.status == CS.CANCELLED:
            raise DomainError(_("The competition was called off; it is kept as it stands."))
        if locked.status == CS.FINISHED and set(changes) - AFTER_RESULTS:
            raise DomainError(
                _(
                    "The results are published: only the organisers, participants and cost "
                    "can still be corrected."
                )
            )
        if "level" in changes and changes["level"] != locked.level:
            _level_keeps_its_path(locked, changes["level"])
        for k, v in changes.items():
            setattr(locked, k, v)
        _competition_check(locked)
        changes = {k: getattr(locked, k) for k in changes}
        return record_update(actor=actor, instance=locked, changes=changes)


def _level_keeps_its_path(c: Competition, level: str) -> None:
    rank = LEVEL_RANK[level]
    below = CompetitionEntry.objects.filter(competition=c, advanced_from__isnull=False).values_list(
        "advanced_from__competition__level", flat=True
    )
    above = CompetitionEntry.objects.filter(advanced_from__competition=c).values_list(
        "competition__level", flat=True
    )
    if any(LEVEL_RANK[lv] >= rank for lv in below) or any(LEVEL_RANK[lv] <= rank for lv in above):
        raise DomainError(
            {
                "level": _(
                    "Entrants were sent on between this and another competition: the level "
                    "must stay between theirs."
                )
            }
        )


def competition_delete(*, actor, competition: Competition) -> None:
    """Delete a competition recorded by mistake: one still in preparation, without entrants
    (one that took place is called off or kept)."""
    with transaction.atomic():
        require_perm(actor, "skills.delete_competition")
        locked = Competition.objects.select_for_update().get(pk=competition.pk)
        require_in_scope(actor, locked.org)
        if locked.status != CS.PLANNED:
            raise DomainError(
                _("The competition is “%(status)s”: it stays on record.")
                % {"status": locked.get_status_display()}
            )
        if locked.entries.exists():
            raise DomainError(_("The competition has entrants: remove them first, or call it off."))
        record_delete(actor=actor, instance=locked)


def _may_finish(c: Competition, values: dict, today) -> None:
    if c.starts_on > today:
        raise DomainError(
            _("The competition starts on %(date)s: its results cannot be out before.")
            % {"date": c.starts_on}
        )


COMPETITION = Workflow(
    Competition,
    [
        Step(
            "start",
            (CS.PLANNED,),
            CS.RUNNING,
            "skills.change_competition",
            label=gettext_lazy("Start the competition"),
            done=gettext_lazy("started"),
        ),
        Step(
            "finish",
            (CS.RUNNING,),
            CS.FINISHED,
            "skills.change_competition",
            label=gettext_lazy("Publish the results"),
            done=gettext_lazy("given its results"),
        ),
        Step(
            "cancel",
            (CS.PLANNED, CS.RUNNING),
            CS.CANCELLED,
            "skills.change_competition",
            label=gettext_lazy("Call it off"),
            done=gettext_lazy("called off"),
            needs_reason=True,
        ),
    ],
    event="competition",
    refused_step=gettext_lazy("A competition that is “%(from)s” cannot be %(step)s."),
)
COMPETITION_RULES = {"finish": _may_finish}


def competition_transition(
    *,
    actor,
    competition: Competition,
    step: str,
    reason: str = "",
    today: datetime.date | None = None,
) -> Competition:
    """Start a competition, publish its results, or call it off (with the reason)."""
    today = today or timezone.localdate()
    rule = COMPETITION_RULES.get(step)

    def apply(locked, chosen):
        if rule is not None:
            rule(locked, {}, today)
        if chosen.needs_reason:
            locked.closed_reason = reason.strip()

    return COMPETITION.transition(
        actor=actor,
        obj=competition,
        step=step,
        reason=reason,
        apply=apply,
        today=today,
        details={"reason": reason.strip()} if reason.strip() else {},
    )


def _open_competition(competition: Competition) -> Competition:
    locked = Competition.objects.select_for_update().select_related("org").get(pk=competition.pk)
    if locked.status not in (CS.PLANNED, CS.RUNNING):
        raise DomainError(
            _("The competition is “%(status)s”: its entrants can no longer change.")
            % {"status": locked.get_status_display()}
        )
    return locked


def _entrant_union(actor, competition: Competition, org: Org | None, person: Person | None):
    """The entrant's union: a member's own (current membership), else the one named; within
    the competition's union and the actor's subtree."""
    if person is not None:
        membership = person.latest_membership
        if membership is None or membership.status not in membership.CURRENT:
            raise DomainError(
                {"person": _("%(name)s is not a current member.") % {"name": person.name}}
            )
        org = membership.org
    if org is None:
        raise DomainError({"org": _("Choose the entrant's union.")})
    require_in_scope(actor, org)
    if not org.is_within(competition.org):
        raise DomainError(
            {
                "org": _("%(union)s is not a union under %(organiser)s.")
                % {"union": org.name, "organiser": competition.org.name}
            }
        )
    return org


def entry_create(
    *,
    actor,
    competition: Competition,
    person: Person | None = None,
    team_name: str = "",
    team_size: int = 1,
    org: Org | None = None,
    advanced_from: CompetitionEntry | None = None,
) -> CompetitionEntry:
    """Name an entrant (a member, or a team of ``team_size`` members under ``org``). The
    competition's participant count grows to the named entrants when it was smaller."""
    require_perm(actor, "skills.add_competitionentry")
    require_in_scope(actor, competition.org)
    team_name = (team_name or "").strip()
    if person is None and not team_name:
        raise DomainError({"person": _("Give the member's ID number, or the team's name.")})
    if person is not None and team_name:
        raise DomainError({"team_name": _("An entrant is a member or a team, not both.")})
    if person is not None:
        team_size = 1
    if not team_size or team_size < 1:
        raise DomainError({"team_size": _("A team has at least one member.")})
    with transaction.atomic():
        locked = _open_competition(competition)
        org = _entrant_union(actor, locked, org, person)
        taken = locked.entries.filter(
            Q(person=person) if person is not None else Q(person__isnull=True, team_name=team_name)
        )
        if taken.exists():
            raise DomainError(
                {"person" if person else "team_name": _("This entrant is already named.")}
            )
        entry = CompetitionEntry(
            competition=locked,
            org=org,
            person=person,
            team_name=team_name,
            team_size=team_size,
            name=person.name if person is not None else team_name,
            field=locked.field_word,
            advanced_from=advanced_from,
        )
        full_clean(entry, exclude=["advanced_from"])
        entry.save(force_insert=True)
        named = locked.entries.count()
        if locked.participants < named:
            Competition.objects.filter(pk=locked.pk).update(participants=named)
        record_event(
            actor=actor,
            action="competitionentry.create",
            org=org,
            target=entry,
            details={"competition": locked.name}
            | ({"sent_on_from": advanced_from.competition.name} if advanced_from else {}),
        )
    return entry


def entry_send_on(*, actor, entry: CompetitionEntry, competition: Competition) -> CompetitionEntry:
    """Send an entrant on to a higher competition (a provincial final) as the same entrant:
    once, from a competition under way or with its results out."""
    require_perm(actor, "skills.add_competitionentry")
    require_in_scope(actor, entry.org)
    require_in_scope(actor, competition.org)
    with transaction.atomic():
        # Two clerks sending the same entrant on at once: the second waits here, then sees
        # the first's entry.
        source = (
            CompetitionEntry.objects.select_for_update(of=("self",))
            .select_related("competition")
            .get(pk=entry.pk)
        )
        if source.competition.status not in (CS.RUNNING, CS.FINISHED):
            raise DomainError(
                _("The competition is “%(status)s”: nobody is sent on from it yet.")
                % {"status": source.competition.get_status_display()}
            )
        if LEVEL_RANK[competition.level] <= LEVEL_RANK[source.competition.level]:
            raise DomainError(
                {"competition": _("An entrant is sent on to a competition of a higher level.")}
            )
        if CompetitionEntry.objects.filter(advanced_from=source).exists():
            raise DomainError({"competition": _("This entrant was already sent on.")})
        return entry_create(
            actor=actor,
            competition=competition,
            person=source.person,
            team_name=source.team_name,
            team_size=source.team_size,
            org=source.org,
            advanced_from=source,
        )


def entry_result(
    *,
    actor,
    entry: CompetitionEntry,
    rank: int | None = None,
    field: str = "",
    prize: str = "",
    honor: Honor | None = None,
    reached_final: bool | None = None,
) -> CompetitionEntry:
    """Record what an entrant won: a rank within a field (全省第一; the competition's own field
    when none is named), a prize grade, and the title that follows (``honor``: 县技术能手),
    conferred on the member through the honours area once; while it is under way."""
    require_perm(actor, "skills.change_competitionentry")
    with transaction.atomic():
        locked = CompetitionEntry.objects.select_for_update().get(pk=entry.pk)
        require_in_scope(actor, locked.org)
        competition = (
            Competition.objects.select_for_update()
            .select_related("org")
            .get(pk=locked.competition_id)
        )
        # Results are the organiser's to record: a union beneath sees its entrant, not the
        # competition's results to set.
        require_in_scope(actor, competition.org)
        if competition.status != CS.RUNNING:
            raise DomainError(
                _("Results are recorded while the competition is under way (it is “%(status)s”).")
                % {"status": competition.get_status_display()}
            )
        if rank is not None and rank < 1:
            raise DomainError({"rank": _("A rank is 1 or more.")})
        if rank is not None and rank > competition.participants:
            raise DomainError(
                {
                    "rank": _("Rank %(rank)s among %(n)s participants.")
                    % {"rank": rank, "n": competition.participants}
                }
            )
        changes = {
            "rank": rank,
            "field": (field or "").strip() or competition.field_word,
            "prize": prize or "",
        }
        if reached_final is not None:
            changes["reached_final"] = reached_final
        if rank is not None or prize:
            changes["reached_final"] = True
        diff = {
            k: [str(getattr(locked, k) or ""), str(v or "")]
            for k, v in changes.items()
            if getattr(locked, k) != v
        }
        for k, v in changes.items():
            setattr(locked, k, v)
        if honor is not None and honor.pk != _awarded_honor(locked):
            locked.award = _confer(actor, locked, competition, honor)
            diff["award"] = ["", str(honor)]
        full_clean(locked, exclude=["advanced_from", "award"])
        locked.save()
        if diff:
            record_event(
                actor=actor,
                action="competitionentry.result",
                org=locked.org,
                target=locked,
                details={"changes": diff},
            )
    return locked


def _awarded_honor(entry: CompetitionEntry):
    return entry.award.honor_id if entry.award_id else None


def _confer(actor, entry: CompetitionEntry, competition: Competition, honor: Honor):
    """The title an entrant's result brings, conferred through the honours area (which checks
    the honour's keeper, year and one award per person) on the day the competition ended."""
    from gonghui.honors.services import award_record

    if entry.award_id is not None:
        raise DomainError(
            {
                "honor": _(
                    "%(title)s is already conferred on this entrant; correct it in the honours."
                )
                % {"title": entry.award.honor.name}
            }
        )
    # An honour above the actor's union is conferred by its keeper, through its nominations.
    require_in_scope(actor, honor.org)
    if honor.kind not in TITLE_KINDS:
        raise DomainError({"honor": _("Choose a title that follows a result, such as 技术能手.")})
    if entry.person_id is None:
        raise DomainError({"honor": _("A title is conferred on a member, not on a team.")})
    return award_record(
        actor=actor,
        honor=honor,
        org=entry.org,
        person=entry.person,
        conferred_on=competition.ends_on,
        note=competition.name,
    )


def entry_delete(*, actor, entry: CompetitionEntry) -> None:
    """Remove an entrant named by mistake, before the results; not one sent on."""
    require_perm(actor, "skills.delete_competitionentry")
    with transaction.atomic():
        locked = CompetitionEntry.objects.select_for_update().get(pk=entry.pk)
        require_in_scope(actor, locked.org)
        require_in_scope(actor, locked.competition.org)
        _open_competition(locked.competition)
        if CompetitionEntry.objects.filter(advanced_from=locked).exists():
            raise DomainError(
                _("This entrant was sent on to a higher competition: remove that entry first.")
            )
        record_delete(actor=actor, instance=locked)


# -- training ----------------------------------------------------------------------------


def course_create(*, actor, org: Org, name: str, target_group: str, **fields) -> TrainingCourse:
    """A training programme of ``org`` for one target group."""
    course = TrainingCourse(org=org, name=(name or "").strip(), target_group=target_group, **fields)
    require_perm(actor, "skills.add_trainingcourse")
    require_in_scope(actor, org)
    if TrainingCourse.objects.filter(org=org, name=course.name).exists():
        raise DomainError({"name": _("This union already has a course of this name.")})
    return record_create(actor=actor, instance=course)


def course_update(*, actor, course: TrainingCourse, changes: dict) -> TrainingCourse:
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
        if (
            TrainingCourse.objects.filter(org=course.org, name=changes["name"])
            .exclude(pk=course.pk)
            .exists()
        ):
            raise DomainError({"name": _("This union already has a course of this name.")})
    return record_update(actor=actor, instance=course, changes=changes)


def course_delete(*, actor, course: TrainingCourse) -> None:
    require_perm(actor, "skills.delete_trainingcourse")
    require_in_scope(actor, course.org)
    if course.sessions.exists():
        raise DomainError(_("The course has sessions: delete them first."))
    record_delete(actor=actor, instance=course)


def _session_check(s: TrainingSession, today: datetime.date) -> None:
    _dates(s.starts_on, s.ends_on)
    _not_after(s.starts_on, "starts_on", today + datetime.timedelta(days=366))
    s.cost = _money(s.cost, "cost")
    if s.hours is None or s.hours <= 0:
        raise DomainError({"hours": _("A session has class hours.")})
    if s.hours > 24 * ((s.ends_on - s.starts_on).days + 1):
        raise DomainError({"hours": _("More class hours than the session has hours.")})
    if s.unnamed_trainees > MAX_HEADCOUNT:
        raise DomainError(
            {"unnamed_trainees": _("More than %(n)s trainees in one session: check the figure.")
             % {"n": MAX_HEADCOUNT}}
        )  # fmt: skip
    if s.unnamed_certificates > s.unnamed_trainees:
        raise DomainError({"unnamed_certificates": _("More certificates than trainees not named.")})
    if s.unnamed_jobs > s.unnamed_trainees:
        raise DomainError({"unnamed_jobs": _("More jobs found than trainees not named.")})
    taken = TrainingSession.objects.filter(course=s.course, number=s.number).exclude(pk=s.pk)
    if taken.exists():
        raise DomainError({"number": _("The course already has a session of this number.")})


def _recount(session: TrainingSession) -> TrainingSession:
    """The session's totals: the head-counts plus its roster (called under the session's lock).
    Everyone on the roster was trained; certificates only go to those who completed it."""
    named = session.roster.aggregate(
        trainees=Count("id"),
        certificates=Count("id", filter=~Q(certificate="")),
        jobs=Count("id", filter=Q(found_job=True)),
    )
    session.trainees = session.unnamed_trainees + named["trainees"]
    session.certificates = session.unnamed_certificates + named["certificates"]
    session.jobs = session.unnamed_jobs + named["jobs"]
    TrainingSession.objects.filter(pk=session.pk).update(
        trainees=session.trainees, certificates=session.certificates, jobs=session.jobs
    )
    return session


def session_create(
    *, actor, course: TrainingCourse, today: datetime.date | None = None, **fields
) -> TrainingSession:
    """A session (期) of a course; its number is the next one when not given."""
    today = today or timezone.localdate()
    require_perm(actor, "skills.add_trainingsession")
    require_in_scope(actor, course.org)
    with transaction.atomic():
        TrainingCourse.objects.select_for_update().get(pk=course.pk)
        if not fields.get("number"):
            last = course.sessions.order_by("-number").values_list("number", flat=True).first()
            fields["number"] = (last or 0) + 1
        session = TrainingSession(course=course, **fields)
        _session_check(session, today)
        record_create(actor=actor, instance=session, org_attr="course.org")
        return _recount(session)


def session_update(
    *, actor, session: TrainingSession, changes: dict, today: datetime.date | None = None
) -> TrainingSession:
    today = today or timezone.localdate()
    require_perm(actor, "skills.change_trainingsession")
    with transaction.atomic():
        locked = (
            TrainingSession.objects.select_for_update()
            .select_related("course__org")
            .get(pk=session.pk)
        )
        require_in_scope(actor, locked.course.org)
        for k, v in changes.items():
            setattr(locked, k, v)
        _session_check(locked, today)
        saved = record_update(
            actor=actor,
            instance=locked,
            changes={k: getattr(locked, k) for k in changes},
            org_attr="course.org",
        )
        return _recount(saved)


def session_delete(*, actor, session: TrainingSession) -> None:
    require_perm(actor, "skills.delete_trainingsession")
    require_in_scope(actor, session.course.org)
    if session.roster.exists():
        raise DomainError(_("The session has trainees on its roster: remove them first."))
    record_delete(actor=actor, instance=session, org_attr="course.org")


def _trainee_check(t: Trainee) -> None:
    if t.certificate and not t.completed:
        raise DomainError({"certificate": _("Only a trainee who completed it has a certificate.")})
    if t.certificate_no and not t.certificate:
        raise DomainError({"certificate": _("Choose the certificate the number is of.")})
    t.certificate_no = (t.certificate_no or "").strip()


def trainee_add(
    *,
    actor,
    session: TrainingSession,
    person: Person,
    completed: bool = True,
    certificate: str = "",
    certificate_no: str = "",
    found_job: bool = False,
) -> Trainee:
    """Put a member of the actor's subtree on a session's roster."""
    require_perm(actor, "skills.add_trainee")
    require_in_scope(actor, session.course.org)
    membership = person.latest_membership
    if membership is None:
        raise DomainError({"person": _("%(name)s is not a member.") % {"name": person.name}})
    require_in_scope(actor, membership.org)
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if locked.roster.filter(person=person).exists():
            raise DomainError(
                {
                    "person": _("%(name)s is already on this session's roster.")
                    % {"name": person.name}
                }
            )
        trainee = Trainee(
            session=locked,
            person=person,
            name=person.name,
            completed=completed,
            certificate=certificate or "",
            certificate_no=certificate_no or "",
            found_job=found_job,
        )
        _trainee_check(trainee)
        trainee.save(force_insert=True)
        record_event(
            actor=actor,
            action="trainee.create",
            org=locked.course.org,
            target=trainee,
            details={"session": str(locked)},
        )
        _recount(locked)
    return trainee


def trainee_update(*, actor, trainee: Trainee, changes: dict) -> Trainee:
    """Correct a trainee's completion, certificate or job."""
    changes = {
        k: v
        for k, v in changes.items()
        if k in ("completed", "certificate", "certificate_no", "found_job")
    }
    require_perm(actor, "skills.change_trainee")
    with transaction.atomic():
        session = (
            TrainingSession.objects.select_for_update()
            .select_related("course__org")
            .get(pk=trainee.session_id)
        )
        require_in_scope(actor, session.course.org)
        locked = Trainee.objects.select_for_update().get(pk=trainee.pk)
        for k, v in changes.items():
            setattr(locked, k, v if v is not None else "")
        _trainee_check(locked)
        saved = record_update(
            actor=actor,
            instance=locked,
            changes={k: getattr(locked, k) for k in changes},
            org_attr="session.course.org",
        )
        _recount(session)
    return saved


def trainee_remove(*, actor, trainee: Trainee) -> None:
    require_perm(actor, "skills.delete_trainee")
    with transaction.atomic():
        session = (
            TrainingSession.objects.select_for_update()
            .select_related("course__org")
            .get(pk=trainee.session_id)
        )
        require_in_scope(actor, session.course.org)
        record_delete(actor=actor, instance=trainee, org_attr="session.course.org")
        _recount(session)


# -- innovation --------------------------------------------------------------------------


def _innovation_check(actor, i: Innovation, today: datetime.date, changed=None) -> None:
    """``changed``: the fields an edit changes (None: a new result); the studio and the lead
    are checked against the actor's subtree only when they are chosen."""
    i.title = (i.title or "").strip()
    if not i.title:
        raise DomainError({"title": _("Name the innovation result.")})
    _not_after(i.achieved_on, "achieved_on", today)
    i.benefit = _money(i.benefit, "benefit")
    if i.kind == InnovationKind.PATENT and not (i.patent_no or "").strip():
        raise DomainError({"patent_no": _("A patent is recorded with its number.")})
    if i.award_prize and not (i.award or "").strip():
        raise DomainError({"award": _("Name the award the prize is of.")})
    if i.studio_id is not None and (changed is None or {"studio", "org"} & changed):
        studio = ServicePoint.objects.select_related("org").get(pk=i.studio_id)
        require_in_scope(actor, studio.org)
        if studio.kind not in STUDIO_KINDS:
            raise DomainError({"studio": _("Choose an innovation studio.")})
        if not studio.org.is_within(i.org) and not i.org.is_within(studio.org):
            raise DomainError({"studio": _("The studio is not one of this union's.")})
    if i.lead_id is not None and (changed is None or {"lead", "org"} & changed):
        lead = Person.objects.select_related("latest_membership__org").get(pk=i.lead_id)
        if lead.latest_membership is None:
            raise DomainError({"lead": _("%(name)s is not a member.") % {"name": lead.name}})
        require_in_scope(actor, lead.latest_membership.org)
    taken = Innovation.objects.filter(org=i.org, title=i.title).exclude(pk=i.pk)
    if taken.exists():
        raise DomainError({"title": _("This union already has a result of this name.")})


def innovation_create(
    *, actor, org: Org, title: str, kind: str, achieved_on: datetime.date,
    today: datetime.date | None = None, **fields
) -> Innovation:  # fmt: skip
    """An innovation result of ``org`` (``lead``, ``team``, ``studio``, ``benefit``,
    ``patent_no``, ``award``, ``award_prize``)."""
    today = today or timezone.localdate()
    require_perm(actor, "skills.add_innovation")
    require_in_scope(actor, org)
    innovation = Innovation(org=org, title=title, kind=kind, achieved_on=achieved_on, **fields)
    _innovation_check(actor, innovation, today)
    return record_create(actor=actor, instance=innovation)


def innovation_update(
    *, actor, innovation: Innovation, changes: dict, today: datetime.date | None = None
) -> Innovation:
    today = today or timezone.localdate()
    require_perm(actor, "skills.change_innovation")
    with transaction.atomic():
        locked = Innovation.objects.select_for_update().get(pk=innovation.pk)
        require_in_scope(actor, locked.org)
        changed = {k for k, v in changes.items() if getattr(locked, k) != v}
        for k, v in changes.items():
            setattr(locked, k, v)
        _innovation_check(actor, locked, today, changed)
        return record_update(
            actor=actor, instance=locked, changes={k: getattr(locked, k) for k in changes}
        )


def innovation_delete(*, actor, innovation: Innovation) -> None:
    record_delete(actor=actor, instance=innovation)
