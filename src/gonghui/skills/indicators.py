"""The skills figures, in the seeds' words: "开展劳动技能竞赛…参加职工人数达3000余人",
"获得了全省第一、全国第十八的好成绩", "技能培训19期,发放895份…合格证书,帮助56人实现就业",
"完成产业工人职业技能提升等级证书培训1263人,农民工职业技能引导性培训8887人", and the
innovation results with the benefit they brought. The studios standing are the service-point
figures of their two kinds (``orgs.service_points.innovation_studio`` and ``.worker_studio``)."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from gonghui.core.indicators import Indicator, WorkArea
from gonghui.skills.models import (
    Competition,
    CompetitionEntry,
    CompetitionStatus,
    Innovation,
    InnovationKind,
    Prize,
    SkillLevel,
    TargetGroup,
    TrainingSession,
)

K = WorkArea.SKILLS
COMPETITIONS = "admin:skills_competition_changelist"
ENTRIES = "admin:skills_competitionentry_changelist"
SESSIONS = "admin:skills_trainingsession_changelist"
INNOVATIONS = "admin:skills_innovation_changelist"
SECTION = "said in the skills section's sentences"
# The report names at most this many results won above the union, the best first.
RESULTS_SHOWN = 8
# The seeds' words for the trainees of each group: "农民工职业技能引导性培训8887人".
GROUP_WORDS = {
    TargetGroup.INDUSTRIAL: "产业工人",
    TargetGroup.MIGRANT: "农民工",
    TargetGroup.RELOCATED: "搬迁群众",
    TargetGroup.NEW_EMPLOYMENT: "新就业形态劳动者",
    TargetGroup.CADRES: "工会干部",
    TargetGroup.WOMEN: "女职工",
}


# A competition is said as held once it is under way (not while in preparation, not called off).
TOOK_PLACE = (CompetitionStatus.RUNNING, CompetitionStatus.FINISHED)
# Entrants sent "to the provincial and national" competitions, as the seeds count them
# ("积极组织参加省级、国家级职工职业技能大赛"): a final of the city above a county is recorded by
# the city as its own, so a report over the city would count it twice.
ABOVE = (SkillLevel.PROVINCIAL, SkillLevel.NATIONAL)


def held():
    # Held by the union itself (not a final above it that its entrants went to).
    return Q(held_above=False, status__in=TOOK_PLACE)


def _competition(key, name, unit, measure, where=held, **more) -> Indicator:
    return Indicator(
        key,
        name,
        unit,
        K,
        Competition.objects.all,
        "org",
        date_field="starts_on",
        measure=measure,
        records=(COMPETITIONS, more.pop("query", {"held": "yes"})),
        where=where,
        **more,
    )


def sent_above():
    return Q(competition__held_above=True, competition__level__in=ABOVE) & ~Q(
        competition__status=CompetitionStatus.CANCELLED
    )


def results_above(root, start, end) -> list[str]:
    """The results the subtree's entrants won at competitions held above it, best first:
    "全国茶叶加工职业技能竞赛获得全省第一、全国第十八" (one entrant's way up, said once)."""
    from gonghui.skills.selectors import result_text

    entries = list(
        CompetitionEntry.objects.filter(
            org__path__startswith=root.path,
            competition__held_above=True,
            competition__level__in=ABOVE,
            competition__starts_on__gte=start,
            competition__starts_on__lte=end,
        )
        .exclude(competition__status=CompetitionStatus.CANCELLED)
        .filter(Q(rank__isnull=False) | ~Q(prize=""))
        .select_related("competition", "advanced_from__competition")
        .order_by("competition__starts_on", "id")
    )
    sent_on = {e.advanced_from_id for e in entries if e.advanced_from_id}
    said = []
    for e in entries:
        if e.pk in sent_on:
            continue  # said with the last competition of its way up
        way, step = [e], e.advanced_from
        while step is not None and step.competition.held_above and (step.rank or step.prize):
            way.insert(0, step)
            step = step.advanced_from
        best = min((w.rank or 999) for w in way)
        said.append((best, f"{e.competition.name}获得{'、'.join(result_text(w) for w in way)}"))
    return [text for _best, text in sorted(said, key=lambda s: s[0])[:RESULTS_SHOWN]]


def placed():
    return Q(rank__isnull=False) | ~Q(prize="")


def own_results():
    # The union's own competitions with their results out: what its entrants won above is said
    # with the competition it was won in.
    return Q(competition__held_above=False, competition__status=CompetitionStatus.FINISHED)


def _sessions(key, name, unit, measure, group: str = "", **more) -> Indicator:
    return Indicator(
        key,
        name,
        unit,
        K,
        TrainingSession.objects.all,
        "course__org",
        date_field="starts_on",
        measure=measure,
        records=(SESSIONS, {"course__target_group__exact": group} if group else {}),
        where=(lambda: Q(course__target_group=group)) if group else None,
        **more,
    )


def _innovations(key, name, unit, measure, where=None, **more) -> Indicator:
    return Indicator(
        key,
        name,
        unit,
        K,
        Innovation.objects.all,
        "org",
        date_field="achieved_on",
        measure=measure,
        records=(INNOVATIONS, more.pop("query", {})),
        where=where,
        **more,
    )


INDICATORS = [
    _competition(
        "skills.competitions",
        _("Labour and skills competitions held"),
        "场",
        Count("id"),
        phrase="举办劳动和技能竞赛{n}",
    ),
    _competition(
        "skills.competitions.participants",
        _("Participants in the competitions held"),
        "人次",
        Sum("participants"),
        approximation_field="participants_approx",
        phrase="参赛职工{n}",
        said_with="skills.competitions",
    ),
    *[
        _competition(
            f"skills.competitions.{level}",
            _("Competitions held at level: %(level)s") % {"level": label},
            "场",
            Count("id"),
            where=lambda level=level: held() & Q(level=level),
            query={"held": "yes", "level__exact": level},
            leave_out=SECTION,
        )
        for level, label in SkillLevel.choices
    ],
    Indicator(
        "skills.entrants.sent",
        _("Entrants sent to provincial and national competitions"),
        "人次",
        K,
        CompetitionEntry.objects.all,
        "org",
        date_field="competition__starts_on",
        measure=Count("id"),
        records=(ENTRIES, {"sent": "above"}),
        where=sent_above,
        phrase="选派职工参加省级以上竞赛{n}",
        notes=results_above,
    ),
    Indicator(
        "skills.winners",
        _("Entrants placed or awarded"),
        "人次",
        K,
        CompetitionEntry.objects.all,
        "org",
        date_field="competition__starts_on",
        measure=Count("id"),
        records=(ENTRIES, {"placed": "own"}),
        where=lambda: placed() & own_results(),
        phrase="获得名次和奖项{n}",
    ),
    Indicator(
        "skills.winners.first",
        _("Entrants first placed or with a first prize"),
        "人次",
        K,
        CompetitionEntry.objects.all,
        "org",
        date_field="competition__starts_on",
        measure=Count("id"),
        records=(ENTRIES, {"placed": "first"}),
        where=lambda: (Q(rank=1) | Q(prize=Prize.FIRST)) & own_results(),
        said_with="skills.winners",
    ),
    _sessions(
        "skills.sessions",
        _("Training sessions held"),
        "期",
        Count("id"),
        phrase="举办职工技能培训{n}",
    ),
    _sessions(
        "skills.trainees",
        _("Workers trained"),
        "人",
        Sum("trainees"),
        approximation_field="trainees_approx",
        phrase="培训职工{n}",
        said_with="skills.sessions",
    ),
    *[
        _sessions(
            f"skills.trainees.{group}",
            _("Trained: %(group)s") % {"group": label},
            "人",
            Sum("trainees"),
            group=group,
            approximation_field="trainees_approx",
            leave_out=SECTION,
        )
        for group, label in TargetGroup.choices
    ],
    _sessions(
        "skills.certificates",
        _("Trainees who earned a certificate"),
        "人",
        Sum("certificates"),
        phrase="{n}取得职业技能等级或培训合格证书",
        said_with="skills.sessions",
    ),
    _sessions(
        "skills.jobs",
        _("Trainees who found a job after training"),
        "人",
        Sum("jobs"),
        phrase="帮助{n}实现就业",
        said_with="skills.sessions",
    ),
    _sessions(
        "skills.training.cost",
        _("Spent on training"),
        "元",
        Sum("cost"),
        phrase="投入培训资金{n}",
        said_with="skills.sessions",
    ),
    _innovations(
        "skills.innovations",
        _("Innovation results"),
        "项",
        Count("id"),
        phrase="形成职工创新成果{n}",
    ),
    _innovations(
        "skills.innovations.benefit",
        _("Economic benefit of innovation results"),
        "元",
        Sum("benefit"),
        phrase="创造经济效益{n}",
        said_with="skills.innovations",
    ),
    _innovations(
        "skills.innovations.patents",
        _("Patents among the innovation results"),
        "项",
        Count("id"),
        where=lambda: Q(kind=InnovationKind.PATENT),
        query={"kind__exact": InnovationKind.PATENT},
        said_with="skills.innovations",
    ),
    _innovations(
        "skills.innovations.awarded",
        _("Innovation results awarded"),
        "项",
        Count("id"),
        where=lambda: ~Q(award=""),
        query={"awarded": "yes"},
        said_with="skills.innovations",
    ),
]
