"""The demo county's union tree: the city and county federations, townships, grassroots unions,
employers with and without a union, and service points (the demo's first part)."""

from __future__ import annotations

import datetime

from gonghui.demo import names
from gonghui.demo.generator import DemoCounty, Generator
from gonghui.orgs.models import Org, ServicePoint
from gonghui.orgs.services import org_create, service_point_create


def build(gen: Generator, demo: DemoCounty) -> None:
    _build_tree(gen, demo)
    gen.progress(f"    {len(demo.townships)} 个乡镇（街道）、{len(demo.grassroots)} 个基层工会")
    made = _build_service_points(gen, demo)
    gen.progress(f"    服务阵地 {made} 个")


def _build_tree(gen: Generator, demo: DemoCounty) -> None:
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
        chair_name=gen.person_name(),
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
        chair_name=gen.person_name(),
        uscc=gen.uscc("union", k["region"]),
    )
    demo.city, demo.county = city, county

    # County-level organs, institutions and big enterprises report straight to the county.
    for organ in names.COUNTY_ORGANS:
        union = gen.union(county, f"青山{organ}工会委员会", Org.Kind.ORGAN, code_prefix="QS-J")
        demo.grassroots.append(union)
        demo.employers.append(
            gen.employer(county, f"青山{organ}", "500", "S", gen.rng.randint(25, 160), union)
        )
    for inst, kind, section in names.COUNTY_INSTITUTIONS:
        union = gen.union(county, f"青山{inst}工会委员会", kind, with_uscc=True, code_prefix="QS-S")
        demo.grassroots.append(union)
        demo.employers.append(
            gen.employer(county, f"青山{inst}", "400", section, gen.rng.randint(60, 900), union)
        )
    for ent, section, unit_type in names.COUNTY_ENTERPRISES:
        union = gen.union(
            county, f"{ent}工会委员会", Org.Kind.ENTERPRISE, with_uscc=True, code_prefix="QS-Q"
        )
        demo.grassroots.append(union)
        employer = gen.employer(county, ent, unit_type, section, gen.rng.randint(120, 1800), union)
        demo.employers.append(employer)
        for group in ("生产", "后勤", "营销")[: gen.rng.randint(1, 3)]:
            gen.union(union, f"{ent}{group}工会小组", Org.Kind.GROUP, level=Org.Level.GROUP)

    # Industry and new-employment federations sit between the county and grassroots.
    transport = gen.union(
        county,
        "青山县交通运输行业工会联合会",
        Org.Kind.INDUSTRY_UNION,
        level=Org.Level.TOWNSHIP,
        code_prefix="QS-H",
    )
    new_form = gen.union(
        county,
        "青山县新就业形态劳动者工会联合会",
        Org.Kind.NEW_EMPLOYMENT,
        level=Org.Level.TOWNSHIP,
        code_prefix="QS-H",
    )
    for site, section in names.NEW_EMPLOYMENT_SITES:
        union = gen.union(new_form, f"{site}工会", Org.Kind.ENTERPRISE, code_prefix="QS-X")
        demo.grassroots.append(union)
        demo.employers.append(
            gen.employer(county, site, "170", section, gen.rng.randint(12, 140), union)
        )
    for _i in range(6):
        name, section, unit_type = gen.enterprise_name("")
        name = name.replace("茶业", "运输").replace("食品", "物流")
        union = gen.union(transport, f"{name}工会委员会", Org.Kind.ENTERPRISE, code_prefix="QS-Y")
        demo.grassroots.append(union)
        demo.employers.append(
            gen.employer(county, name, unit_type, "G", gen.rng.randint(30, 300), union)
        )

    for index, (place, kind) in enumerate(names.TOWNSHIPS, start=1):
        suffix = "工会工作委员会" if kind == "street" else "总工会"
        township = gen.union(
            county,
            f"青山县{place}{suffix}",
            Org.Kind.TOWNSHIP,
            level=Org.Level.TOWNSHIP,
            code_prefix="QS-T",
        )
        demo.townships.append(township)
        _build_township(gen, demo, township, place, kind, index)


