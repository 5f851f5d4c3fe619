"""A year of skills work in the demo county, written through the services like a user's input.

Competitions: the county's own labour and skills competitions (tea processing, electricians,
couriers, cooks …) with mass rounds of hundreds, named finalists and their placings; one
competition still in preparation, one under way, one called off; the county's tea-processing
champion sent on to the provincial final (全省第一) and from there to the national one (全国第
十八), as the seed county's entrant was; a township's enterprise-level contest.

Training: courses for industrial workers, migrant workers, relocated residents, new-form
workers, union officers and women workers, about twenty sessions: named rosters of members with
certificates and jobs, head-counts where the trainees are not members.

Innovation: a few dozen results of the 五小 kinds, proposals and patents, from the county's
innovation studios and its enterprises, with their benefit and a few awards.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from gonghui.demo.generator import DEMO_YEAR, REFERENCE_DATE, DemoCounty, Generator
from gonghui.honors.models import HonorKind, HonorLevel
from gonghui.honors.services import honor_create
from gonghui.members.models import Membership
from gonghui.orgs.models import Org, ServicePoint
from gonghui.orgs.services import service_point_create
from gonghui.skills import services
from gonghui.skills.models import (
    Approximation,
    Certificate,
    CompetitionKind,
    InnovationKind,
    Prize,
    SkillLevel,
    TargetGroup,
)

D = datetime.date
# The county's own competitions: name, kind, trade, month, mass participants, named finalists.
OWN = (
    ("全县茶叶加工职业技能竞赛", CompetitionKind.SKILLS, "茶叶加工工", 4, 420, 12),
    ("全县电工职业技能竞赛", CompetitionKind.SKILLS, "电工", 5, 260, 10),
    ("“建功十四五”重点项目劳动竞赛", CompetitionKind.LABOUR, "", 3, 1500, 0),
    ("快递员职业技能大赛", CompetitionKind.SKILLS, "快递员", 6, 180, 8),
    ("全县中式烹调师技能竞赛", CompetitionKind.SKILLS, "中式烹调师", 8, 150, 10),
    ("“安康杯”安全生产知识竞赛", CompetitionKind.LABOUR, "", 9, 600, 6),
)
PRIZES = (Prize.FIRST, Prize.SECOND, Prize.SECOND, Prize.THIRD, Prize.THIRD, Prize.THIRD)
COURSES = (
    ("产业工人职业技能提升培训", TargetGroup.INDUSTRIAL, "电工、焊工", 6, True),
    ("农民工职业技能引导性培训", TargetGroup.MIGRANT, "家政、餐饮", 5, False),
    ("易地搬迁群众就业技能培训", TargetGroup.RELOCATED, "挖掘机、中式面点", 4, False),
    ("快递外卖骑手安全技能培训", TargetGroup.NEW_EMPLOYMENT, "快递员", 2, True),
    ("基层工会干部业务培训班", TargetGroup.CADRES, "", 1, True),
    ("女职工茶艺技能培训", TargetGroup.WOMEN, "茶艺师", 2, True),
)
INNOVATIONS = (
    "茶叶杀青温控改进",
    "揉捻机防尘罩",
    "配电柜巡检记录表",
    "快递分拣台高度调节",
    "锅炉余热回收",
    "电表箱防雨改造",
    "茶园病虫害识别卡",
    "冷链车厢温度报警",
    "焊接夹具快换",
    "食堂节水阀",
    "配送路线优化建议",
    "仓储货架标识",
)


def _members(rng, k: int) -> list:
    ids = list(
        Membership.objects.filter(status=Membership.Status.ACTIVE, org__level=Org.Level.GRASSROOTS)
        .order_by("id")
        .values_list("id", flat=True)
    )
    picked = rng.sample(ids, k=min(k, len(ids)))
    found = Membership.objects.select_related("person", "org").in_bulk(picked)
    return [found[pk] for pk in picked]


def build(gen: Generator, demo: DemoCounty) -> None:
    rng = gen.rng
    county = demo.county
    pool = _members(rng, 900)
    n_comp, entries = _competitions(gen, county, demo, pool[:120])
    sessions, named, trainees = _training(gen, county, demo, pool[120:])
    results = _innovations(gen, county, demo, pool[120:200])
    gen.progress(
        f"    劳动和技能竞赛 {n_comp} 场（具名选手 {entries} 名）；培训 {sessions} 期 "
        f"{trainees} 人（名册 {named} 人）；职工创新成果 {results} 项"
    )


def _competitions(gen, county, demo, pool) -> tuple[int, int]:
    rng = gen.rng
    made = entries = 0
    champion = None
    # The title the county's skills champions earn, conferred as an honour (劳模与荣誉).
    expert = honor_create(
        actor=None,
        kind=HonorKind.TECHNICAL_EXPERT,
        level=HonorLevel.COUNTY,
        title="青山县技术能手",
        conferring_body="青山县人力资源和社会保障局、青山县总工会",
        year=DEMO_YEAR,
        org=county,
    )
    for i, (name, kind, trade, month, mass, finalists) in enumerate(OWN):
        start = D(DEMO_YEAR, month, rng.randint(5, 20))
        competition = services.competition_create(
            actor=None,
            org=county,
            name=name,
            kind=kind,
            level=SkillLevel.COUNTY,
            trade=trade,
            organisers="县总工会、县人社局" + ("、县农业农村局" if "茶" in name else ""),
            starts_on=start,
            ends_on=start + datetime.timedelta(days=rng.randint(0, 2)),
            participants=mass,
            participants_approx=Approximation.AT_LEAST if mass >= 1000 else "",
            cost=Decimal(rng.randint(20, 80) * 1000),
        )
        made += 1
        named = [pool.pop() for _ in range(finalists)]
        made_entries = [
            services.entry_create(actor=None, competition=competition, person=m.person)
            for m in named
        ]
        entries += len(made_entries)
        if name == "“安康杯”安全生产知识竞赛":
            continue  # not started yet although its day has come: a to-do on the home page
        services.competition_transition(
            actor=None, competition=competition, step="start", today=REFERENCE_DATE
        )
        for rank, entry in enumerate(made_entries, start=1):
            services.entry_result(
                actor=None,
                entry=entry,
                rank=rank if rank <= 3 else None,
                prize=PRIZES[rank - 1] if rank <= len(PRIZES) else Prize.MERIT,
                honor=expert if rank <= 3 and kind == CompetitionKind.SKILLS else None,
            )
        if name == "全县中式烹调师技能竞赛":
            continue  # under way: its results are not out yet
        services.competition_transition(
            actor=None, competition=competition, step="finish", today=REFERENCE_DATE
        )
        if i == 0:
            champion = made_entries[0]
    # A contest called off, and a township's enterprise-level contest.
    off = services.competition_create(
        actor=None,
        org=demo.townships[0],
        name="街道家政服务员技能比武",
        kind=CompetitionKind.SKILLS,
        level=SkillLevel.ENTERPRISE,
        trade="家政服务员",
        starts_on=D(DEMO_YEAR, 7, 10),
        ends_on=D(DEMO_YEAR, 7, 10),
        participants=40,
    )
    services.competition_transition(
        actor=None, competition=off, step="cancel", reason="汛期停办", today=REFERENCE_DATE
    )
    made += 1
    township_contest = services.competition_create(
        actor=None,
        org=demo.townships[1],
        name="园区企业岗位练兵技术比武",
        kind=CompetitionKind.LABOUR,
        level=SkillLevel.ENTERPRISE,
        starts_on=D(DEMO_YEAR, 5, 18),
        ends_on=D(DEMO_YEAR, 5, 18),
        participants=230,
    )
    local = [m for m in pool if m.org.is_within(demo.townships[1])][:3]
    for m in local:
        services.entry_create(actor=None, competition=township_contest, person=m.person)
        entries += 1
    services.competition_transition(
        actor=None, competition=township_contest, step="start", today=REFERENCE_DATE
    )
    services.competition_transition(
        actor=None, competition=township_contest, step="finish", today=REFERENCE_DATE
    )
    made += 1
    # The champion's way up: the provincial final, then the national one.
    way = (
        ("全省茶叶加工职业技能竞赛决赛", SkillLevel.PROVINCIAL, 6, 1),
        ("全国茶叶加工职业技能竞赛", SkillLevel.NATIONAL, 9, 18),
    )
    below = champion
    for name, level, month, rank in way:
        start = D(DEMO_YEAR, month, 12)
        above = services.competition_create(
            actor=None,
            org=county,
            name=name,
            kind=CompetitionKind.SKILLS,
            level=level,
            trade="茶叶加工工",
            held_above=True,
            organisers="省总工会、省人社厅" if level == SkillLevel.PROVINCIAL else "中华全国总工会",
            starts_on=start,
            ends_on=start + datetime.timedelta(days=2),
            participants=60 if level == SkillLevel.PROVINCIAL else 120,
        )
        sent = services.entry_send_on(actor=None, entry=below, competition=above)
        services.competition_transition(
            actor=None, competition=above, step="start", today=REFERENCE_DATE
        )
        services.entry_result(actor=None, entry=sent, rank=rank)
        services.competition_transition(
            actor=None, competition=above, step="finish", today=REFERENCE_DATE
        )
        below = sent
        entries += 1
    return made, entries


def _training(gen, county, demo, pool) -> tuple[int, int, int]:
    rng = gen.rng
    sessions = named = 0
    orgs = [county, county, county, demo.townships[0], county, demo.townships[2]]
    for (name, group, trade, count, roster), org in zip(COURSES, orgs, strict=True):
        course = services.course_create(
            actor=None,
            org=org,
            name=name,
            target_group=group,
            trade=trade,
            provider=rng.choice(("县职业技术学校", "县就业培训中心", "县总工会职工学校")),
            funded_by=rng.choice(("union", "government", "union")),
        )
        for _n in range(count):
            month = rng.randint(2, 10)
            start = D(DEMO_YEAR, month, rng.randint(1, 18))
            days = rng.choice((3, 5, 7, 15))
            unnamed = 0 if roster else rng.randint(120, 480)
            session = services.session_create(
                actor=None,
                course=course,
                starts_on=start,
                ends_on=start + datetime.timedelta(days=days - 1),
                hours=Decimal(days * 6),
                site=rng.choice(("县职工服务中心", "搬迁安置点社区", "园区培训室")),
                unnamed_trainees=unnamed,
                unnamed_certificates=round(unnamed * rng.uniform(0.5, 0.8)),
                unnamed_jobs=round(unnamed * rng.uniform(0.02, 0.08)),
                cost=Decimal(rng.randint(15, 60) * 1000),
                today=REFERENCE_DATE,
            )
            sessions += 1
            if not roster:
                continue
            for _k in range(rng.randint(25, 45)):
                if not pool:
                    break
                m = pool.pop()
                completed = rng.random() < 0.93
                certified = completed and rng.random() < 0.7
                services.trainee_add(
                    actor=None,
                    session=session,
                    person=m.person,
                    completed=completed,
                    certificate=rng.choice(
                        (Certificate.LEVEL5, Certificate.LEVEL4, Certificate.LEVEL4,
                         Certificate.SPECIAL, Certificate.COMPLETION)
                    )
                    if certified
                    else "",
                    certificate_no=f"S{DEMO_YEAR}{rng.randrange(10**8):08d}" if certified else "",
                    found_job=group == TargetGroup.NEW_EMPLOYMENT and rng.random() < 0.1,
                )  # fmt: skip
                named += 1
    from gonghui.skills.models import TrainingSession

    total = sum(TrainingSession.objects.values_list("trainees", flat=True))
    return sessions, named, total


def _innovations(gen, county, demo, pool) -> int:
    rng = gen.rng
    studios = list(
        ServicePoint.objects.filter(
            kind=ServicePoint.Kind.INNOVATION_STUDIO, org__path__startswith=county.path
        ).order_by("id")
    )
    for i, union in enumerate(rng.sample(demo.grassroots, 2)):
        studios.append(
            service_point_create(
                actor=None,
                org=union,
                kind=ServicePoint.Kind.WORKER_INNOVATION_STUDIO,
                name=f"{union.short_name or union.name[:8]}职工创新工作室",
                opened_on=D(DEMO_YEAR - 2 + i, 3, 1),
            )
        )
    kinds = [k for k, _label in InnovationKind.choices]
    made = 0
    for n in range(36):
        m = pool[n % len(pool)]
        studio = rng.choice(studios) if studios and rng.random() < 0.5 else None
        org = studio.org if studio is not None else m.org
        kind = rng.choice(kinds)
        title = f"{INNOVATIONS[n % len(INNOVATIONS)]}（{n // len(INNOVATIONS) + 1}）"
        awarded = n in (3, 11, 20)
        services.innovation_create(
            actor=None,
            org=org,
            title=title,
            kind=kind,
            achieved_on=D(DEMO_YEAR, rng.randint(1, 10), rng.randint(1, 28)),
            lead=m.person if m.org.is_within(org) or org.is_within(m.org) else None,
            team="、".join(gen.person_name() for _ in range(rng.randint(1, 4))),
            studio=studio,
            benefit=Decimal(rng.choice((0, 5000, 12000, 30000, 86000, 150000))),
            patent_no=f"ZL{DEMO_YEAR}2{rng.randrange(10**7):07d}.X" if kind == "patent" else "",
            award="全省职工创新成果展" if awarded else "",
            award_prize=Prize.THIRD if awarded else "",
            today=REFERENCE_DATE,
        )
        made += 1
    return made
