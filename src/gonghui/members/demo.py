"""The demo county's members: about 30,000 people, written through the roster import itself.

Each union gets members in proportion to its workplace; schools and clinics have more women,
village and joint unions more rural migrant workers, the new-employment unions their own group.
Afterwards a few hundred retire into retained membership, some leave, some move between unions
(accepted at once by the county, or still waiting for the receiving township), and a few are
held provisionally by their township while their employer has no union.
"""

from __future__ import annotations

import csv
import datetime
import io

from stdnum.cn.ric import calc_check_digit

from gonghui.accounts.models import User
from gonghui.core.idnumbers import region_known
from gonghui.core.imports.engine import run_import
from gonghui.demo.generator import REFERENCE_DATE, DemoCounty, Generator
from gonghui.members import services
from gonghui.members.imports import COLUMNS, MemberRosterSpec
from gonghui.members.models import Membership, MembershipTransfer, Person
from gonghui.orgs.models import Org

HOME_REGION = "530524"
# Where the county's workers were born: mostly here, some elsewhere in the province, some far.
BIRTH_REGIONS = (
    [HOME_REGION] * 14
    + ["530502", "530521", "530523", "530581", "530522"] * 2
    + ["510623", "500101", "522401", "430621", "360731", "411521"]
)
NEW_FORM_CATEGORY = {
    "美团": "网约送餐员",
    "饿了么": "网约送餐员",
    "顺丰": "快递员",
    "中通": "快递员",
    "圆通": "快递员",
    "货运": "货车司机",
    "家政": "家政服务员",
    "保安": "保安员",
    "滴滴": "网约车司机",
}
EDUCATION = (
    ["研究生"] * 2
    + ["大学本科"] * 18
    + ["大学专科"] * 22
    + ["中专"] * 14
    + ["高中"] * 18
    + ["初中"] * 20
    + ["小学及以下"] * 6
)
POLITICAL = ["中共党员"] * 12 + ["共青团员"] * 8 + ["群众"] * 78 + ["民主党派"] * 1 + ["其他"]
ETHNIC = ["汉族"] * 86 + ["彝族"] * 5 + ["傣族"] * 3 + ["回族"] * 2 + ["白族"] * 2 + ["苗族"] * 2


def _id_number(gen: Generator, used: set[str], female: bool, born: datetime.date) -> str:
    regions = [r for r in BIRTH_REGIONS if region_known(r)]
    while True:
        seq = gen.rng.randrange(0, 500) * 2 + (0 if female else 1)
        body = f"{gen.rng.choice(regions)}{born:%Y%m%d}{seq:03d}"
        number = body + calc_check_digit(body + "0")
        if number not in used:
            used.add(number)
            return number


def _size(org: Org, headcount: int | None, gen: Generator) -> int:
    if headcount:
        return max(3, int(headcount * gen.rng.uniform(0.4, 0.62)))
    if org.kind in (Org.Kind.VILLAGE, Org.Kind.COMMUNITY):
        return gen.rng.randint(25, 90)
    return gen.rng.randint(40, 160)


def _roster_rows(gen: Generator, demo: DemoCounty):
    """One row per member, in the template's columns (as a clerk's file would be)."""
    rng = gen.rng
    used: set[str] = set()
    covered: dict[int, list] = {}
    for employer in demo.employers:
        if employer.union_id:
            covered.setdefault(employer.union_id, []).append(employer)
    for union in demo.grassroots:
        employers = covered.get(union.pk, [])
        headcount = sum(e.headcount for e in employers)
        size = _size(union, headcount, gen)
        category = next(
            (
                c
                for key, c in NEW_FORM_CATEGORY.items()
                if union.name.startswith(key) or key in union.name
            ),
            "",
        )
        women_share = (
            0.62
            if union.kind in (Org.Kind.SCHOOL, Org.Kind.HOSPITAL)
            else (0.12 if category in ("网约送餐员", "货车司机", "网约车司机", "保安员") else 0.44)
        )
        rural = union.kind in (Org.Kind.VILLAGE, Org.Kind.JOINT) or bool(category)
        for _i in range(size):
            female = rng.random() < women_share
            age = rng.choices(
                (rng.randint(20, 34), rng.randint(35, 49), rng.randint(50, 60)),
                weights=(40, 40, 20),
            )[0]
            born = datetime.date(REFERENCE_DATE.year - age, rng.randint(1, 12), rng.randint(1, 28))
            agricultural = rng.random() < (0.85 if rural else 0.35)
            migrant = (
                agricultural
                and union.kind not in (Org.Kind.ORGAN, Org.Kind.SCHOOL)
                and (rng.random() < 0.75)
            )
            employer = rng.choice(employers).name if employers else ""
            joined = REFERENCE_DATE - datetime.timedelta(days=rng.randint(20, 365 * 15))
            joined = max(joined, datetime.date(born.year + 18, born.month, born.day))
            yield [
                gen.person_name(),
                _id_number(gen, used, female, born),
                "女" if female else "男",
                rng.choice(ETHNIC),
                "",
                f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}" if rng.random() < 0.8 else "",
                rng.choice(EDUCATION)
                if union.kind not in (Org.Kind.SCHOOL,)
                else rng.choice(("大学本科", "大学本科", "大学专科", "研究生")),
                rng.choice(POLITICAL),
                "农业" if agricultural else "非农业",
                "是" if migrant else "否",
                category,
                employer,
                union.code,
                joined.isoformat(),
                "",
                "",
            ]