def _build_township(
    gen: Generator, demo: DemoCounty, township: Org, place: str, kind: str, index: int
) -> None:
    short = place[:-2] if place.endswith("街道") else place[:-1]
    organ = gen.union(township, f"{place}机关工会委员会", Org.Kind.ORGAN)
    demo.grassroots.append(organ)
    demo.employers.append(
        gen.employer(
            township,
            f"青山县{place}人民政府" if kind != "street" else f"青山县{place}办事处",
            "500",
            "S",
            gen.rng.randint(30, 90),
            organ,
        )
    )
    school = gen.union(township, f"{short}中心学校工会委员会", Org.Kind.SCHOOL)
    demo.grassroots.append(school)
    demo.employers.append(
        gen.employer(
            township, f"青山县{short}中心学校", "400", "P", gen.rng.randint(40, 180), school
        )
    )
    clinic_name = f"青山县{short}社区卫生服务中心" if kind == "street" else f"青山县{place}卫生院"
    clinic = gen.union(township, f"{clinic_name[3:]}工会委员会", Org.Kind.HOSPITAL)
    demo.grassroots.append(clinic)
    demo.employers.append(
        gen.employer(township, clinic_name, "400", "Q", gen.rng.randint(25, 120), clinic)
    )

    words = names.COMMUNITY_WORDS if kind == "street" else names.VILLAGE_WORDS
    places = gen.rng.sample(words, k=min(len(words), gen.rng.randint(5, 7)))
    for word in places:
        if kind == "street":
            union = gen.union(township, f"{word}社区工会联合会", Org.Kind.COMMUNITY)
        else:
            union = gen.union(township, f"{short}{word}村工会联合会", Org.Kind.VILLAGE)
        demo.grassroots.append(union)

    for _i in range(gen.rng.randint(9, 12)):
        name, section, unit_type = gen.enterprise_name(short if gen.rng.random() < 0.4 else "")
        union = gen.union(
            township,
            f"{name}工会委员会",
            Org.Kind.ENTERPRISE,
            with_uscc=gen.rng.random() < 0.3,
        )
        demo.grassroots.append(union)
        demo.employers.append(
            gen.employer(township, name, unit_type, section, gen.rng.randint(25, 600), union)
        )

    # Small firms: some in the township's joint union, the rest with no union yet.
    joint = None
    if index <= 4:
        joint = gen.union(township, f"{place}小微企业联合工会委员会", Org.Kind.JOINT)
        demo.grassroots.append(joint)
    for _i in range(gen.rng.randint(28, 34)):
        trade, section, unit_type = gen.rng.choice(names.SMALL_FIRM_TRADES)
        name = f"{short}{gen.person_name()[0]}记{trade}"
        while name in gen.used_names:
            name = f"{short}{gen.rng.choice(names.ENTERPRISE_PREFIX)}{trade}"
        gen.used_names.add(name)
        covered = joint if joint is not None and gen.rng.random() < 0.45 else None
        demo.employers.append(
            gen.employer(township, name, unit_type, section, gen.rng.randint(3, 24), covered)
        )


def _build_service_points(gen: Generator, demo: DemoCounty) -> int:
    made = 0
    kinds = ServicePoint.Kind
    plan = [(demo.county, kinds.SERVICE_CENTER, "青山县职工服务中心", "county")]
    plan.append((demo.county, kinds.RECUPERATION_BASE, "青山县职工疗休养基地（温泉）", "city"))
    for township in demo.townships:
        short = (
            township.name.replace("青山县", "").replace("工会工作委员会", "").replace("总工会", "")
        )
        plan.append((township, kinds.WORKERS_HOME, f"{short}职工之家", "county"))
        plan.append((township, kinds.OUTDOOR_STATION, f"{short}户外劳动者服务站", "none"))
        if gen.rng.random() < 0.7:
            plan.append((township, kinds.READING_ROOM, f"{short}职工书屋", "none"))
    for union in gen.rng.sample(demo.grassroots, k=55):
        kind = gen.rng.choice(
            (
                kinds.SMALL_HOME,
                kinds.NURSING_ROOM,
                kinds.READING_ROOM,
                kinds.WORKERS_HOME,
                kinds.OUTDOOR_STATION,
            )
        )
        if union.kind in (Org.Kind.ENTERPRISE, Org.Kind.HOSPITAL) and gen.rng.random() < 0.15:
            kind = kinds.INNOVATION_STUDIO
        label = kinds(kind).label
        base = union.name.replace("工会委员会", "").replace("工会联合会", "").replace("工会", "")
        plan.append(
            (
                union,
                kind,
                f"{base}{label}",
                gen.rng.choice(("none", "none", "county", "city", "province")),
            )
        )
    for org, kind, name, recognition in plan:
        service_point_create(
            actor=None,
            org=org,
            kind=kind,
            name=name,
            address=gen.address(""),
            recognition=recognition,
            opened_on=datetime.date(gen.rng.randint(2012, 2025), gen.rng.randint(1, 12), 1),
        )
        made += 1
    return made
