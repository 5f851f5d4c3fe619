"""The county every large table carries (``core.county``): an org's county by its path and
level, records following their org through moves, changes of level and bulk writes, and the
scope that says it (the demo's every table is checked in ``test_scope_everywhere``)."""

from __future__ import annotations

import datetime

from django.db import connection

from gonghui.core.county import county_fields, install, reconcile
from gonghui.core.scoping import county_q, scope
from gonghui.core.tasks import reconcile_counties
from gonghui.members.models import Membership, Person
from gonghui.members.services import member_register
from gonghui.orgs.models import Employer, Org, ServicePoint
from gonghui.orgs.services import org_move, org_update
from gonghui.services.models import RecuperationParticipant
from tests.conftest import make_org
from tests.rosters import id_number

L = Org.Level


def county_of(obj) -> int | None:
    return type(obj).objects.values_list("county_id", flat=True).get(pk=obj.pk)


def mismatches() -> dict[str, int]:
    """Rows of every county table whose county is not their ``via`` row's (or, for an org,
    not the deepest org at or above county level on its path, worked out here in Python)."""
    wrong = {}
    for model, field in county_fields():
        if not field.via:
            levels = dict(Org.objects.values_list("id", "level"))
            bad = 0
            for org_id, path, county in Org.objects.values_list("id", "path", "county_id"):
                ids = [int(part) for part in path.strip("/").split("/")]
                above = [i for i in ids if levels[i] <= L.COUNTY]
                bad += county != (above[-1] if above else org_id)
            if bad:
                wrong[model._meta.label] = bad
            continue
        via = model._meta.get_field(field.via)
        with connection.cursor() as c:
            c.execute(
                f"SELECT count(*) FROM {model._meta.db_table} t "  # noqa: S608
                f"LEFT JOIN {via.related_model._meta.db_table} s ON s.id = t.{via.column} "
                "WHERE t.county_id IS DISTINCT FROM s.county_id"
            )
            if bad := c.fetchone()[0]:
                wrong[model._meta.label] = bad
    return wrong


def person(org, n):
    return member_register(
        actor=None,
        org=org,
        id_number=id_number(datetime.date(1985, 1, 1) + datetime.timedelta(days=n), 300 + n),
        name=f"会员{n}",
        joined_on=datetime.date(2021, 3, 1),
    ).person


def test_an_orgs_county_is_the_deepest_federation_at_or_above_county_on_its_path(db):
    city = make_org(None, "CY", "市总工会", L.CITY, Org.Kind.FEDERATION)
    county = make_org(city, "CY-1", "一县总工会", L.COUNTY, Org.Kind.FEDERATION)
    town = make_org(county, "CY-1-1", "一镇总工会", L.TOWNSHIP, Org.Kind.TOWNSHIP)
    union = make_org(town, "CY-1-1-1", "一厂工会", L.GRASSROOTS)
    group = make_org(union, "CY-1-1-1-1", "一车间工会小组", L.GROUP)
    city_direct = make_org(city, "CY-9", "市直工会", L.GRASSROOTS)
    street = make_org(city, "CY-8", "开发区工会", L.TOWNSHIP, Org.Kind.TOWNSHIP)
    street_union = make_org(street, "CY-8-1", "园区企业工会", L.GRASSROOTS)

    # Known on the new object at once (read back from the insert), and the same in the table.
    assert (town.county_id, union.county_id, group.county_id) == (county.pk,) * 3
    assert county_of(group) == county.pk
    assert (city.county_id, county.county_id) == (city.pk, county.pk)
    assert (city_direct.county_id, street.county_id, street_union.county_id) == (city.pk,) * 3

    # The development zone is made a county-level federation: it and its union follow.
    org_update(actor=None, org=street, changes={"level": L.COUNTY})
    assert (county_of(street), county_of(street_union)) == (street.pk, street.pk)
    assert mismatches() == {}


