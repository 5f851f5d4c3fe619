"""The deterministic demo county: same seed, same data.

The generator writes through the services (as the platform, ``actor=None``), so the demo obeys
every rule a user's input obeys and leaves the same event trail. It knows no app: each installed
work area declares its parts (``core.workareas.DemoPart``: the tree, accounts, members, grants,
ledger, targets …) and ``generate`` runs them in their order with one ``Generator`` (the seeded
random source and the helpers every part uses) and one ``DemoCounty`` (what earlier parts made).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db import connection
from django.utils.module_loading import import_string
from stdnum.cn import uscc

from gonghui.core.workareas import demo_parts
from gonghui.demo import names
from gonghui.orgs.models import Employer, Org
from gonghui.orgs.services import employer_create, org_create

DEMO_PASSWORD = "Gonghui@2025"  # noqa: S105 (printed to the demo user on purpose)
# The demo describes the year 2026 as seen in late autumn; dates are fixed so the data is too.
DEMO_YEAR = 2026
REFERENCE_DATE = datetime.date(DEMO_YEAR, 10, 31)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass
class DemoCounty:
    """What earlier parts made, for the parts that come after them (the tree part fills it)."""

    city: Org | None = None
    county: Org | None = None
    townships: list[Org] = field(default_factory=list)
    grassroots: list[Org] = field(default_factory=list)
    employers: list[Employer] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)


class Generator:
    def __init__(self, seed: int, progress: Callable[[str], None] | None = None):
        self.rng = random.Random(seed)
        self.progress = progress or (lambda _msg: None)
        self.used_names: set[str] = set()
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

    def analyze(self) -> None:
        """Planner statistics for what this part has written so far (see ``_analyze``): a part
        that reads back thousands of rows it just wrote calls it before it does."""
        _analyze()

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
            if name not in self.used_names:
                self.used_names.add(name)
                return name, section, self.rng.choice(("170", "170", "159", unit_type))


def generate(seed: int = 2025, progress: Callable[[str], None] | None = None) -> DemoCounty:
    """Build the demo county: every installed app's demo parts (``core.workareas.DemoPart``),
    in their order, each writing through its app's services."""
    gen = Generator(seed, progress)
    demo = DemoCounty()
    _analyze()
    for part in demo_parts():
        gen.progress(f"  {part.label} …")
        import_string(part.build)(gen, demo)
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
