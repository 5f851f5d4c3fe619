"""Assistance fixtures on top of the small tree: local standard, members, campaigns."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from gonghui.assistance import services
from gonghui.assistance.models import Campaign
from gonghui.members.services import member_register
from tests.rosters import id_number

TODAY = datetime.date(2026, 10, 20)


@dataclass
class Aid:
    a_people: list
    b_people: list
    school: Campaign
    winter: Campaign


def person(tree, org, n):
    return member_register(
        actor=None,
        org=org,
        id_number=id_number(datetime.date(1980, 1, 1) + datetime.timedelta(days=n), 100 + n),
        name=f"职工{n}",
        joined_on=datetime.date(2020, 1, 1),
    ).person


def file_for(tree, person_, org, per_head=500, size=3, accident=""):
    income = Decimal(per_head) * 12 * size
    return services.hardship_file_create(
        actor=None,
        applicant=person_,
        org=org,
        household_size=size,
        annual_income=income,
        accident_reason=accident,
        filed_on=datetime.date(2026, 3, 1),
    )


def build_aid(tree) -> Aid:
    services.policy_create(
        actor=None,
        region_code="530524",
        year=2026,
        effective_from=datetime.date(2026, 1, 1),
        subsistence_line=Decimal("720"),
        yearly_cap_per_person=Decimal("6000"),
    )
    a_people = [person(tree, tree.a1, n) for n in range(1, 5)]
    b_people = [person(tree, tree.b1, n) for n in range(11, 14)]
    for p in a_people[:3] + b_people[:2]:
        file_for(tree, p, p.latest_membership.org)
    school = services.campaign_create(
        actor=None,
        code="QS-2026-JQZX",
        name="金秋助学",
        kind="school_aid",
        year=2026,
        org=tree.county,
        budget=Decimal("10000"),
        starts_on=datetime.date(2026, 7, 1),
        ends_on=datetime.date(2026, 12, 31),
        eligibility="on_file",
        school_levels=["high_school", "higher_vocational", "bachelor"],
        notice_days=5,
    )
    services.standard_set(
        actor=None, campaign=school, school_level="bachelor", max_amount=Decimal("5000")
    )
    services.standard_set(
        actor=None, campaign=school, school_level="high_school", max_amount=Decimal("2000")
    )
    winter = services.campaign_create(
        actor=None,
        code="QS-2026-DSNW",
        name="冬送温暖",
        kind="winter_warmth",
        year=2026,
        org=tree.county,
        budget=Decimal("100000"),
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        eligibility="on_file_or_groups",
    )
    services.standard_set(actor=None, campaign=winter, category="deep", max_amount=Decimal("2000"))
    return Aid(a_people, b_people, school, winter)


def student(n: int, level="bachelor"):
    return {
        "student_name": f"学生{n}",
        "student_id_number": id_number(datetime.date(2007, 1, 1) + datetime.timedelta(days=n), n),
        "school": "云南大学",
        "school_level": level,
        "entry_year": 2026,
    }
