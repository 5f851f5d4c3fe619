"""Collective contracts and labour-dispute mediation in the demo county, written through the
services like a user's input.

Most unionised enterprises have a comprehensive contract signed in one of the last three years
(three-year terms, so some run out in the coming months and a few have expired, some of those
with their renewal under way); a share also sign a wage agreement (one year) or a women
workers' special contract; every township has a regional contract for its small firms. This
year's newest contracts stand in every state: under negotiation, approved, signed, filed
within the objection window or past it, and one sent back by the labour administration.

Mediation: the county's court-union mediation room and two townships' rooms, with their
mediators, and a year of cases in every state: waiting for a mediator, in mediation (some for
more than 30 days), settled by agreement with money recovered, confirmed by the court,
withdrawn, and referred to arbitration.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from gonghui.demo.generator import DEMO_YEAR, REFERENCE_DATE, DemoCounty, Generator
from gonghui.orgs.models import Org, ServicePoint
from gonghui.orgs.services import service_point_create
from gonghui.rights import services
from gonghui.rights.models import OBJECTION_DAYS, ContractReach, ContractSubject, DisputeCase

D = datetime.date
# Where a contract this year stops on its way (the rest are in force): drafts, approved,
# signed, filed and waiting for the window, and filed with the window over.
LAST_STEP = ("negotiating", "approve", "sign", "file", "file_old")
STATE_WORDS = {
    "in_force": "有效",
    "renewing": "到期续签中",
    "expired": "已到期",
    "file_old": "审查期满待生效",
    "file": "审查期内",
    "sign": "已签订",
    "approve": "已审议通过",
    "negotiating": "协商中",
    "objection": "退回重新协商",
}


def build(gen: Generator, demo: DemoCounty) -> None:
    rng = gen.rng
    firms = [
        e
        for e in demo.employers
        if e.union is not None
        and e.union.level == Org.Level.GRASSROOTS
        and e.unit_type not in ("400", "500")
    ]
    made = 0
    states: dict[str, int] = {}
    for employer in firms:
        kinds = []
        if rng.random() < 0.6:
            kinds.append(ContractSubject.COMPREHENSIVE)
        if rng.random() < 0.18:
            kinds.append(ContractSubject.WAGE)
        if rng.random() < 0.2:
            kinds.append(ContractSubject.WOMEN)
        for subject in kinds:
            state = _contract(gen, employer.union, [employer], subject, employer.headcount)
            states[state] = states.get(state, 0) + 1
            made += 1
    for township in demo.townships:
        local = [
            e
            for e in demo.employers
            if e.org_id == township.pk and e.unit_type not in ("400", "500")
        ]
        if len(local) < 2:
            continue
        chosen = rng.sample(local, min(len(local), rng.randint(3, 8)))
        state = _contract(
            gen,
            township,
            chosen,
            ContractSubject.COMPREHENSIVE,
            sum(e.headcount for e in chosen),
            reach=ContractReach.REGIONAL,
            title=f"{township.name.removesuffix('总工会')}区域性集体合同",
        )
        states[state] = states.get(state, 0) + 1
        made += 1
    said = "，".join(f"{STATE_WORDS[k]}{states[k]}" for k in STATE_WORDS if states.get(k))
    gen.progress(f"    集体合同 {made} 份（{said}）")


def _contract(gen, union, employers, subject, headcount, reach=ContractReach.SINGLE, title=""):
    rng = gen.rng
    workers = max(1, headcount)
    wage = subject == ContractSubject.WAGE
    term = 1 if wage else 3
    # Signed in one of the years its term still covers (a wage agreement: this year or last).
    year = DEMO_YEAR - rng.randint(0, 1 if wage else 3)
    approved = D(year, rng.randint(1, 10 if year == DEMO_YEAR else 12), rng.randint(1, 28))
    this_year = approved.year == DEMO_YEAR
    stop = rng.choice(LAST_STEP) if this_year and rng.random() < 0.25 else "in_force"
    if approved > REFERENCE_DATE - datetime.timedelta(days=60) and stop == "in_force":
        stop = "file"
    name = employers[0].name if reach == ContractReach.SINGLE else ""
    contract = services.contract_create(
        actor=None,
        employers=employers,
        org=union,
        title=title or f"{name}{_title_of(subject)}（{year}年）",
        reach=reach,
        subject=subject,
        workers_covered=workers,
        women_covered=round(workers * rng.uniform(0.25, 0.5))
        if subject == ContractSubject.WOMEN
        else 0,
        union_negotiator=gen.person_name(),
        employer_negotiator=gen.person_name(),
        rounds=rng.randint(1, 4),
        term_years=term,
    )
    if stop == "negotiating":
        return stop
    eligible = rng.randint(30, 80) if headcount >= 100 else max(3, headcount)
    present = max(1, -(-eligible * 2 // 3) + rng.randint(0, eligible // 4))
    present = min(present, eligible)
    in_favour = min(present, eligible // 2 + 1 + rng.randint(0, eligible // 3))
    step = _stepper(contract, REFERENCE_DATE)
    step(
        "approve",
        assembly="congress" if headcount >= 100 else "all_staff",
        eligible=eligible,
        present=present,
        in_favour=in_favour,
        approved_on=approved,
    )
    if stop == "approve":
        return stop
    signed = min(approved + datetime.timedelta(days=rng.randint(1, 10)), REFERENCE_DATE)
    step("sign", signed_on=signed)
    if stop == "sign":
        return stop
    filed_days = rng.randint(2, 9) if rng.random() < 0.9 else rng.randint(11, 20)
    filed = min(signed + datetime.timedelta(days=filed_days), REFERENCE_DATE)
    if stop == "file":
        filed = max(filed, REFERENCE_DATE - datetime.timedelta(days=rng.randint(0, 12)))
    step("file", filed_on=filed)
    if stop in ("file", "file_old"):
        if stop == "file_old" and rng.random() < 0.3:
            step(
                "object",
                reason="劳动报酬条款低于当地最低工资标准，请重新协商",
            )
            return "objection"
        return stop
    done = step("effect", effective_from=filed + datetime.timedelta(days=OBJECTION_DAYS))
    if done.expires_on < REFERENCE_DATE + datetime.timedelta(days=60) and rng.random() < 0.5:
        services.contract_renew(actor=None, contract=done, today=REFERENCE_DATE)
        return "renewing"
    return "expired" if done.expires_on < REFERENCE_DATE else "in_force"


def _title_of(subject: str) -> str:
    return {
        ContractSubject.COMPREHENSIVE: "集体合同",
        ContractSubject.WAGE: "工资专项集体合同",
        ContractSubject.WOMEN: "女职工权益保护专项集体合同",
        ContractSubject.SAFETY: "劳动安全卫生专项集体合同",
    }[subject]


def _stepper(contract, today):
    def step(name, reason="", **values):
        return services.contract_transition(
            actor=None, contract=contract, step=name, values=values, reason=reason, today=today
        )

    return step


CLAIMS = {
    "wages": ("拖欠{m}个月工资，要求支付", "加班费未足额发放，要求补发"),
    "contract": ("未签订书面劳动合同，要求支付二倍工资", "被违法解除劳动合同，要求支付赔偿金"),
    "social_insurance": ("单位未缴纳社会保险，要求补缴", "离职后单位拒绝办理社保转移"),
    "work_injury": ("工作中受伤，要求支付停工留薪期工资和医疗费", "工伤认定后单位拒付伤残补助"),
    "other": ("单位扣押身份证件，要求返还", "要求单位出具离职证明"),
}


def build_mediation(gen: Generator, demo: DemoCounty) -> None:
    rng = gen.rng
    county_short = demo.county.name.removesuffix("总工会")
    rooms = [
        service_point_create(
            actor=None,
            org=demo.county,
            kind=ServicePoint.Kind.MEDIATION_ROOM,
            name=f"{county_short}劳动争议诉调对接工作室",
            partner=f"{county_short}人民法院",
            recognition=ServicePoint.Recognition.CITY,
            opened_on=D(DEMO_YEAR - 3, 5, 1),
        )
    ]
    for township in demo.townships[:2]:
        short = township.name.removeprefix(county_short).removesuffix("工会工作委员会")
        short = short.removesuffix("总工会")
        rooms.append(
            service_point_create(
                actor=None,
                org=township,
                kind=ServicePoint.Kind.MEDIATION_ROOM,
                name=f"{short}劳动争议调解工作室",
                partner=f"{county_short}人民法院{short}人民法庭",
                opened_on=D(DEMO_YEAR - 1, 3, 1),
            )
        )
    mediators = {}
    for room in rooms:
        kinds = (
            ["union_staff", "lawyer", "invited"]
            if room.org == demo.county
            else [
                "union_staff",
                "invited",
            ]
        )
        mediators[room.pk] = [
            services.mediator_create(actor=None, room=room, name=gen.person_name(), kind=kind)
            for kind in kinds
        ]
    states: dict[str, int] = {}
    recovered = 0
    for i in range(42):
        room = rooms[0] if i % 3 else rng.choice(rooms[1:])
        local = [e for e in demo.employers if e.org.is_within(room.org)]
        received = D(DEMO_YEAR, 1, 5) + datetime.timedelta(days=int(i * 7.1) + rng.randint(0, 5))
        dispute_type = rng.choice(list(CLAIMS))
        registered = rng.random() < 0.8 and local
        case = services.case_create(
            actor=None,
            room=room,
            channel=rng.choice(("court", "court", "hotline", "walk_in", "inspection")),
            dispute_type=dispute_type,
            worker_name=gen.person_name(),
            worker_is_member=rng.random() < 0.4,
            worker_phone=f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
            workers_involved=rng.choice((1, 1, 1, 2, 3, 8)),
            employer=rng.choice(local) if registered else None,
            employer_name=""
            if registered
            else f"{county_short}{rng.choice('鑫恒瑞丰')}劳务有限公司",
            claim=rng.choice(CLAIMS[dispute_type]).format(m=rng.randint(2, 6)),
            amount_claimed=Decimal(rng.randint(3, 120) * 1000),
            received_on=received,
            today=REFERENCE_DATE,
        )
        state = _mediate(gen, case, mediators[room.pk], i)
        states[state] = states.get(state, 0) + 1
        recovered += case.amount_recovered if state in ("agreed", "confirmed") else 0
    labels = dict(DisputeCase.Status.choices)
    said = "，".join(f"{labels[k]}{states[k]}" for k in labels if states.get(k))
    gen.progress(
        f"    诉调对接工作室 {len(rooms)} 个，调解案件 {sum(states.values())} 件（{said}）"
    )
    _legal_aid(gen, demo, county_short)
    _hotline(gen, demo)


LAWYERS = (
    ("王立新", "云州明德律师事务所"),
    ("周敏", "青山正衡律师事务所"),
    ("陈晓", "青山正衡律师事务所"),
)


def _legal_aid(gen, demo, county_short):
    """A year of legal aid: the county's and two townships' applications, granted with a
    lawyer (most closed: won, partly won, settled, a few lost), some waiting, one refused."""
    from gonghui.rights.models import LegalAidCase

    rng = gen.rng
    states: dict[str, int] = {}
    for i in range(14):
        org = demo.county if i % 3 else rng.choice(demo.townships[:2])
        local = [e for e in demo.employers if e.org.is_within(org)]
        applied = D(DEMO_YEAR, 1, 8) + datetime.timedelta(days=i * 21 + rng.randint(0, 6))
        dispute_type = rng.choice(list(CLAIMS))
        aid = services.aid_create(
            actor=None,
            org=org,
            applied_on=applied,
            dispute_type=dispute_type,
            worker_name=gen.person_name(),
            worker_is_member=rng.random() < 0.6,
            worker_phone=f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
            workers_involved=rng.choice((1, 1, 2, 5)),
            employer=rng.choice(local) if local and rng.random() < 0.7 else None,
            employer_name=f"{county_short}{rng.choice('宏达利兴')}建筑劳务有限公司",
            claim=rng.choice(CLAIMS[dispute_type]).format(m=rng.randint(2, 6)),
            amount_claimed=Decimal(rng.randint(10, 200) * 1000),
            today=REFERENCE_DATE,
        )
        age = (REFERENCE_DATE - applied).days
        step = _aid_stepper(aid)
        if age < 25:
            state = "applied"
        elif i == 4:
            step("refuse", reason="不属于劳动争议，已引导至民事诉讼途径")
            state = "refused"
        else:
            lawyer, firm = rng.choice(LAWYERS)
            granted = applied + datetime.timedelta(days=rng.randint(2, 7))
            stage = rng.choice(("arbitration", "arbitration", "first_instance", "negotiation"))
            step("grant", lawyer=lawyer, law_firm=firm, stage=stage, granted_on=granted)
            state = "granted"
            if age > 90:
                outcome = rng.choice(("won", "won", "partly_won", "settled", "lost"))
                share = {"won": 1, "partly_won": Decimal("0.6"), "settled": Decimal("0.8")}
                recovered = aid.amount_claimed * share.get(outcome, 0)
                step(
                    "conclude",
                    closed_on=granted + datetime.timedelta(days=rng.randint(30, 80)),
                    outcome=outcome,
                    amount_recovered=recovered.quantize(Decimal("0.01")),
                    cost=Decimal(rng.choice((2000, 3000, 5000))),
                )
                state = "closed"
        states[state] = states.get(state, 0) + 1
    labels = dict(LegalAidCase.Status.choices)
    said = "，".join(f"{labels[k]}{states[k]}" for k in labels if states.get(k))
    gen.progress(f"    法律援助 {sum(states.values())} 件（{said}）")


def _aid_stepper(aid):
    def step(name, reason="", **values):
        return services.aid_transition(
            actor=None, aid=aid, step=name, values=values, reason=reason, today=REFERENCE_DATE
        )

    return step


def _mediate(gen, case, mediators, i) -> str:
    """Take the case as far as its number says: the newest wait, most are settled."""
    rng = gen.rng
    age = (REFERENCE_DATE - case.received_on).days
    if age < 10:
        return "received"
    if i % 13 == 5:
        _case_step(case, "withdraw", reason="职工与单位自行和解", closed_on=case.received_on)
        return "withdrawn"
    started = case.received_on + datetime.timedelta(days=rng.randint(1, 5))
    _case_step(case, "start", mediator=rng.choice(mediators), mediation_started_on=started)
    if age < 50 or i % 11 == 7:
        return "mediating"
    closed = started + datetime.timedelta(days=rng.randint(3, 25))
    if i % 7 == 3:
        _case_step(case, "refer", reason="双方分歧较大，调解不成", closed_on=closed,
                   referred_to=rng.choice(("arbitration", "court")))  # fmt: skip
        return "referred"
    share = rng.choice((Decimal(1), Decimal(1), Decimal("0.8"), Decimal("0.6")))
    amount = (case.amount_claimed or Decimal(0)) * share
    _case_step(case, "agree", closed_on=closed, amount_recovered=amount.quantize(Decimal("0.01")))
    if case.channel == "court" and rng.random() < 0.6:
        confirmed = closed + datetime.timedelta(days=rng.randint(2, 15))
        _case_step(case, "confirm", confirmed_on=min(confirmed, REFERENCE_DATE))
        return "confirmed"
    return "agreed"


def _case_step(case, name, reason="", **values):
    return services.case_transition(
        actor=None, case=case, step=name, values=values, reason=reason, today=REFERENCE_DATE
    )


MATTERS = (
    "审议通过年度集体合同草案",
    "审议企业年度工作报告和工资分配方案",
    "审议通过职工福利费使用方案",
    "听取厂务公开情况报告，审议职工代表提案",
    "审议劳动安全卫生专项集体合同草案",
)


def build_congresses(gen: Generator, demo: DemoCounty) -> None:
    """Most unionised enterprises have their congress system (an all-staff meeting below 100
    employees), a few with a make-up the statute warns about or a term run out; four in five
    have sat this year, most disclosing to the workers, the rest are overdue."""
    from gonghui.rights.models import CONGRESS_FROM, Disclosure, WorkersCongress

    rng = gen.rng
    firms = [
        e
        for e in demo.employers
        if e.union is not None
        and e.union.level == Org.Level.GRASSROOTS
        and e.unit_type not in ("400", "500")
        and e.headcount >= 10
    ]
    made = held = disclosed = warned = 0
    for employer in firms:
        if rng.random() > 0.85:
            continue
        staff = employer.headcount
        big = staff >= CONGRESS_FROM
        form = "congress" if big or rng.random() < 0.1 else "all_staff"
        if big and rng.random() < 0.08:
            form = "all_staff"  # the statute asks for a congress: a warning on its page
        established = D(DEMO_YEAR - rng.randint(1, 9), rng.randint(1, 12), rng.randint(1, 28))
        term_years = rng.choice((3, 3, 5))
        # Re-elected as the term ran out, the latest term covering this year (a few lapse).
        start = established
        while rng.random() < 0.95:
            following = D(start.year + term_years, start.month, start.day)
            if following > REFERENCE_DATE:
                break
            start = following
        women = round(staff * rng.uniform(0.2, 0.6))
        values = {"staff": staff, "women_staff": women}
        if form == "congress":
            probe = WorkersCongress(staff=staff)
            reps = min(staff, probe.representatives_required() + rng.randint(0, 6))
            if rng.random() < 0.1:
                reps = max(3, reps - rng.randint(3, 10))  # too few: a warning
            values.update(
                representatives=reps,
                women_representatives=round(reps * women / staff * rng.uniform(0.85, 1.1)),
                manager_representatives=round(reps * rng.uniform(0.08, 0.22)),
                frontline_representatives=round(reps * rng.uniform(0.5, 0.8)),
            )
        values["women_representatives"] = min(
            values.get("women_representatives", 0), values.get("representatives", staff)
        )
        congress = services.congress_create(
            actor=None,
            employer=employer,
            form=form,
            established_on=established,
            term_started_on=start,
            term_years=term_years,
            today=REFERENCE_DATE,
            **values,
        )
        made += 1
        warned += bool(congress.warnings(REFERENCE_DATE))
        # Last year's session for most; this year's for four in five.
        for year in (DEMO_YEAR - 1, DEMO_YEAR):
            if year < established.year or rng.random() > (0.9 if year < DEMO_YEAR else 0.8):
                continue
            day = D(year, rng.randint(1, 9 if year == DEMO_YEAR else 12), rng.randint(1, 28))
            if day < established:
                continue
            reps = congress.representatives
            items = rng.sample(list(Disclosure.values), k=rng.randint(2, 5))
            opened = rng.random() < 0.85
            services.meeting_create(
                actor=None,
                congress=congress,
                held_on=day,
                attended=rng.randint(-(-reps * 2 // 3), reps),
                matters=rng.choice(MATTERS),
                disclosures=items if opened else (),
                today=REFERENCE_DATE,
            )
            if year == DEMO_YEAR:
                held += 1
                disclosed += opened
    gen.progress(
        f"    职代会制度 {made} 家（本年召开 {held} 家，厂务公开 {disclosed} 家，"
        f"需整改 {warned} 家）"
    )


CALL_SUMMARIES = {
    "wages": "反映单位拖欠工资两个月，咨询如何维权",
    "contract": "咨询试用期被辞退是否有补偿",
    "social_insurance": "反映单位未缴纳社会保险",
    "work_injury": "咨询工伤认定需要哪些材料",
    "policy": "咨询带薪年休假和加班费计算办法",
    "services": "咨询如何加入工会、办理会员卡",
    "other": "反映宿舍用水用电问题",
}


def _hotline(gen, demo):
    """A year of 12351 calls to the county: most answered on the call, the hotline cases of
    the mediation rooms logged as taken into mediation, some passed to the labour bureau, with
    call-backs done or due."""
    from gonghui.rights.models import DisputeCase, HotlineCall

    rng = gen.rng
    made = 0
    for case in DisputeCase.objects.filter(channel="hotline").order_by("pk"):
        _call(gen, demo.county, case.received_on, HotlineCall.Handling.MEDIATION,
              case.dispute_type, dispute_case=case)  # fmt: skip
        made += 1
    for i in range(70):
        day = D(DEMO_YEAR, 1, 2) + datetime.timedelta(days=int(i * 4.3) + rng.randint(0, 3))
        handling = rng.choice(("answered",) * 6 + ("forwarded",))
        topic = rng.choice(list(CALL_SUMMARIES))
        _call(gen, demo.county, day, handling, topic)
        made += 1
    due = HotlineCall.objects.filter(followed_up_on__isnull=True, follow_up_due__isnull=False)
    gen.progress(f"    12351热线来电 {made} 件（待回访 {due.count()} 件）")


def _call(gen, org, day, handling, topic, **links):
    from django.utils import timezone

    rng = gen.rng
    at = datetime.datetime(
        day.year,
        day.month,
        day.day,
        rng.randint(8, 17),
        rng.randint(0, 59),
        tzinfo=timezone.get_current_timezone(),
    )
    follow = handling != "answered" or rng.random() < 0.2
    due = day + datetime.timedelta(days=7) if follow else None
    done = due is not None and due < REFERENCE_DATE - datetime.timedelta(days=10)
    services.call_create(
        actor=None,
        org=org,
        received_at=at,
        caller_name=gen.person_name() if rng.random() < 0.7 else "",
        caller_phone=f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
        topic=topic if topic in CALL_SUMMARIES else "other",
        summary=CALL_SUMMARIES.get(topic, CALL_SUMMARIES["other"]),
        handling=handling,
        forwarded_to="县人社局劳动保障监察大队" if handling == "forwarded" else "",
        follow_up_due=due,
        followed_up_on=due if done else None,
        follow_up_note="已回访，职工表示满意" if done else "",
        today=REFERENCE_DATE,
        **links,
    )