def test_records_follow_their_orgs_county_through_moves_and_bulk_writes(tree):
    other = make_org(None, "HS", "红山县总工会", L.COUNTY, Org.Kind.FEDERATION)
    someone, elsewhere = person(tree.a1, 1), person(tree.b1, 2)
    membership = Membership.objects.get(person=someone)
    assert membership.county_id == tree.county.pk == county_of(someone) == county_of(tree.emp_a)

    # A township moved to another county takes its unions, their members, employers and
    # service points with it, in the move's own statement.
    org_move(actor=None, org=tree.a, new_parent=other)
    for obj in (tree.a, tree.a1, tree.emp_a, tree.sp_a, membership, someone):
        assert county_of(obj) == other.pk, obj
    for obj in (tree.b, tree.b1, tree.emp_b, tree.sp_b, elsewhere):
        assert county_of(obj) == tree.county.pk, obj

    # Writes that no service makes: a bulk update to another org, a raw insert.
    Membership.objects.filter(person=elsewhere).update(org=tree.a1)
    assert county_of(Membership.objects.get(person=elsewhere)) == other.pk
    assert county_of(elsewhere) == other.pk  # the person follows their latest membership
    with connection.cursor() as c:
        c.execute(
            "INSERT INTO orgs_employer (org_id, name, uscc, unit_type, industry_section, "
            "headcount, monthly_payroll, is_small_micro, region_code, address, is_active, "
            "created_at, updated_at) VALUES (%s, '丙公司', '', '170', '', 5, 0, false, '', '', "
            "true, now(), now()) RETURNING county_id",
            [tree.b.pk],
        )
        assert c.fetchone()[0] == tree.county.pk
    # A value written by hand is overwritten by the org's.
    ServicePoint.objects.filter(pk=tree.sp_b.pk).update(county=other)
    assert county_of(tree.sp_b) == tree.county.pk

    # A column removed by hand is filled again by the next migrate's install.
    with connection.cursor() as c:
        c.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks, so the table can change
        c.execute("ALTER TABLE orgs_employer DISABLE TRIGGER gonghui_county")
        c.execute("UPDATE orgs_employer SET county_id = NULL")
        c.execute("ALTER TABLE orgs_employer ENABLE TRIGGER gonghui_county")
    assert mismatches() == {"orgs.Employer": 3}
    install()
    assert mismatches() == {}
    # What the triggers could not see (a row written during a move, a restore with triggers
    # off) the worker's hourly reconcile puts right.
    with connection.cursor() as c:
        c.execute("ALTER TABLE orgs_servicepoint DISABLE TRIGGER gonghui_county")
        c.execute("UPDATE orgs_servicepoint SET county_id = %s", [other.pk])
        c.execute("ALTER TABLE orgs_servicepoint ENABLE TRIGGER gonghui_county")
    assert mismatches() == {"orgs.ServicePoint": 1}
    reconcile_counties(0)
    assert mismatches() == {}
    assert reconcile() == 0


def test_the_scope_says_the_county_for_an_actor_at_or_below_a_county(tree):
    person(tree.a1, 1), person(tree.b1, 2)
    city = make_org(None, "CY", "市总工会", L.CITY, Org.Kind.FEDERATION)
    org_move(actor=None, org=tree.county, new_parent=city)
    tree.town_a.org.refresh_from_db()
    tree.county_staff.org.refresh_from_db()

    county = tree.county.pk
    assert county_q(Membership, tree.town_a) == county_q(Membership, tree.county_staff)
    assert str(county_q(Membership, tree.town_a)) == f"(AND: ('county_id', {county}))"
    assert str(county_q(Org, tree.town_a, None)) == f"(AND: ('county_id', {county}))"
    assert str(county_q(Person, tree.town_a, "latest_membership__org")) == (
        f"(AND: ('latest_membership__county_id', {county}))"
    )
    # Not said where it would not be the same subtree: a participant is scoped by the union
    # that nominated them, but sits in the county of the batch's organiser.
    assert not county_q(RecuperationParticipant, tree.town_a)
    assert not county_q(Employer, tree.town_a, "union")

    # Said, the county changes the query, not its answer.
    sql = str(scope(Membership.objects.all(), tree.town_a).query)
    assert '"members_membership"."county_id" = ' in sql and "LIKE" in sql
    assert list(scope(Membership.objects.all(), tree.town_a)) == list(
        Membership.objects.filter(org__path__startswith=tree.a.path)
    )
    assert scope(Membership.objects.all(), tree.town_a).count() == 1

    # A city's actor spans counties: no county filter.
    city_user = tree.county_staff
    city_user.org = city
    assert not county_q(Membership, city_user)


def test_each_carry_finds_its_rows_by_an_index(db):
    """A move carries the county to the rows that follow each org or record by their ``via``
    key: without an index leading with that key, each row moved would read a whole table."""
    unindexed = []
    with connection.cursor() as c:
        for model, field in county_fields():
            if not field.via or field.back:
                continue  # an org's own; a person found by the membership's key back to them
            column = model._meta.get_field(field.via).column
            c.execute(
                """
                SELECT 1 FROM pg_index i JOIN pg_attribute a
                  ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                 WHERE i.indrelid = %s::regclass AND a.attname = %s
                """,
                [model._meta.db_table, column],
            )
            if c.fetchone() is None:
                unindexed.append(f"{model._meta.db_table}.{column}")
    assert unindexed == []
