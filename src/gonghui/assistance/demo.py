"""A year of assistance in the demo county, written through the services like a user's input.

Local standards for 2023–2026; about 260 households on file in every category and status;
the four seasonal campaigns and three others; grants in every state of the workflow, some of
them paid in batches; group relief of the summer and spring campaigns.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from stdnum.cn.ric import calc_check_digit

from gonghui.assistance import services
from gonghui.assistance.models import Campaign, Grant, HardshipFile, SchoolLevel
from gonghui.demo.generator import DEMO_YEAR, REFERENCE_DATE, DemoCounty, Generator
from gonghui.members.models import Membership, Person
from gonghui.orgs.models import Org

LINES = {2023: "620", 2024: "650", 2025: "680", 2026: "720"}
CAUSES = ("illness", "disability", "schooling", "unemployment", "low_wage")
SCHOOLS = {
    SchoolLevel.BACHELOR: ("云南大学", "云南师范大学", "昆明理工大学", "西南林业大学", "大理大学"),
    SchoolLevel.HIGHER_VOCATIONAL: (
        "云南交通职业技术学院",
        "昆明冶金高等专科学校",
        "保山中医药高等专科学校",
    ),
    SchoolLevel.HIGH_SCHOOL: ("青山县第一中学", "青山县第二中学"),
    SchoolLevel.SECONDARY_VOCATIONAL: ("青山县职业高级中学",),
}
BANKS = ("农业银行青山支行", "农村信用社青山联社", "建设银行青山支行", "邮储银行青山支行")


def build_assistance(gen: Generator, demo: DemoCounty) -> None:
    rng = gen.rng
    county = demo.county
    for year, line in LINES.items():
        services.policy_create(
            actor=None,
            region_code=county.region_code,
            year=year,
            effective_from=datetime.date(year, 1, 1),
            effective_to=datetime.date(year, 12, 31) if year < DEMO_YEAR else None,
            subsistence_line=Decimal(line),
            yearly_cap_per_person=Decimal("8000"),
            note=f"青山县{year}年城市低保标准",
        )
    # Sample ids, then load only the chosen 260 (not 34,000 members with their people).
    active = Membership.objects.filter(
        status=Membership.Status.ACTIVE, org__level=Org.Level.GRASSROOTS
    ).order_by("id")
    ids = list(active.values_list("id", flat=True))
    picked = rng.sample(ids, k=260)
    loaded = Membership.objects.select_related("person", "org").in_bulk(picked)
    chosen = [loaded[pk] for pk in picked]
    files = []
    for i, m in enumerate(chosen):
        files.append(_file(gen, m, i))
    open_files = [f for f in files if f.status in HardshipFile.OPEN]
    gen.progress(f"    困难职工档案 {len(files)} 户（在档 {len(open_files)}）")

    campaigns = _campaigns(county)
    used: set[int] = set()

    def recipients(pool, k):
        picked = []
        for x in pool:
            if x.applicant_id not in used and len(picked) < k:
                used.add(x.applicant_id)
                picked.append(x)
        return picked

    rng.shuffle(open_files)
    # 冬送温暖 (paid before the Spring Festival), 医疗救助, 金秋助学 (in every state).
    winter = campaigns["DSNW"]
    for f in recipients(open_files, 90):
        amount = {"deep": 2000, "relative": 1000, "accident": 3000}[f.category]
        _grant(
            gen,
            winter,
            f.applicant,
            f.org,
            amount,
            until="paid",
            day=datetime.date(DEMO_YEAR, 1, 10),
        )
    medical = campaigns["YLJZ"]
    for f in recipients([f for f in open_files if "illness" in f.causes] + open_files, 30):
        _grant(
            gen,
            medical,
            f.applicant,
            f.org,
            rng.choice((2000, 3000, 5000)),
            until=rng.choice(("paid", "paid", "approved", "noticed")),
            day=datetime.date(DEMO_YEAR, 6, 1),
        )
    school = campaigns["JQZX"]
    states = list(
        ["paid"] * 40
        + ["approved"] * 15
        + ["noticed"] * 12
        + ["reviewed"] * 10
        + ["submitted"] * 12
        + ["draft"] * 6
        + ["rejected"] * 4
        + ["withdrawn"] * 2
    )
    rng.shuffle(states)
    for f, state in zip(recipients(open_files, len(states)), states, strict=False):
        level = rng.choice(
            (
                SchoolLevel.BACHELOR,
                SchoolLevel.BACHELOR,
                SchoolLevel.HIGHER_VOCATIONAL,
                SchoolLevel.HIGH_SCHOOL,
                SchoolLevel.SECONDARY_VOCATIONAL,
            )
        )
        amount = {"bachelor": 5000, "higher_vocational": 3000}.get(level, 2000)
        born = datetime.date(rng.randint(2006, 2010), rng.randint(1, 12), rng.randint(1, 28))
        body = f"{f.applicant.card_number[:6]}{born:%Y%m%d}{rng.randrange(1000):03d}"
        _grant(
            gen,
            school,
            f.applicant,
            f.org,
            amount,
            until=state,
            day=datetime.date(DEMO_YEAR, 8, 20),
            student_name=f.applicant.name[0] + gen.person_name()[1:],
            student_id_number=body + calc_check_digit(body + "0"),
            school=rng.choice(SCHOOLS[level]),
            school_level=level,
            entry_year=DEMO_YEAR if rng.random() < 0.7 else DEMO_YEAR - 1,
        )
    # 节日慰问 for model workers: any member; a warning-free one-off of 1000.
    festival = campaigns["JRWW"]
    workers = active.exclude(person_id__in=used).select_related("person", "org")[:25]
    for m in workers:
        _grant(
            gen, festival, m.person, m.org, 1000, until="paid", day=datetime.date(DEMO_YEAR, 4, 25)
        )
    _pay_all()
    _group_relief(gen, demo, campaigns)
    # A township runs a small campaign of its own: the county sees it, the other townships
    # do not (after every draw from the random source, so the rest of the demo is unchanged).
    township = demo.townships[1]
    services.campaign_create(
        actor=None,
        code=f"{township.code}-{DEMO_YEAR}-JRWW",
        name="乡镇节日慰问",
        kind=Campaign.Kind.FESTIVAL_VISITS,
        year=DEMO_YEAR,
        org=township,
        budget=Decimal("20000"),
        starts_on=datetime.date(DEMO_YEAR, 9, 1),
        ends_on=datetime.date(DEMO_YEAR, 10, 31),
        eligibility="anyone",
    )
    gen.progress(f"    帮扶项目 {Campaign.objects.count()} 个，发放记录 {Grant.objects.count()} 条")


def _file(gen: Generator, m: Membership, i: int) -> HardshipFile:
    rng = gen.rng
    year = rng.choice((2023, 2024, 2025, 2025, 2026, 2026))
    filed = datetime.date(year, rng.randint(1, 9 if year == DEMO_YEAR else 12), rng.randint(1, 28))
    line = Decimal(LINES[year])
    size = rng.randint(2, 6)
    roll = rng.random()
    accident = ""
    if roll < 0.33:
        per_head = line * Decimal(rng.uniform(0.4, 0.95))
    elif roll < 0.85:
        per_head = line * Decimal(rng.uniform(1.05, 1.9))
    else:
        per_head = line * Decimal(rng.uniform(1.2, 2.5))
        accident = rng.choice(
            (
                "家庭主要劳动力因交通事故致残",
                "房屋遭受火灾",
                "本人突发重大疾病住院治疗",
                "因洪涝灾害房屋受损",
            )
        )
    expenses = Decimal(rng.choice((0, 2000, 6000, 12000)))
    income = (per_head * 12 * size + expenses).quantize(Decimal("1"))
    causes = rng.sample(CAUSES, k=rng.randint(1, 2))
    if accident:
        causes = ["accident", *causes[:1]]
    file = services.hardship_file_create(
        actor=None,
        applicant=m.person,
        org=m.org,
        household_size=size,
        annual_income=income,
        expense_illness=expenses if "illness" in causes else 0,
        expense_schooling=expenses if "illness" not in causes else 0,
        accident_reason=accident,
        causes=causes,
        filing_level=rng.choice(("county",) * 8 + ("city", "provincial", "national")),
        filed_on=filed,
        members=[
            {
                "name": gen.person_name(),
                "relation": rng.choice(("配偶", "子女", "父母")),
                "birth_year": rng.randint(1950, 2015),
            }
            for _ in range(size - 1)
        ],
    )
    if year < DEMO_YEAR and rng.random() < 0.6:
        review = datetime.date(
            DEMO_YEAR if rng.random() < 0.7 else year + 1, rng.randint(1, 9), rng.randint(1, 28)
        )
        if review > filed:
            file = services.hardship_file_review(actor=None, file=file, reviewed_on=review)
    roll = rng.random()
    if roll < 0.08:
        file = services.hardship_file_transition(
            actor=None, file=file, to_status="relieved", on=_after(file), note="帮扶到位，已解困"
        )
    elif roll < 0.14:
        file = services.hardship_file_transition(
            actor=None,
            file=file,
            to_status="lifted",
            on=_after(file),
            note="家庭人均收入已超过低保边缘线",
        )
    elif roll < 0.18:
        file = services.hardship_file_transition(
            actor=None, file=file, to_status="closed", on=_after(file), note="本人已退休，退档"
        )
    elif roll < 0.20:
        file = services.hardship_file_transition(
            actor=None, file=file, to_status="lifted", on=_after(file)
        )
        file = services.hardship_file_transition(
            actor=None, file=file, to_status="relapsed", on=_after(file), note="家人再次患病，返困"
        )
    return file


def _after(file: HardshipFile) -> datetime.date:
    """A status date after the file's last change and before the demo's reference date."""
    return min(
        max(file.status_changed_on, file.reviewed_on) + datetime.timedelta(days=40), REFERENCE_DATE
    )


def _campaigns(county: Org) -> dict[str, Campaign]:
    y = DEMO_YEAR
    plan = [
        ("CSGW", "春送岗位", Campaign.Kind.SPRING_JOBS, "50000", (y, 2, 1), (y, 3, 31), "anyone"),
        (
            "XSQL",
            "夏送清凉",
            Campaign.Kind.SUMMER_COOLING,
            "300000",
            (y, 6, 1),
            (y, 9, 30),
            "anyone",
        ),
        (
            "DSNW",
            "冬送温暖",
            Campaign.Kind.WINTER_WARMTH,
            "200000",
            (y, 1, 1),
            (y, 2, 28),
            "on_file_or_groups",
        ),
        (
            "YLJZ",
            "困难职工医疗救助",
            Campaign.Kind.MEDICAL_RELIEF,
            "150000",
            (y, 3, 1),
            (y, 12, 31),
            "on_file",
        ),
        (
            "JQZX",
            "金秋助学",
            Campaign.Kind.SCHOOL_AID,
            "400000",
            (y, 7, 15),
            (y, 10, 31),
            "on_file",
        ),
        (
            "JRWW",
            "五一劳模节日慰问",
            Campaign.Kind.MODEL_WORKER_CARE,
            "30000",
            (y, 4, 20),
            (y, 5, 10),
            "anyone",
        ),
    ]
    made = {}
    for code, name, kind, budget, start, end, eligibility in plan:
        campaign = services.campaign_create(
            actor=None,
            code=f"QS-{y}-{code}",
            name=name,
            kind=kind,
            year=y,
            org=county,
            budget=Decimal(budget),
            starts_on=datetime.date(*start),
            ends_on=datetime.date(*end),
            eligibility=eligibility,
            school_levels=(
                ["high_school", "secondary_vocational", "higher_vocational", "bachelor"]
                if kind == Campaign.Kind.SCHOOL_AID
                else []
            ),
            notice_days=5,
        )
        made[code] = campaign
    standards = {
        "DSNW": [("deep", "", 2000), ("relative", "", 1000), ("accident", "", 3000), ("", "", 800)],
        "YLJZ": [("", "", 5000)],
        "JQZX": [
            ("", "bachelor", 5000),
            ("", "higher_vocational", 3000),
            ("", "high_school", 2000),
            ("", "secondary_vocational", 2000),
        ],
        "JRWW": [("", "", 1000)],
    }
    for code, rows in standards.items():
        for category, level, amount in rows:
            services.standard_set(
                actor=None,
                campaign=made[code],
                category=category,
                school_level=level,
                max_amount=Decimal(amount),
            )
    return made


ORDER = ("submit", "review", "notice", "approve")
UNTIL = {
    "draft": 0,
    "submitted": 1,
    "reviewed": 2,
    "noticed": 3,
    "approved": 4,
    "paid": 4,
    "rejected": 2,
    "withdrawn": 1,
}


def _grant(
    gen: Generator,
    campaign: Campaign,
    person: Person,
    org: Org,
    amount: int,
    *,
    until: str,
    day: datetime.date,
    **student,
) -> Grant:
    rng = gen.rng
    account = "6228" + "".join(str(rng.randrange(10)) for _ in range(15))
    draft = services.grant_create(
        actor=None,
        campaign=campaign,
        person=person,
        org=org,
        cash_amount=Decimal(amount),
        bank_name=rng.choice(BANKS),
        bank_account=account,
        **student,
    )
    grant = draft.grant
    when = day
    for step in ORDER[: UNTIL[until]]:
        grant = services.grant_transition(actor=None, grant=grant, step=step, today=when)
        when = when + datetime.timedelta(days=6 if step == "notice" else 2)
    if until == "rejected":
        grant = services.grant_transition(
            actor=None, grant=grant, step="reject", reason="家庭收入超过标准，不符合条件"
        )
    elif until == "withdrawn":
        grant = services.grant_transition(
            actor=None, grant=grant, step="withdraw", reason="学生已获其他资助"
        )
    elif until == "paid":
        PAY.setdefault(campaign.pk, (campaign, [], when))[1].append(grant)
    return grant


# Approved grants to pay, per campaign: each campaign pays its list in one bank batch.
PAY: dict[int, tuple[Campaign, list[Grant], datetime.date]] = {}


def _pay_all() -> None:
    for campaign, grants, when in PAY.values():
        batch = services.payment_batch_create(actor=None, campaign=campaign, grants=grants)
        paid_on = min(when + datetime.timedelta(days=3), REFERENCE_DATE)
        services.payment_batch_mark_paid(
            actor=None, batch=batch, paid_on=paid_on, reference=f"DF{paid_on:%Y%m%d}{batch.pk:04d}"
        )
    PAY.clear()


def _group_relief(gen: Generator, demo: DemoCounty, campaigns: dict[str, Campaign]) -> None:
    rng = gen.rng
    summer = campaigns["XSQL"]
    plan = [(demo.county, "县总工会慰问高温一线环卫、建筑、交通职工")] + [
        (t, f"{t.name[3:7]}慰问户外劳动者") for t in demo.townships
    ]
    for org, note in plan:
        heads = rng.randint(350, 1100)
        services.group_relief_create(
            actor=None,
            campaign=summer,
            org=org,
            date=datetime.date(DEMO_YEAR, rng.randint(6, 8), rng.randint(1, 28)),
            headcount=heads,
            cash_amount=Decimal(heads * rng.choice((20, 25, 30))),
            goods_value=Decimal(heads * rng.choice((10, 15))),
            note=note,
        )
    spring = campaigns["CSGW"]
    for org in demo.townships[:6]:
        services.group_relief_create(
            actor=None,
            campaign=spring,
            org=org,
            date=datetime.date(DEMO_YEAR, rng.randint(2, 3), rng.randint(1, 28)),
            headcount=rng.randint(120, 600),
            cash_amount=Decimal(rng.randint(3, 9) * 1000),
            note="春风行动专场招聘会，提供就业岗位",
        )
