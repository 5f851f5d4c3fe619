"""The precomputed figures (``reports.figurestore``) equal the live evaluation: for random
members joining, leaving and being back-dated, unions founded and moved, drained at random
moments, over random subtrees and whole-month periods; and what the store holds, how it is
kept current, and when it steps aside."""

from __future__ import annotations

import contextlib
import datetime

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonghui.core import indicators as core_indicators
from gonghui.core.errors import DomainError
from gonghui.core.indicators import FLOW, evaluate, evaluate_by_child
from gonghui.members.models import Membership, Person
from gonghui.members.services import member_register, membership_transition
from gonghui.orgs.models import Org
from gonghui.orgs.services import org_create, org_move
from gonghui.reports import figurestore
from gonghui.reports.models import FigureCell, FigureDirty, FigureSpan, FigureTotal
from gonghui.reports.registry import all_indicators
from tests.rosters import id_number

L = Org.Level
FIRST = datetime.date(2024, 1, 1)


def month(n: int) -> datetime.date:
    """The first day of the ``n``-th month from January 2024."""
    return datetime.date(2024 + n // 12, n % 12 + 1, 1)


def month_end(n: int) -> datetime.date:
    return month(n + 1) - datetime.timedelta(days=1)


def live(indicators, root, periods, months=None):
    kept, core_indicators.store = core_indicators.store, None
    try:
        return evaluate(indicators, root, periods, months)
    finally:
        core_indicators.store = kept


def live_by_child(indicators, root, start, end):
    kept, core_indicators.store = core_indicators.store, None
    try:
        return evaluate_by_child(indicators, root, start, end)
    finally:
        core_indicators.store = kept


def totals() -> dict:
    return {
        (key, org, end): value
        for key, org, end, value in FigureTotal.objects.values_list("key", "org_id", "end", "value")
        if value
    }


def totals_from_cells() -> dict:
    """What the subtree totals should be: for every org with an org beneath it, the sum of its
    subtree's cells (a union with none beneath keeps none: its cells are its subtree's)."""
    paths = dict(Org.objects.values_list("id", "path"))
    with_beneath = set(Org.objects.filter(parent__isnull=False).values_list("parent", flat=True))
    out: dict = {}
    for key, org, end, value in FigureCell.objects.values_list("key", "org_id", "end", "value"):
        own = paths.get(org, "gone")  # an org deleted: its cells add to no total
        for above, path in paths.items():
            if own.startswith(path) and (above != org or org in with_beneath):
                out[(key, above, end)] = out.get((key, above, end), 0) + value
    return {k: v for k, v in out.items() if v}


def tree():
    county = org_create(
        actor=None, parent=None, code="FS", name="某县总工会", level=L.COUNTY, kind="federation"
    )
    towns = [
        org_create(
            actor=None,
            parent=county,
            code=f"FS-{t}",
            name=f"{t}镇总工会",
            level=L.TOWNSHIP,
            kind="township",
            founded_on=month(t),
        )
        for t in range(2)
    ]
    unions = [
        org_create(
            actor=None,
            parent=towns[u % 2],
            code=f"FS-U{u}",
            name=f"{u}号公司工会",
            level=L.GRASSROOTS,
            kind="enterprise",
            founded_on=month(3 + u),
        )
        for u in range(3)
    ]
    return county, towns, unions


OPS = st.lists(
    st.one_of(
        st.tuples(st.just("join"), st.integers(0, 9), st.integers(0, 34)),
        st.tuples(st.just("end"), st.integers(0, 30), st.sampled_from(["left", "retained"])),
        st.tuples(st.just("backdate"), st.integers(0, 30), st.integers(1, 30)),
        st.tuples(st.just("move"), st.integers(0, 9), st.integers(0, 1)),
        st.tuples(st.just("found"), st.integers(0, 1), st.integers(0, 34)),
        st.tuples(st.just("group"), st.integers(0, 9), st.just(0)),
        st.tuples(st.just("person"), st.integers(0, 30), st.booleans()),
        st.tuples(st.just("drain"), st.just(0), st.just(0)),
    ),
    min_size=3,
    max_size=14,
)


def period(a: int, n: int, day: int | None) -> tuple[datetime.date, datetime.date]:
    """From the first of month ``a``, to the end of ``n`` months later, or to one of the days
    the store keeps (today, a year before) when ``day`` picks one that is not earlier."""
    kept = [d for d in figurestore.kept_days() if d >= month(a)]
    if day is not None and kept:
        return month(a), kept[day % len(kept)]
    return month(a), month_end(min(a + n, 35))


PERIODS = st.lists(
    st.tuples(st.integers(0, 34), st.integers(0, 11), st.none() | st.integers(0, 1)),
    min_size=1,
    max_size=3,
).map(lambda spans: [period(*span) for span in spans])


@pytest.mark.django_db(transaction=False)
@settings(
    # 12 random histories: about a minute on the build machine (25 took 110-140 s of the CI).
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(ops=OPS, periods=PERIODS, root_pick=st.integers(0, 5))
def test_the_store_equals_the_live_evaluation(db, ops, periods, root_pick):
    with transaction.atomic():
        county, towns, unions = tree()
        people = [
            member_register(
                actor=None,
                org=unions[0],
                id_number=id_number(datetime.date(1990, 1, 1), 1),
                name="会员一",
                joined_on=month(0),
            )
        ]
        figurestore.rebuild()
        n = 1
        for op, a, b in ops:
            if op == "join":
                n += 1
                people.append(
                    member_register(
                        actor=None,
                        org=unions[a % len(unions)],
                        id_number=id_number(datetime.date(1990, 1, 1) + datetime.timedelta(n), n),
                        name=f"会员{n}",
                        # Any day of the month, but not after today.
                        joined_on=min(month(b).replace(day=1 + b * 11 % 28), timezone.localdate()),
                    )
                )
            elif op == "end":
                membership = Membership.objects.get(pk=people[a % len(people)].pk)
                on = max(membership.joined_on, month(30))
                with contextlib.suppress(DomainError):  # not a step from its status
                    membership_transition(actor=None, membership=membership, to_status=b, on=on)
            elif op == "backdate":
                membership = Membership.objects.get(pk=people[a % len(people)].pk)
                earlier = membership.joined_on - datetime.timedelta(days=31 * b)
                Membership.objects.filter(pk=membership.pk, ended_on__isnull=True).update(
                    joined_on=earlier
                )
            elif op == "person":  # what the registry says of the person, not the membership
                person = people[a % len(people)].person
                Person.objects.filter(pk=person.pk).update(
                    gender="F" if b else "M", is_migrant_worker=b
                )
            elif op == "move":
                union = unions[a % len(unions)]
                union.refresh_from_db()
                org_move(actor=None, org=union, new_parent=towns[b])
            elif op == "found":
                unions.append(
                    org_create(
                        actor=None,
                        parent=towns[a],
                        code=f"FS-N{len(unions)}",
                        name=f"{len(unions)}号新工会",
                        level=L.GRASSROOTS,
                        kind="enterprise",
                        founded_on=month(b),
                    )
                )
            elif op == "group":  # a union's first group makes it keep subtree totals
                union = unions[a % len(unions)]
                org_create(
                    actor=None,
                    parent=union,
                    code=f"{union.code}-G{n}",
                    name=f"{union.name}第{n}小组",
                    level=L.GROUP,
                    kind="enterprise",
                )
                n += 1
            else:
                figurestore.drain()
        chosen = list(figurestore.stored().values())
        root = [county, *towns, *unions][root_pick % (3 + len(unions))]
        root.refresh_from_db()
        # Marked orgs: the store steps aside and the figures are still the live ones.
        assert evaluate(chosen, root, periods) == live(chosen, root, periods)
        figurestore.drain_all()
        assert not FigureDirty.objects.exists()
        # Every subtree total is the sum of its subtree's cells, however it was kept.
        assert totals() == totals_from_cells()
        # Drained: the store answers every stored figure, and the same as the live evaluation.
        answered, left = figurestore.answer(chosen, root, periods, {})
        spans = {span.table: span for span in FigureSpan.objects.all()}

        def covered(ind, asked=None):
            span = spans[figurestore._table(ind)]
            asked = [e for _s, e in periods] if asked is None else asked
            ends = [e for e in asked if e.isoformat() not in span.days]
            return ind.kind == FLOW or all(
                span.first_month <= e.replace(day=1) <= span.last_month for e in ends
            )

        assert {i.key for i in left} == {i.key for i in chosen if not covered(i)}
        members = [i for i in chosen if figurestore._table(i) == "members_membership"]
        assert len(members) >= 5 and not {i.key for i in left} & {i.key for i in members}
        expected = live(chosen, root, periods)
        assert answered == {k: v for k, v in expected.items() if k in answered}
        start, end = periods[0]
        trends = {
            ind.key: [(month(m), month_end(m)) for m in range(0, 36, 5)]
            + [(day.replace(day=1), day) for day in figurestore.kept_days()]
            for ind in chosen
        }
        assert evaluate(chosen, root, [], trends) == live(chosen, root, [], trends)
        by_child = evaluate_by_child(chosen, root, start, end)
        assert by_child == live_by_child(chosen, root, start, end)
        # ... and the store gave what it holds of it.
        _answered, left = figurestore.answer_by_child(chosen, root, start, end)
        assert {i.key for i in left} == {i.key for i in chosen if not covered(i, [end])}
        transaction.set_rollback(True)


def test_what_the_store_holds_and_what_stays_live(db):
    registry = all_indicators()
    held = figurestore.stored()
    assert {"members.current", "members.retained", "members.joined"} <= set(held)
    assert {"members.women", "members.migrant_workers"} <= set(held)  # through the person
    assert "orgs.grassroots_unions" not in held  # over the tree itself: live
    # A distinct count (a person paid twice counts once), a figure through another record,
    # and one whose wording its records choose (余, 以上) stay live.
    grants_people = [k for k, i in registry.items() if getattr(i.measure, "distinct", False)]
    assert grants_people and not set(grants_people) & set(held)
    through = [k for k, i in registry.items() if "__" in i.org_field]
    assert through and not set(through) & set(held)
    worded = [k for k, i in registry.items() if i.approximation_field]
    assert worded and not set(worded) & set(held)
    # A figure that asks another table in a subquery (a congress held in the year, from its
    # meetings) is live: no trigger here sees the meetings change.
    assert "rights.congresses.overdue" in registry and "rights.congresses.overdue" not in held
    # The same definition gives the same fingerprint in any process (SQL, not object ids).
    assert figurestore.fingerprint(held["members.women"]) == figurestore.fingerprint(
        all_indicators()["members.women"]
    )
    assert len({figurestore.fingerprint(i) for i in held.values()}) == len(held)
    assert 100 < len(held) < len(registry)


def test_the_store_steps_aside_for_part_months_marks_and_changed_definitions(tree):
    someone = member_register(
        actor=None,
        org=tree.a1,
        id_number=id_number(datetime.date(1991, 2, 3), 7),
        name="会员甲",
        joined_on=datetime.date(2025, 3, 9),
    )
    call_command("rebuild_figures", verbosity=0)
    current = figurestore.stored()["members.current"]
    year = [(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))]
    with CaptureQueriesContext(connection) as queries:
        assert figurestore.answer([current], tree.county, year, {})[0] == {
            ("members.current", 0): 1
        }
    assert len(queries) == 2  # what is built and marked, then the cells
    # A stock is kept at each month's end, from the member's first month to the span's last.
    last = FigureSpan.objects.get(table="members_membership").last_month
    kept = (last.year - 2025) * 12 + last.month - 3 + 1
    # And at the days kept (today, a year before; both after March 2025).
    kept += len(figurestore.kept_days())
    assert FigureCell.objects.filter(key="members.current").count() == kept
    # Part of a month, ending on a day the store does not keep: live.
    day = next(
        d
        for d in (datetime.date(2025, 12, 15), datetime.date(2025, 12, 14))
        if d not in figurestore.kept_days()
    )
    part = [(datetime.date(2025, 1, 1), day)]
    assert figurestore.answer([current], tree.county, part, {}) == ({}, [current])
    # A member leaves: the org is marked in the same transaction, the page reads live (and
    # asks the worker), and the drain brings the store back.
    membership_transition(
        actor=None, membership=someone, to_status="left", on=datetime.date(2025, 6, 30)
    )
    assert FigureDirty.objects.filter(org_id=tree.a1.pk).exists()
    assert figurestore.answer([current], tree.county, year, {}) == ({}, [current])
    assert evaluate([current], tree.county, year)[("members.current", 0)] == 0
    assert figurestore.drain_all() >= 1
    assert figurestore.answer([current], tree.county, year, {})[0] == {("members.current", 0): 0}
    # A definition changed since the build (a new release): not answered until rebuilt, which
    # the next drain does.
    span = FigureSpan.objects.get(table="members_membership")
    span.keys["members.current"] = "an older definition"
    span.save()
    assert figurestore.answer([current], tree.county, year, {}) == ({}, [current])
    FigureDirty.objects.create(table="members_membership", org_id=tree.a1.pk)
    figurestore.drain_all()
    assert figurestore.answer([current], tree.county, year, {})[0] == {("members.current", 0): 0}
    # Moving a union to another county changes its members' county and nothing the member
    # figures read: they are not marked (the service points' figures read the org row itself,
    # whose path the move changes, so theirs are). A table the store does not hold yet is
    # built by the next drain.
    other = org_create(
        actor=None, parent=None, code="HS", name="红山县总工会", level=L.COUNTY, kind="federation"
    )
    org_move(actor=None, org=tree.a, new_parent=other)
    assert Membership.objects.get(pk=someone.pk).county_id == other.pk
    assert sorted(FigureDirty.objects.values_list("table", "org_id"), key=str) == [
        (figurestore.TREE, None),
        ("orgs_servicepoint", tree.a1.pk),
    ]
    # Until the drain, every page reads live: the totals above the union are the old tree's.
    assert figurestore.answer([current], other, year, {}) == ({}, [current])
    FigureSpan.objects.filter(table="members_membership").delete()
    figurestore.drain_all()
    assert FigureSpan.objects.filter(table="members_membership").exists()
    # Drained: the member's join counts under the new county and no longer under the old.
    joined = figurestore.stored()["members.joined"]
    assert figurestore.answer([joined], other, year, {})[0] == {("members.joined", 0): 1}
    assert figurestore.answer([joined], tree.county, year, {})[0] == {("members.joined", 0): 0}
    assert totals() == totals_from_cells()
    # A union deleted from the tree marks it too.
    empty = org_create(
        actor=None, parent=other, code="HS-1", name="空工会", level=L.GRASSROOTS, kind="enterprise"
    )
    figurestore.drain_all()
    Org.objects.filter(pk=empty.pk).delete()
    assert list(FigureDirty.objects.values_list("table", flat=True)) == [figurestore.TREE]
    call_command("rebuild_figures", verbosity=0)  # a rebuild of everything clears it too
    assert not FigureDirty.objects.exists()
    assert totals() == totals_from_cells()
    # A union with cells given its first group keeps subtree totals from then on: the tree is
    # marked, and the drain makes them. (Its second group changes nothing.)
    assert not FigureTotal.objects.filter(org=tree.a1).exists()
    for g in (1, 2):
        org_create(
            actor=None,
            parent=tree.a1,
            code=f"A1-G{g}",
            name=f"第{g}小组",
            level=L.GROUP,
            kind="enterprise",
        )
        marks = list(FigureDirty.objects.values_list("table", flat=True))
        assert marks == ([figurestore.TREE] if g == 1 else [])
        figurestore.drain_all()
    assert FigureTotal.objects.filter(org=tree.a1).exists()
    tree.a1.refresh_from_db()  # its path, since the move
    assert figurestore.answer([joined], tree.a1, year, {})[0] == live([joined], tree.a1, year)
    assert figurestore.answer([joined], tree.a1, year, {})[0] == {("members.joined", 0): 1}
    assert totals() == totals_from_cells()
    # The worker's tasks run the same drain.
    from gonghui.reports.tasks import drain_figures, drain_figures_every_minute

    FigureDirty.objects.create(table="members_membership", org_id=tree.a1.pk)
    drain_figures()
    drain_figures_every_minute(0)
    assert not FigureDirty.objects.exists()


def test_a_new_day_moves_the_cells_kept_up_to_a_day(tree, monkeypatch):
    today = [datetime.date(2026, 5, 27)]  # registered in the week after the 20th
    monkeypatch.setattr(figurestore.timezone, "localdate", lambda *args: today[0])
    joins = (datetime.date(2026, 3, 5), datetime.date(2026, 5, 10), datetime.date(2026, 5, 25))
    for n, joined in enumerate(joins):
        member_register(
            actor=None,
            org=tree.a1,
            id_number=id_number(datetime.date(1992, 2, 3), n + 1),
            name=f"会员{n}",
            joined_on=joined,
        )
    day = today[0] = datetime.date(2026, 5, 20)
    call_command("rebuild_figures", verbosity=0)
    span = FigureSpan.objects.get(table="members_membership")
    assert span.days == ["2025-05-20", "2026-05-20"]
    held = figurestore.stored()
    chosen = [held["members.joined"], held["members.current"]]
    so_far = [(datetime.date(2026, 1, 1), day), (datetime.date(2025, 1, 1), day.replace(2025))]
    # This year so far, and the same dates a year before: from the store, as the live figures.
    answered, left = figurestore.answer(chosen, tree.county, so_far, {})
    assert left == [] and answered == live(chosen, tree.county, so_far)
    # The member joining on the 25th is not in yet; March's is, once.
    assert answered[("members.joined", 0)] == answered[("members.current", 0)] == 2
    # A week later, before the worker has moved the days: live.
    day = today[0] = datetime.date(2026, 5, 27)
    so_far = [(datetime.date(2026, 1, 1), day), (datetime.date(2025, 1, 1), day.replace(2025))]
    assert figurestore.answer(chosen, tree.county, so_far, {}) == ({}, chosen)
    figurestore.drain_all()
    assert FigureSpan.objects.get(table="members_membership").days == ["2025-05-27", "2026-05-27"]
    answered, left = figurestore.answer(chosen, tree.county, so_far, {})
    assert left == [] and answered == live(chosen, tree.county, so_far)
    assert answered[("members.joined", 0)] == answered[("members.current", 0)] == 3
    by_child, left = figurestore.answer_by_child(chosen, tree.county, *so_far[0])
    assert left == [] and by_child["members.joined"]
    assert by_child == live_by_child(chosen, tree.county, *so_far[0])
    # The cells up to the old days are gone, and the totals still add up.
    assert not FigureCell.objects.filter(end=datetime.date(2026, 5, 20)).exists()
    assert totals() == totals_from_cells()
    old = [(datetime.date(2026, 1, 1), datetime.date(2026, 5, 20))]
    assert figurestore.answer(chosen, tree.county, old, {}) == ({}, chosen)
    # The next day, the days kept until now stay one more day: a page that found them kept
    # just before the move still finds their totals after it.
    today[0] = datetime.date(2026, 5, 28)
    figurestore.drain_all()
    assert FigureSpan.objects.get(table="members_membership").days == [
        "2025-05-27",
        "2025-05-28",
        "2026-05-27",
        "2026-05-28",
    ]
    for day in (datetime.date(2026, 5, 27), datetime.date(2026, 5, 28)):
        so_far = [(datetime.date(2026, 1, 1), day)]
        answered, left = figurestore.answer(chosen, tree.county, so_far, {})
        assert left == [] and answered == live(chosen, tree.county, so_far)
    assert totals() == totals_from_cells()
    today[0] = datetime.date(2026, 5, 29)
    figurestore.drain_all()
    assert FigureSpan.objects.get(table="members_membership").days == [
        "2025-05-28",
        "2025-05-29",
        "2026-05-28",
        "2026-05-29",
    ]
    assert not FigureCell.objects.filter(end=datetime.date(2026, 5, 27)).exists()


def test_a_drain_takes_the_marks_there_when_it_began(tree):
    call_command("rebuild_figures", verbosity=0)
    first = FigureDirty.objects.create(table="members_membership", org_id=tree.a1.pk)
    later = FigureDirty.objects.create(table="members_membership", org_id=tree.b1.pk)
    assert figurestore.drain(upto=first.pk) == 1
    assert list(FigureDirty.objects.values_list("pk", flat=True)) == [later.pk]
    assert figurestore.drain_all() == 1
    assert not FigureDirty.objects.exists()
