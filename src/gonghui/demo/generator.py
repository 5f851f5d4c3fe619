"""The deterministic demo county: same seed, same data.

The generator writes through the services (as the platform, ``actor=None``), so the demo obeys
every rule a user's input obeys and leaves the same event trail. Each later app adds its own part
through a function registered in ``PARTS`` (members, grants, ledger...).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db import connection
from stdnum.cn import uscc

from gonghui.accounts.models import Department, Role
from gonghui.accounts.services import user_create
from gonghui.demo import names
from gonghui.orgs.models import Employer, Org, ServicePoint
from gonghui.orgs.services import employer_create, org_create, service_point_create

DEMO_PASSWORD = "Gonghui@2025"  # noqa: S105 (printed to the demo user on purpose)
# The demo describes the year 2026 as seen in late autumn; dates are fixed so the data is too.
DEMO_YEAR = 2026
REFERENCE_DATE = datetime.date(DEMO_YEAR, 10, 31)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass
class DemoCounty:
    """What the org part produced, for the parts that come after it."""

    city: Org
    county: Org
    townships: list[Org] = field(default_factory=list)
    grassroots: list[Org] = field(default_factory=list)
    employers: list[Employer] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)


class Generator:
    def __init__(self, seed: int, progress: Callable[[str], None] | None = None):
        self.rng = random.Random(seed)
        self.progress = progress or (lambda _msg: None)
        self._used_names: set[str] = set()
        self._used_uscc: set[str] = set()
        self._counter: dict[str, int] = {}

    # -- small helpers ------------------------------------------------------------------

    def person_name(self) -> str:
        given = "".join(
            self.rng.choice(names.GIVEN_CHARS) for _ in range(self.rng.choice((1, 2, 2)))
        )
        return self.rng.choice(names.SURNAMES) + given

    def uscc(self, kind: str, region: str) -> str:
        # Registration body: 9 market regulator (enterprises), 1 organs, 1/2 institutions.
        head = {
            "enterprise": "91",
            "organ": "11",
            "institution": "12",
            "union": "81",
            "individual": "92",
        }[kind]
        while True:
            body = head + region + "".join(self.rng.choice(USCC_ALPHABET) for _ in range(9))
            code = body + uscc.calc_check_digit(body)
            if code not in self._used_uscc:
                self._used_uscc.add(code)
                return code

    def next_code(self, prefix: str) -> str:
        self._counter[prefix] = self._counter.get(prefix, 0) + 1
        return f"{prefix}-{self._counter[prefix]:03d}"

    def term(self) -> dict:
        # Elected between 2019 and 2025: some terms are running, some due, some overdue.
        years = self.rng.choice((3, 3, 5, 5, 5))
        # Most committees are in term; about one in eight is overdue.
        span = 365 * years + (200 if self.rng.random() < 0.15 else -20)
        started = REFERENCE_DATE - datetime.timedelta(days=self.rng.randint(60, span))
        return {"term_years": years, "term_started_on": started}

    def founded(self) -> datetime.date:
        return datetime.date(
            self.rng.randint(1985, 2018), self.rng.randint(1, 12), self.rng.randint(1, 28)
        )

    def address(self, place: str) -> str:
        street = self.rng.choice(names.STREET_WORDS)
        return f"{names.COUNTY['place']}{place}{street}{self.rng.randint(1, 300)}号"

    # -- the tree -----------------------------------------------------------------------

    def union(
        self,
        parent: Org,
        name: str,
        kind: str,
        level: int = Org.Level.GRASSROOTS,
        with_uscc: bool = False,
        code_prefix: str | None = None,
    ) -> Org:
        founded = self.founded()
        term = self.term()
        if term["term_started_on"] < founded:
            founded = term["term_started_on"] - datetime.timedelta(days=30)
        fields = {
            "short_name": "",
            "founded_on": founded,
            "chair_name": self.person_name(),
            "region_code": names.COUNTY["region"],
            **term,
        }
        if with_uscc:
            fields["uscc"] = self.uscc("union", names.COUNTY["region"])
            fields["legal_person_certificate"] = (
                f"工法证字第{self.rng.randint(10**9, 10**10 - 1)}号"
            )
        return org_create(
            actor=None,
            parent=parent,
            code=self.next_code(code_prefix or parent.code),
            name=name,
            level=level,
            kind=kind,
            **fields,
        )

    def employer(
        self, org: Org, name: str, unit_type: str, section: str, headcount: int, union: Org | None
    ) -> Employer:
        kind = {"500": "organ", "400": "institution", "600": "individual"}.get(
            unit_type, "enterprise"
        )
        wage = Decimal(self.rng.randint(3200, 7800))
        return employer_create(
            actor=None,
            org=org,
            name=name,
            unit_type=unit_type,
            industry_section=section,
            uscc=self.uscc(kind, names.COUNTY["region"]),
            headcount=headcount,
            monthly_payroll=(wage * headcount).quantize(Decimal("0.01")),
            is_small_micro=headcount < 100 and unit_type not in ("400", "500"),
            region_code=names.COUNTY["region"],
            union=union,
            address=self.address(""),
        )

    def enterprise_name(self, place: str) -> tuple[str, str, str]:
        while True:
            trade, section = self.rng.choice(names.ENTERPRISE_TRADE)
            form, unit_type = self.rng.choice(names.COMPANY_FORMS[:3])
            brand = self.rng.choice(names.ENTERPRISE_PREFIX)
            town = place if self.rng.random() >= 0.5 else ""
            name = f"{names.COUNTY['place']}{town}{brand}{trade}{form}"
            if name not in self._used_names:
                self._used_names.add(name)
                return name, section, self.rng.choice(("170", "170", "159", unit_type))

    def build_orgs(self) -> DemoCounty:
        self.progress("  工会组织树 …")
        c = names.CITY
        city = org_create(
            actor=None,
            parent=None,
            code=c["code"],
            name=c["name"],
            short_name=c["short"],
            level=Org.Level.CITY,
            kind=Org.Kind.FEDERATION,
            region_code=c["region"],
            founded_on=datetime.date(1951, 5, 1),
            term_years=5,
            term_started_on=datetime.date(2021, 9, 20),
            chair_name=self.person_name(),
        )
        k = names.COUNTY
        county = org_create(
            actor=None,
            parent=city,
            code=k["code"],
            name=k["name"],
            short_name=k["short"],
            level=Org.Level.COUNTY,
            kind=Org.Kind.FEDERATION,
            region_code=k["region"],
            founded_on=datetime.date(1953, 4, 10),
            term_years=5,
            term_started_on=datetime.date(2021, 6, 18),
            chair_name=self.person_name(),
            uscc=self.uscc("union", k["region"]),
        )
        demo = DemoCounty(city=city, county=county)

        # County-level organs, institutions and big enterprises report straight to the county.
        for organ in names.COUNTY_ORGANS:
            union = self.union(county, f"青山{organ}工会委员会", Org.Kind.ORGAN, code_prefix="QS-J")
            demo.grassroots.append(union)
            demo.employers.append(
                self.employer(county, f"青山{organ}", "500", "S", self.rng.randint(25, 160), union)
            )
        for inst, kind, section in names.COUNTY_INSTITUTIONS:
            union = self.union(
                county, f"青山{inst}工会委员会", kind, with_uscc=True, code_prefix="QS-S"
            )
            demo.grassroots.append(union)
            demo.employers.append(
                self.employer(
                    county, f"青山{inst}", "400", section, self.rng.randint(60, 900), union
                )
            )
        for ent, section, unit_type in names.COUNTY_ENTERPRISES:
            union = self.union(
                county, f"{ent}工会委员会", Org.Kind.ENTERPRISE, with_uscc=True, code_prefix="QS-Q"
            )
            demo.grassroots.append(union)
            employer = self.employer(
                county, ent, unit_type, section, self.rng.randint(120, 1800), union
            )
            demo.employers.append(employer)
            for group in ("生产", "后勤", "营销")[: self.rng.randint(1, 3)]:
                self.union(union, f"{ent}{group}工会小组", Org.Kind.GROUP, level=Org.Level.GROUP)

        # Industry and new-employment federations sit between the county and grassroots.
        transport = self.union(
            county,
            "青山县交通运输行业工会联合会",
            Org.Kind.INDUSTRY_UNION,
            level=Org.Level.TOWNSHIP,
            code_prefix="QS-H",
        )
        new_form = self.union(
            county,
            "青山县新就业形态劳动者工会联合会",
            Org.Kind.NEW_EMPLOYMENT,
            level=Org.Level.TOWNSHIP,
            code_prefix="QS-H",
        )
        for site, section in names.NEW_EMPLOYMENT_SITES:
            union = self.union(new_form, f"{site}工会", Org.Kind.ENTERPRISE, code_prefix="QS-X")
            demo.grassroots.append(union)
            demo.employers.append(
                self.employer(county, site, "170", section, self.rng.randint(12, 140), union)
            )
        for _i in range(6):
            name, section, unit_type = self.enterprise_name("")
            name = name.replace("茶业", "运输").replace("食品", "物流")
            union = self.union(
                transport, f"{name}工会委员会", Org.Kind.ENTERPRISE, code_prefix="QS-Y"
            )
            demo.grassroots.append(union)
            demo.employers.append(
                self.employer(county, name, unit_type, "G", self.rng.randint(30, 300), union)
            )

        for index, (place, kind) in enumerate(names.TOWNSHIPS, start=1):
            suffix = "工会工作委员会" if kind == "street" else "总工会"
            township = self.union(
                county,
                f"青山县{place}{suffix}",
                Org.Kind.TOWNSHIP,
                level=Org.Level.TOWNSHIP,
                code_prefix="QS-T",
            )
            demo.townships.append(township)
            self.build_township(demo, township, place, kind, index)
        return demo

    def build_township(
        self, demo: DemoCounty, township: Org, place: str, kind: str, index: int
    ) -> None:
        short = place[:-2] if place.endswith("街道") else place[:-1]
        organ = self.union(township, f"{place}机关工会委员会", Org.Kind.ORGAN)
        demo.grassroots.append(organ)
        demo.employers.append(
            self.employer(
                township,
                f"青山县{place}人民政府" if kind != "street" else f"青山县{place}办事处",
                "500",
                "S",
                self.rng.randint(30, 90),
                organ,
            )
        )
        school = self.union(township, f"{short}中心学校工会委员会", Org.Kind.SCHOOL)
        demo.grassroots.append(school)
        demo.employers.append(
            self.employer(
                township, f"青山县{short}中心学校", "400", "P", self.rng.randint(40, 180), school
            )
        )
        clinic_name = (
            f"青山县{short}社区卫生服务中心" if kind == "street" else f"青山县{place}卫生院"
        )
        clinic = self.union(township, f"{clinic_name[3:]}工会委员会", Org.Kind.HOSPITAL)
        demo.grassroots.append(clinic)
        demo.employers.append(
            self.employer(township, clinic_name, "400", "Q", self.rng.randint(25, 120), clinic)
        )

        words = names.COMMUNITY_WORDS if kind == "street" else names.VILLAGE_WORDS
        places = self.rng.sample(words, k=min(len(words), self.rng.randint(5, 7)))
        for word in places:
            if kind == "street":
                union = self.union(township, f"{word}社区工会联合会", Org.Kind.COMMUNITY)
            else:
                union = self.union(township, f"{short}{word}村工会联合会", Org.Kind.VILLAGE)
            demo.grassroots.append(union)

        for _i in range(self.rng.randint(9, 12)):
            name, section, unit_type = self.enterprise_name(
                short if self.rng.random() < 0.4 else ""
            )
            union = self.union(
                township,
                f"{name}工会委员会",
                Org.Kind.ENTERPRISE,
                with_uscc=self.rng.random() < 0.3,
            )
            demo.grassroots.append(union)
            demo.employers.append(
                self.employer(township, name, unit_type, section, self.rng.randint(25, 600), union)
            )

        # Small firms: some in the township's joint union, the rest with no union yet.
        joint = None
        if index <= 4:
            joint = self.union(township, f"{place}小微企业联合工会委员会", Org.Kind.JOINT)
            demo.grassroots.append(joint)
        for _i in range(self.rng.randint(28, 34)):
            trade, section, unit_type = self.rng.choice(names.SMALL_FIRM_TRADES)
            name = f"{short}{self.person_name()[0]}记{trade}"
            while name in self._used_names:
                name = f"{short}{self.rng.choice(names.ENTERPRISE_PREFIX)}{trade}"
            self._used_names.add(name)
            covered = joint if joint is not None and self.rng.random() < 0.45 else None
            demo.employers.append(
                self.employer(township, name, unit_type, section, self.rng.randint(3, 24), covered)
            )

    def build_service_points(self, demo: DemoCounty) -> int:
        self.progress("  服务阵地 …")
        made = 0
        kinds = ServicePoint.Kind
        plan = [(demo.county, kinds.SERVICE_CENTER, "青山县职工服务中心", "county")]
        plan.append((demo.county, kinds.RECUPERATION_BASE, "青山县职工疗休养基地（温泉）", "city"))
        for township in demo.townships:
            short = (
                township.name.replace("青山县", "")
                .replace("工会工作委员会", "")
                .replace("总工会", "")
            )
            plan.append((township, kinds.WORKERS_HOME, f"{short}职工之家", "county"))
            plan.append((township, kinds.OUTDOOR_STATION, f"{short}户外劳动者服务站", "none"))
            if self.rng.random() < 0.7:
                plan.append((township, kinds.READING_ROOM, f"{short}职工书屋", "none"))
        for union in self.rng.sample(demo.grassroots, k=55):
            kind = self.rng.choice(
                (
                    kinds.SMALL_HOME,
                    kinds.NURSING_ROOM,
                    kinds.READING_ROOM,
                    kinds.WORKERS_HOME,
                    kinds.OUTDOOR_STATION,
                )
            )
            if union.kind in (Org.Kind.ENTERPRISE, Org.Kind.HOSPITAL) and self.rng.random() < 0.15:
                kind = kinds.INNOVATION_STUDIO
            label = kinds(kind).label
            base = (
                union.name.replace("工会委员会", "").replace("工会联合会", "").replace("工会", "")
            )
            plan.append(
                (
                    union,
                    kind,
                    f"{base}{label}",
                    self.rng.choice(("none", "none", "county", "city", "province")),
                )
            )
        for org, kind, name, recognition in plan:
            service_point_create(
                actor=None,
                org=org,
                kind=kind,
                name=name,
                address=self.address(""),
                recognition=recognition,
                opened_on=datetime.date(self.rng.randint(2012, 2025), self.rng.randint(1, 12), 1),
            )
            made += 1
        return made

    def build_accounts(self, demo: DemoCounty) -> None:
        self.progress("  演示账号 …")

        def add(username, name, org, role, department="", description=""):
            user_create(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                org=org,
                role=role,
                name=name,
                department=department,
            )
            demo.logins.append((username, description or f"{Role(role).label} · {org.name}"))

        add(
            "admin",
            "平台管理员",
            demo.county,
            Role.PLATFORM_ADMIN,
            description=f"平台管理员 · {demo.county.name}",
        )
        add("city", "市总工作人员", demo.city, Role.FEDERATION_STAFF, Department.ORGANISATION)
        add("county", "县总组织部", demo.county, Role.FEDERATION_STAFF, Department.ORGANISATION)
        add("county_aid", "县总帮扶中心", demo.county, Role.FEDERATION_STAFF, Department.ASSISTANCE)
        add(
            "county_rights", "县总权益保障部", demo.county, Role.FEDERATION_STAFF, Department.RIGHTS
        )
        add("county_office", "县总办公室", demo.county, Role.FEDERATION_STAFF, Department.OFFICE)
        for number, township in enumerate(demo.townships, start=1):
            add(f"town{number:02d}", f"{township.name[3:7]}工会干事", township, Role.TOWNSHIP_STAFF)
        enterprise = next(
            o
            for o in demo.grassroots
            if o.kind == Org.Kind.ENTERPRISE and o.parent_id == demo.townships[2].pk
        )
        add("clerk", "企业工会干事", enterprise, Role.GRASSROOTS_CLERK)
        joint = next(o for o in demo.grassroots if o.kind == Org.Kind.JOINT)
        add("clerk_joint", "联合工会干事", joint, Role.GRASSROOTS_CLERK)
        new_form = next(o for o in demo.grassroots if o.name.startswith("美团"))
        add("clerk_rider", "骑手站点工会干事", new_form, Role.GRASSROOTS_CLERK)


# Later apps append (name, function(generator, demo)) to extend the demo county.
PARTS: list[tuple[str, Callable[[Generator, DemoCounty], None]]] = []


def generate(seed: int = 2025, progress: Callable[[str], None] | None = None) -> DemoCounty:
    gen = Generator(seed, progress)
    demo = gen.build_orgs()
    gen.build_service_points(demo)
    gen.build_accounts(demo)
    from gonghui.assistance.demo import build_assistance
    from gonghui.ledger.demo import build_ledger
    from gonghui.members.demo import build_members
    from gonghui.reports.demo import build_targets

    parts = (
        ("会员名册", build_members),
        ("帮扶", build_assistance),
        ("工作台账", build_ledger),
        ("年度任务", build_targets),
        *PARTS,
    )
    _analyze()
    for label, part in parts:
        gen.progress(f"  {label} …")
        part(gen, demo)
        _analyze()
    return demo


def _analyze() -> None:
    """Give the planner statistics for the rows this transaction wrote.

    The demo is written in one transaction, so autovacuum never sees its rows; without this the
    planner works from empty-table statistics and a later part's counts over 35,000 members can
    pick nested loops that take minutes instead of milliseconds. ANALYZE inside the transaction
    samples the transaction's own rows.
    """
    ours = [c for c in apps.get_app_configs() if c.name.startswith("gonghui.")]
    tables = sorted({m._meta.db_table for c in ours for m in c.get_models()})
    with connection.cursor() as cur:
        cur.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