def build_members(gen: Generator, demo: DemoCounty) -> None:
    # Built in memory and imported as an upload is: even a fictional roster is not written to
    # disk in clear.
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([c.template_header for c in COLUMNS])
    writer.writerows(_roster_rows(gen, demo))
    outcome = run_import(
        MemberRosterSpec(),
        text.getvalue().encode("utf-8"),
        actor=None,
        org=demo.county,
        file_name="demo-roster.csv",
        options={"file_name": "demo-roster.csv"},
    )
    if outcome.fatal or outcome.rejected:
        raise RuntimeError(f"demo roster refused: {outcome.fatal or outcome.problems[:3]}")
    gen.progress(f"    {outcome.imported} 名会员")
    # The life events read the 35,000 memberships just written: without fresh statistics the
    # planner may take the tables for as small as an earlier database left them (minutes).
    gen.analyze()
    _life_events(gen, demo)


def _life_events(gen: Generator, demo: DemoCounty) -> None:
    rng = gen.rng
    active = Membership.objects.filter(status=Membership.Status.ACTIVE)

    def sample(queryset, k):
        ids = list(queryset.order_by("id").values_list("id", flat=True))
        return Membership.objects.filter(id__in=rng.sample(ids, k=min(k, len(ids)))).order_by("id")

    older = active.filter(person__birth_date__year__lte=REFERENCE_DATE.year - 57)
    for m in sample(older, 420):
        services.membership_transition(
            actor=None,
            membership=m,
            to_status=Membership.Status.RETAINED,
            on=max(m.joined_on, REFERENCE_DATE - datetime.timedelta(days=rng.randint(10, 600))),
            note="退休保留会籍",
        )
    for m in sample(active, 180):
        services.membership_transition(
            actor=None,
            membership=m,
            to_status=Membership.Status.LEFT,
            on=max(m.joined_on, REFERENCE_DATE - datetime.timedelta(days=rng.randint(10, 400))),
            note="离职",
        )
    unions = [u for u in demo.grassroots if u.kind == Org.Kind.ENTERPRISE]
    for m in sample(active, 240):
        target = rng.choice(unions)
        if target.pk != m.org_id:
            services.transfer_start(actor=None, membership=m, to_org=target, reason="工作调动")
    # Transfers still waiting for the receiving township's answer.
    town_clerk = User.objects.filter(username="town03").first()
    if town_clerk is not None:
        own = active.filter(org__path__startswith=town_clerk.org.path)
        elsewhere = [u for u in unions if not u.path.startswith(town_clerk.org.path)]
        for m in sample(own, 6):
            services.transfer_start(
                actor=town_clerk, membership=m, to_org=rng.choice(elsewhere), reason="工作调动"
            )
    # Workers of small firms without a union, held by their township for now.
    for township in demo.townships[:4]:
        for _i in range(rng.randint(4, 9)):
            female = rng.random() < 0.5
            born = datetime.date(rng.randint(1975, 2002), rng.randint(1, 12), rng.randint(1, 28))
            services.member_register(
                actor=None,
                org=township,
                status=Membership.Status.PROVISIONAL,
                id_number=_id_number(gen, set(), female, born),
                name=gen.person_name(),
                joined_on=REFERENCE_DATE - datetime.timedelta(days=rng.randint(5, 200)),
                employer_name=f"{township.name[3:5]}{gen.person_name()[0]}记小吃店",
                is_migrant_worker=True,
                hukou_type="agricultural",
            )
    gen.progress(
        f"    其中保留会籍 {Membership.objects.filter(status='retained').count()}，"
        f"接转 {MembershipTransfer.objects.count()}，"
        f"人员共 {Person.objects.count()}"
    )
