"""A year of services to workers in the demo county, written through the services like a
user's input.

Recuperation: three batches held (model workers and craftsmen at the county's base, front-line
medical staff outside the county, front-line workers), each of 40 places given to the townships,
filled with their members' nominations and confirmed (one turned down and replaced); a fourth
batch taking nominations, some still to decide. Childcare: a winter and a summer class for
members' children. Start-up loans: applications from 2024 on, decided, disbursed, repaid
month by month, a few behind, one written off, some waiting. Member offers: a dozen with
partner merchants and their monthly use. Service points: new ones opened this year, others
put forward for recognition, one recognised nationally.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from gonghui.core.dates import month_added
from gonghui.demo.generator import DEMO_YEAR, REFERENCE_DATE, DemoCounty, Generator
from gonghui.members.models import Membership
from gonghui.orgs.models import Org, ServicePoint
from gonghui.orgs.services import service_point_create
from gonghui.services import services
from gonghui.services.models import Group, LoanInstalment

D = datetime.date
# The batches: name, group, at the county's base (else this place), start, days, cost a head.
BATCHES = (
    ("2026年劳模和工匠疗休养", Group.MODEL_WORKERS, "", D(DEMO_YEAR, 4, 20), 5, 2800),
    (
        "2026年一线医务人员疗休养",
        Group.MEDICAL,
        "腾冲市和顺职工疗休养基地",
        D(DEMO_YEAR, 6, 8),
        5,
        3200,
    ),
    ("2026年一线职工疗休养", Group.FRONTLINE, "", D(DEMO_YEAR, 9, 14), 5, 2500),
)
PLACES = 40
CLASSES = (
    (
        "2026年寒假爱心托管班",
        "青山县职工服务中心",
        D(DEMO_YEAR, 1, 26),
        D(DEMO_YEAR, 2, 6),
        40,
        8,
        18000,
    ),
    (
        "2026年暑期爱心托管班",
        "青山县第一小学",
        D(DEMO_YEAR, 7, 13),
        D(DEMO_YEAR, 8, 14),
        60,
        12,
        36000,
    ),
)
BUSINESSES = (
    "茶叶初制所",
    "农家乐",
    "电商网店",
    "快递驿站",
    "汽车修理部",
    "小吃店",
    "养殖场",
    "家政服务部",
    "服装店",
    "果蔬种植",
)
OFFERS = (
    ("观影优惠", "青山影城", "会员凭卡观影每张立减10元"),
    ("职工体检", "青山县人民医院体检中心", "体检套餐八折"),
    ("超市购物", "青山惠民超市", "每月会员日九五折"),
    ("职工旅游", "青山国际旅行社", "省内线路每人优惠200元"),
    ("健身游泳", "青山全民健身中心", "月卡七折"),
    ("理发美容", "青山丽人美发", "会员八五折"),
    ("眼镜配镜", "青山明视眼镜", "镜架镜片七折"),
    ("家政保洁", "青山巧手家政", "深度保洁立减50元"),
    ("汽车保养", "青山快修汽车服务", "常规保养工时费五折"),
    ("书店购书", "青山新华书店", "图书九折"),
    ("茶叶选购", "青山茶叶交易市场", "指定商户九折"),
    ("法律咨询", "青山明理律师事务所", "每年免费咨询两次"),
)


def _members_by_township(demo: DemoCounty) -> dict[int, list]:
    rows = (
        Membership.objects.filter(status=Membership.Status.ACTIVE, org__level=Org.Level.GRASSROOTS)
        .select_related("person", "org")
        .order_by("id")
    )
    found: dict[int, list] = {t.pk: [] for t in demo.townships}
    for m in rows:
        township = next((t for t in demo.townships if m.org.path.startswith(t.path)), None)
        if township is not None:
            found[township.pk].append(m)
    return found


def build(gen: Generator, demo: DemoCounty) -> None:
    rng = gen.rng
    by_township = _members_by_township(demo)
    for members in by_township.values():
        rng.shuffle(members)
    people = _recuperation(gen, demo, by_township)
    children = _childcare(gen, demo, by_township)
    loans = _loans(gen, demo, by_township)
    uses = _offers(gen, demo)
    points = _points(gen, demo)
    gen.progress(
        f"    疗休养 {len(BATCHES) + 1} 批（确定 {people} 人）；爱心托管班 {len(CLASSES)} 期 "
        f"{children} 名子女；创业担保贷款 {loans} 笔；普惠服务 {len(OFFERS)} 项 {uses} 条月度"
        f"记录；新建和推荐阵地 {points} 个"
    )


def _split(places: int, townships: list) -> list[tuple]:
    each, extra = divmod(places, len(townships))
    return [(t, each + (1 if i < extra else 0)) for i, t in enumerate(townships)]


def _recuperation(gen, demo, by_township) -> int:
    county = demo.county
    base = ServicePoint.objects.filter(org=county, kind=ServicePoint.Kind.RECUPERATION_BASE).first()
    confirmed = 0
    plans = [
        *BATCHES,
        ("2026年第二批劳模和工匠疗休养", Group.MODEL_WORKERS, "", D(DEMO_YEAR, 12, 7), 5, 2800),
    ]
    for n, (name, group, place, start, days, cost) in enumerate(plans):
        last = n == len(plans) - 1
        batch = services.recuperation_create(
            actor=None,
            org=county,
            name=name,
            group=group,
            base=None if place else base,
            place=place,
            starts_on=start,
            ends_on=start + datetime.timedelta(days=days - 1),
            places=PLACES if not last else 16,
            cost_per_head=Decimal(cost),
        )
        townships = demo.townships if not last else demo.townships[:4]
        for township, places in _split(batch.places, townships):
            services.quota_set(actor=None, recuperation=batch, org=township, places=places)
        services.recuperation_transition(actor=None, recuperation=batch, step="open")
        made = []
        for township, places in _split(batch.places, townships):
            pool = by_township[township.pk]
            # The last batch is still taking nominations: half the places filled so far.
            for _i in range(places if not last else places // 2):
                member = pool.pop()
                made.append(
                    services.participant_nominate(
                        actor=None, recuperation=batch, org=township, person=member.person
                    )
                )
        if last:
            break
        # One nominee turned down (on sick leave in the batch's week), the place filled again.
        services.participants_take_step(
            actor=None, participants=made[:1], step="turn_down", reason="本人因病无法参加"
        )
        first = made[0]
        again = services.participant_nominate(
            actor=None,
            recuperation=batch,
            org=first.org,
            person=by_township[first.org_id].pop().person,
        )
        chosen = [*made[1:], again]
        services.participants_take_step(actor=None, participants=chosen, step="confirm")
        confirmed += len(chosen)
        services.recuperation_transition(actor=None, recuperation=batch, step="confirm")
        services.recuperation_transition(actor=None, recuperation=batch, step="hold")
    return confirmed


def _childcare(gen, demo, by_township) -> int:
    rng = gen.rng
    county = demo.county
    enrolled = 0
    parents = [m for members in by_township.values() for m in members[-200:]]
    for name, site, start, end, capacity, volunteers, cost in CLASSES:
        c = services.childcare_class_create(
            actor=None,
            org=county,
            name=name,
            site=site,
            starts_on=start,
            ends_on=end,
            capacity=capacity,
            volunteers=volunteers,
            cost=Decimal(cost),
        )
        for _i in range(capacity - rng.randint(2, 6)):
            parent = parents.pop()
            services.child_enrol(
                actor=None,
                childcare_class=c,
                parent=parent.person,
                name=parent.person.name[:1] + gen.person_name()[1:],
                birth_year=DEMO_YEAR - rng.randint(6, 12),
            )
            enrolled += 1
    return enrolled


def _loans(gen, demo, by_township) -> int:
    rng = gen.rng
    county = demo.county
    applicants = [m for members in by_township.values() for m in members[:6]]
    rng.shuffle(applicants)
    made = 0
    for i, member in enumerate(applicants[:36]):
        applied = D(2024 + i % 3, rng.randint(1, 12 if i % 3 < 2 else 8), rng.randint(1, 28))
        loan = services.loan_create(
            actor=None,
            org=county,
            person=member.person,
            business=f"{member.person.name[:1]}氏{rng.choice(BUSINESSES)}",
            amount=Decimal(rng.choice((50000, 80000, 100000, 150000, 200000))),
            bank=rng.choice(("青山县农村商业银行", "中国邮政储蓄银行青山县支行")),
            guarantee="县创业担保基金担保",
            applied_on=applied,
            term_months=24,
        )
        made += 1
        decided = applied + datetime.timedelta(days=rng.randint(5, 20))
        if i >= 33 or decided > REFERENCE_DATE:
            continue  # still waiting for the decision
        if i % 11 == 5:
            services.loan_transition(
                actor=None, loan=loan, step="reject", reason="经营项目不符合扶持条件", on=decided
            )
            continue
        services.loan_transition(actor=None, loan=loan, step="approve", on=decided)
        disbursed = decided + datetime.timedelta(days=rng.randint(7, 25))
        if disbursed > REFERENCE_DATE:
            continue
        services.loan_transition(actor=None, loan=loan, step="disburse", on=disbursed)
        subsidy = (loan.amount * Decimal("0.0345") * 2).quantize(Decimal("1"))
        services.loan_update(actor=None, loan=loan, changes={"interest_subsidy": subsidy})
        # Most repay on the due day; a few stop paying some months in (overdue), one of them
        # long enough ago to be written off.
        stops = rng.randint(4, 12) if i % 7 == 3 else None
        for instalment in LoanInstalment.objects.filter(loan=loan).order_by("seq"):
            if instalment.due_on > REFERENCE_DATE or (stops and instalment.seq > stops):
                break
            services.loan_repay(
                actor=None, loan=loan, repaid_on=instalment.due_on, amount=instalment.amount
            )
        if i == 3:  # applied in 2024, behind since: the guarantee fund paid the bank
            services.loan_transition(
                actor=None,
                loan=loan,
                step="write_off",
                reason="借款人失联，担保基金代偿",
                on=D(DEMO_YEAR, 6, 30),
            )
    return made


def _offers(gen, demo) -> int:
    rng = gen.rng
    county = demo.county
    recorded = 0
    for n, (title, merchant, what) in enumerate(OFFERS):
        start = D(2024 + n % 3, 1 + n % 12, 1)
        offer = services.offer_create(
            actor=None,
            org=county,
            code=f"PH-{n + 1:03d}",
            title=title,
            merchant=merchant,
            offer=what,
            starts_on=start,
        )
        month = max(start, D(DEMO_YEAR - 1, 1, 1))
        while month <= REFERENCE_DATE.replace(day=1):
            uses = rng.randint(40, 600)
            services.offer_use_record(
                actor=None,
                member_offer=offer,
                month=month,
                person_times=uses,
                value=Decimal(uses * rng.randint(8, 60)),
            )
            recorded += 1
            month = month_added(month, 1)
    return recorded


def _points(gen, demo) -> int:
    county = demo.county
    made = 0
    # New this year: outdoor workers' stations in five townships, reading spots and shelves.
    for i, township in enumerate(demo.townships[:5]):
        short = (
            township.name.replace("青山县", "").replace("总工会", "").replace("工会工作委员会", "")
        )
        service_point_create(
            actor=None,
            org=township,
            kind=ServicePoint.Kind.OUTDOOR_STATION,
            name=f"{short}第二户外劳动者服务站",
            address=gen.address(""),
            opened_on=D(DEMO_YEAR, 3 + i, 1),
        )
        made += 1
    for kind, name, month in (
        (ServicePoint.Kind.READING_SPOT, "青山县汽车客运站便利型阅读站点", 5),
        (ServicePoint.Kind.READING_SPOT, "青山县人民医院便利型阅读站点", 6),
        (ServicePoint.Kind.MODEL_WORKER_SHELF, "青山县职工服务中心劳模书架", 4),
    ):
        service_point_create(
            actor=None,
            org=county,
            kind=kind,
            name=name,
            address=gen.address(""),
            opened_on=D(DEMO_YEAR, month, 1),
        )
        made += 1
    # Put forward: a township's station for the national title (conferred), the best reading
    # room for the province's (conferred), a workers' home for the city's (waiting), and one
    # station that was not chosen.
    stations = ServicePoint.objects.filter(
        org__path__startswith=county.path, kind=ServicePoint.Kind.OUTDOOR_STATION
    ).order_by("pk")
    reading = ServicePoint.objects.filter(
        org__path__startswith=county.path, kind=ServicePoint.Kind.READING_ROOM
    ).order_by("pk")
    homes = ServicePoint.objects.filter(
        org__path__startswith=county.path, kind=ServicePoint.Kind.WORKERS_HOME
    ).order_by("pk")
    plan = (
        (
            stations[0],
            "national",
            "全国最美工会户外劳动者服务站点",
            D(DEMO_YEAR, 3, 10),
            D(DEMO_YEAR, 5, 28),
        ),
        (reading[0], "province", "云南省示范职工书屋", D(DEMO_YEAR, 4, 2), D(DEMO_YEAR, 9, 20)),
        (homes[0], "city", "市级模范职工之家", D(DEMO_YEAR, 9, 15), None),
        (stations[1], "province", "云南省最美户外劳动者服务站点", D(DEMO_YEAR, 3, 10), "no"),
    )
    # Earlier years' recognitions, so a point's level has its history (命名 across the years).
    small = ServicePoint.objects.filter(
        org__path__startswith=county.path, kind=ServicePoint.Kind.SMALL_HOME
    ).order_by("pk")
    plan = (
        (homes[1], "county", "县级模范职工之家", D(DEMO_YEAR - 2, 3, 1), D(DEMO_YEAR - 2, 5, 1)),
        (small[0], "city", "市级模范职工小家", D(DEMO_YEAR - 1, 3, 1), D(DEMO_YEAR - 1, 4, 28)),
        *plan,
    )
    for point, level, title, on, decided in plan:
        nomination = services.nomination_create(
            actor=None, org=county, point=point, level=level, title=title, nominated_on=on
        )
        if decided == "no":
            services.nomination_transition(
                actor=None,
                nomination=nomination,
                step="not_confer",
                on=D(DEMO_YEAR, 6, 15),
                reason="名额有限，未获评",
            )
        elif decided is not None:
            services.nomination_transition(
                actor=None, nomination=nomination, step="confer", on=decided
            )
    return made
