"""The demo's accounts: one of each kind of user, printed at the demo's start."""

from __future__ import annotations

from gonghui.accounts.models import Department, Role
from gonghui.accounts.services import user_create
from gonghui.demo.generator import DEMO_PASSWORD, DemoCounty, Generator
from gonghui.orgs.models import Org


def build(gen: Generator, demo: DemoCounty) -> None:

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
    add("county_rights", "县总权益保障部", demo.county, Role.FEDERATION_STAFF, Department.RIGHTS)
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
