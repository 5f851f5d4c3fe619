"""Membership statuses and transfers: the transition table, both sides of a transfer, and the
one-current-membership rule under concurrency."""

from __future__ import annotations

import datetime
import threading
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction

from gonghui.core.errors import NotFound
from gonghui.core.imports.engine import Mode, run_import
from gonghui.members import services
from gonghui.members.imports import MemberRosterSpec
from gonghui.members.models import Membership, MembershipTransfer, Person
from tests.conftest import snapshot
from tests.rosters import id_number, person_row, write_csv

S = Membership.Status
ALL_STATUSES = list(S.values)


def register(tree, org=None, n=1, status=S.ACTIVE):
    return services.member_register(
        actor=None,
        org=org or tree.a1,
        id_number=id_number(datetime.date(1980, 1, 1), n),
        name=f"会员{n}",
        joined_on=datetime.date(2020, 1, 1),
        status=status,
    )


def force_status(membership, status):
    Membership.objects.filter(pk=membership.pk).update(status=status)
    membership.refresh_from_db()
    return membership


@pytest.mark.parametrize("frm", ALL_STATUSES)
@pytest.mark.parametrize("to", ALL_STATUSES)
def test_transition_table(tree, frm, to):
    membership = force_status(register(tree), frm)
    allowed = (frm, to) in services.TRANSITIONS
    before = snapshot(Membership)
    if allowed:
        result = services.membership_transition(
            actor=tree.clerk_a1,
            membership=membership,
            to_status=to,
            on=datetime.date(2024, 5, 1),
        )
        assert result.status == to
        assert (result.ended_on is not None) == (to in (S.LEFT, S.EXPELLED))
    else:
        with pytest.raises(Exception, match="不能变更为"):
            services.membership_transition(actor=tree.clerk_a1, membership=membership, to_status=to)
        assert snapshot(Membership) == before


def test_transition_outside_scope_is_not_found(tree):
    membership = register(tree)
    with pytest.raises(NotFound):
        services.membership_transition(
            actor=tree.town_b, membership=membership, to_status=S.RETAINED
        )
    assert Membership.objects.get().status == S.ACTIVE


def test_transfer_between_townships_waits_for_the_receiving_side(tree):
    membership = register(tree)
    transfer = services.transfer_start(
        actor=tree.clerk_a1, membership=membership, to_org=tree.b1, reason="调动"
    )
    assert transfer.status == MembershipTransfer.Status.PENDING
    assert Membership.objects.get().status == S.TRANSFERRING
    # The sending side cannot accept for the receiving one.
    with pytest.raises(NotFound):
        services.transfer_accept(actor=tree.clerk_a1, transfer=transfer)
    new = services.transfer_accept(actor=tree.town_b, transfer=transfer)
    assert new.org == tree.b1 and new.status == S.ACTIVE
    old = Membership.objects.get(pk=membership.pk)
    assert old.status == S.LEFT and old.ended_on is not None
    person = Person.objects.get()
    assert person.latest_membership == new
    # Now B sees the person and A no longer does.
    from gonghui.members.selectors import persons_visible_to

    assert list(persons_visible_to(tree.town_b)) == [person]
    assert list(persons_visible_to(tree.town_a)) == []


def test_transfer_refused_or_withdrawn_returns_the_member(tree):
    membership = register(tree)
    transfer = services.transfer_start(actor=tree.clerk_a1, membership=membership, to_org=tree.b1)
    with pytest.raises(Exception, match="原因"):
        services.transfer_refuse(actor=tree.town_b, transfer=transfer, answer=" ")
    services.transfer_refuse(actor=tree.town_b, transfer=transfer, answer="查无此人")
    assert Membership.objects.get().status == S.ACTIVE
    again = services.transfer_start(actor=tree.clerk_a1, membership=membership, to_org=tree.b1)
    with pytest.raises(NotFound):
        services.transfer_cancel(actor=tree.town_b, transfer=again)
    services.transfer_cancel(actor=tree.clerk_a1, transfer=again)
    assert Membership.objects.get().status == S.ACTIVE
    assert list(MembershipTransfer.objects.values_list("status", flat=True).order_by("id")) == [
        "refused",
        "cancelled",
    ]


def test_county_moves_a_member_in_one_step(tree):
    membership = register(tree)
    transfer = services.transfer_start(
        actor=tree.county_staff, membership=membership, to_org=tree.b1
    )
    assert transfer.status == MembershipTransfer.Status.ACCEPTED
    assert Person.objects.get().latest_membership.org == tree.b1


def test_only_an_active_membership_is_transferred(tree):
    membership = force_status(register(tree), S.RETAINED)
    with pytest.raises(Exception, match="只有正常状态"):
        services.transfer_start(actor=tree.clerk_a1, membership=membership, to_org=tree.b1)


def test_the_database_refuses_a_second_current_membership(tree):
    membership = register(tree)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            person=membership.person,
            org=tree.b1,
            status=S.ACTIVE,
            joined_on=datetime.date(2021, 1, 1),
        )


def test_a_former_member_can_join_again(tree):
    membership = register(tree)
    services.membership_transition(actor=None, membership=membership, to_status=S.LEFT)
    again = services.member_register(
        actor=tree.town_b,
        org=tree.b1,
        id_number=id_number(datetime.date(1980, 1, 1), 1),
        name="会员1",
    )
    assert Person.objects.count() == 1
    assert again.person.latest_membership == again


def test_transfer_target_is_found_by_exact_code_or_name_only(tree):
    assert services.transfer_target_lookup("qs-b-1") == tree.b1
    assert services.transfer_target_lookup("乙公司工会委员会") == tree.b1
    with pytest.raises(NotFound):
        services.transfer_target_lookup("乙公司")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_imports_of_the_same_person_leave_one_current_membership(tmp_path):
    from tests.conftest import build_tree

    tree = build_tree()
    same = [person_row(n, "") for n in range(1, 40)]
    path_a = write_csv(tmp_path / "a.csv", [[*r[:5], "QS-A-1", *r[6:]] for r in same])
    path_b = write_csv(tmp_path / "b.csv", [[*r[:5], "QS-B-1", *r[6:]] for r in same])
    results = {}
    barrier = threading.Barrier(2)

    def run(name, path, org):
        try:
            barrier.wait()
            results[name] = run_import(
                MemberRosterSpec(), Path(path), actor=None, org=org, mode=Mode.PARTIAL
            )
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("a", path_a, tree.a)),
        threading.Thread(target=run, args=("b", path_b, tree.b)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    counts = sorted((r.imported, r.conflicts) for r in results.values())
    assert counts == [(0, 39), (39, 0)]
    assert Person.objects.count() == 39
    assert Membership.objects.filter(status=S.ACTIVE).count() == 39
