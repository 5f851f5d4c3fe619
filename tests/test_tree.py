"""The union tree: subtree queries, moves, level rules and the bad input of issue 2."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from gonghui.core.errors import DomainError, NotFound
from gonghui.core.models import Event
from gonghui.orgs import selectors
from gonghui.orgs.models import Employer, Org, ServicePoint
from gonghui.orgs.services import (
    org_create,
    org_deactivate,
    org_delete,
    org_move,
    org_update,
)
from tests.conftest import make_org, snapshot

ALL = (Org, Employer, ServicePoint, Event)


def test_subtree_of_a_township_is_itself_and_its_unions(tree):
    codes = set(selectors.orgs_visible_to(tree.town_a).values_list("code", flat=True))
    assert codes == {"QS-A", "QS-A-1"}
    assert set(selectors.orgs_visible_to(tree.admin).values_list("code", flat=True)) == {
        "QS",
        "QS-A",
        "QS-B",
        "QS-A-1",
        "QS-B-1",
    }


def test_subtree_query_is_one_indexed_prefix_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(list(selectors.orgs_visible_to(tree.town_b))) == 2


def test_tree_is_nested_and_counts_records(tree):
    root = selectors.org_tree(tree.admin)
    assert root.org == tree.county
    assert [n.org.code for n in root.children] == ["QS-A", "QS-B"]
    node_a = root.children[0]
    assert node_a.employers == 1
    assert [n.org.code for n in node_a.children] == ["QS-A-1"]
    assert node_a.children[0].service_points == 1


def test_move_rewrites_paths_and_records_follow(tree):
    moved = org_move(actor=tree.admin, org=tree.a1, new_parent=tree.b)
    assert moved.parent == tree.b
    assert moved.path.startswith(tree.b.path)
    # The service point of A1 now lies in B's subtree, and no longer in A's.
    assert selectors.service_points_visible_to(tree.town_b).filter(pk=tree.sp_a.pk).exists()
    assert not selectors.service_points_visible_to(tree.town_a).filter(pk=tree.sp_a.pk).exists()
    assert Event.objects.filter(action="org.move", target_id=str(tree.a1.pk)).count() == 1


def test_move_of_a_deeper_subtree_moves_every_descendant(tree):
    group = make_org(tree.a1, "QS-A-1-G", "生产小组", Org.Level.GROUP, Org.Kind.GROUP)
    org_move(actor=tree.admin, org=tree.a1, new_parent=tree.b)
    group.refresh_from_db()
    tree.a1.refresh_from_db()
    assert tree.a1.path == tree.b.path + tree.a1.path[-11:]
    assert group.path == tree.a1.path + group.path[-11:]
    assert set(selectors.orgs_visible_to(tree.town_b).values_list("code", flat=True)) == {
        "QS-B",
        "QS-B-1",
        "QS-A-1",
        "QS-A-1-G",
    }


def test_move_into_own_subtree_is_a_cycle_and_is_refused(tree):
    group = make_org(tree.a1, "QS-A-1-G", "生产小组", Org.Level.GROUP, Org.Kind.GROUP)
    before = snapshot(*ALL)
    with pytest.raises(DomainError, match="不能把组织移到它自己或它的下级组织之下"):
        org_move(actor=tree.admin, org=tree.a1, new_parent=group)
    assert snapshot(*ALL) == before


def test_move_under_a_lower_level_is_refused(tree):
    before = snapshot(*ALL)
    with pytest.raises(DomainError, match="层级必须低于上级组织"):
        org_move(actor=tree.admin, org=tree.a, new_parent=tree.b1)
    assert snapshot(*ALL) == before


def test_township_under_a_grassroots_union_is_refused(tree):
    before = snapshot(*ALL)
    with pytest.raises(ValidationError) as exc:
        org_create(
            actor=tree.admin,
            parent=tree.a1,
            code="QS-X",
            name="错误的镇",
            level=Org.Level.TOWNSHIP,
            kind=Org.Kind.TOWNSHIP,
        )
    assert "层级必须低于上级组织" in str(exc.value)
    assert snapshot(*ALL) == before


def test_invalid_uscc_is_refused_with_a_chinese_message(tree):
    before = snapshot(*ALL)
    with pytest.raises(ValidationError) as exc:
        org_create(
            actor=tree.admin,
            parent=tree.a,
            code="QS-A-9",
            name="丙公司工会",
            level=Org.Level.GRASSROOTS,
            kind=Org.Kind.ENTERPRISE,
            uscc="91530524MA6K12345X",
        )
    assert "统一社会信用代码校验位不正确" in str(exc.value)
    with pytest.raises(ValidationError, match="应为 18 位"):
        org_create(
            actor=tree.admin,
            parent=tree.a,
            code="QS-A-9",
            name="丙公司工会",
            level=Org.Level.GRASSROOTS,
            kind=Org.Kind.ENTERPRISE,
            uscc="9153052",
        )
    assert snapshot(*ALL) == before


@pytest.mark.parametrize("years", [1, 2, 4, 6])
def test_term_other_than_3_or_5_years_is_refused(tree, years):
    before = snapshot(*ALL)
    with pytest.raises(ValidationError):
        org_update(actor=tree.admin, org=tree.a1, changes={"term_years": years})
    assert snapshot(*ALL) == before


def test_term_is_also_a_database_constraint(tree):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Org.objects.filter(pk=tree.a1.pk).update(term_years=4)


def test_duplicate_code_is_refused(tree):
    before = snapshot(*ALL)
    with pytest.raises(ValidationError) as exc:
        org_create(
            actor=tree.admin,
            parent=tree.a,
            code="QS-B-1",
            name="重复",
            level=Org.Level.GRASSROOTS,
            kind=Org.Kind.ENTERPRISE,
        )
    assert "组织代码" in str(exc.value)
    assert snapshot(*ALL) == before


def test_term_end_and_reelection_status_are_derived(tree):
    tree.a1.refresh_from_db()
    assert tree.a1.term_ends_on == datetime.date(2023, 1, 1)
    assert tree.a1.reelection_status(datetime.date(2022, 12, 1)) == Org.ReelectionStatus.DUE
    assert tree.a1.reelection_status(datetime.date(2021, 1, 1)) == Org.ReelectionStatus.OK
    assert tree.a1.reelection_status(datetime.date(2023, 1, 2)) == Org.ReelectionStatus.OVERDUE
    overdue = Org.objects.filter(
        selectors.reelection_q(Org.ReelectionStatus.OVERDUE, datetime.date(2024, 1, 1))
    )
    assert list(overdue) == [tree.a1]


def test_federation_term_is_five_years(tree):
    with pytest.raises(ValidationError, match="5 年"):
        org_update(
            actor=tree.admin,
            org=tree.county,
            changes={"term_years": 3, "term_started_on": datetime.date(2024, 1, 1)},
        )


def test_org_with_records_is_deactivated_not_deleted(tree):
    before = snapshot(*ALL)
    with pytest.raises(DomainError, match="请改为停用"):
        org_delete(actor=tree.admin, org=tree.a1)
    assert snapshot(*ALL) == before
    org_deactivate(actor=tree.admin, org=tree.a1)
    tree.a1.refresh_from_db()
    assert tree.a1.is_active is False


def test_org_entered_by_mistake_can_be_deleted(tree):
    stray = make_org(tree.a, "QS-A-2", "录错的工会", Org.Level.GRASSROOTS)
    org_delete(actor=tree.admin, org=stray)
    assert not Org.objects.filter(code="QS-A-2").exists()
    assert Event.objects.filter(action="org.delete", org=tree.a).count() == 1


def test_deactivating_an_org_with_active_children_is_refused(tree):
    with pytest.raises(DomainError, match="还有在用的下级组织"):
        org_deactivate(actor=tree.admin, org=tree.a)


def test_township_cannot_move_or_touch_another_townships_org(tree):
    before = snapshot(*ALL)
    with pytest.raises(NotFound):
        org_move(actor=tree.town_a, org=tree.b1, new_parent=tree.a)
    with pytest.raises(NotFound):
        org_update(actor=tree.town_a, org=tree.b1, changes={"name": "改名"})
    with pytest.raises(NotFound):
        org_create(
            actor=tree.town_a,
            parent=tree.b,
            code="QS-B-9",
            name="越权",
            level=Org.Level.GRASSROOTS,
            kind=Org.Kind.ENTERPRISE,
        )
    assert snapshot(*ALL) == before


def test_nobody_moves_their_own_org(tree):
    with pytest.raises(DomainError, match="不能移动本组织自己"):
        org_move(actor=tree.town_a, org=tree.a, new_parent=tree.a)


def test_every_change_writes_one_event_in_the_same_transaction(tree):
    before = Event.objects.count()
    org_update(actor=tree.admin, org=tree.a1, changes={"chair_name": "张三"})
    event = Event.objects.latest("id")
    assert Event.objects.count() == before + 1
    assert event.action == "org.update"
    assert event.actor == tree.admin
    assert event.details == {"changes": {"chair_name": ["", "张三"]}}


def test_the_org_picker_is_the_users_subtree_as_an_indented_searchable_tree(tree):
    from django import forms

    from gonghui.orgs.selectors import org_choices
    from gonghui.orgs.widgets import INDENT, OrgTreeSelect

    def labels(user):
        field = forms.ModelChoiceField(queryset=org_choices(user), widget=OrgTreeSelect)
        html = field.widget.render("org", None)
        assert 'data-language="zh-CN"' in html and "unfold-admin-autocomplete" in html
        return [
            option["label"]
            for _g, options, _i in field.widget.optgroups("org", [])
            for option in options
            if option["value"] != ""
        ]

    county = labels(tree.county_staff)
    assert county[0] == tree.county.name  # the top of the user's subtree, not indented
    assert f"{INDENT}{tree.a.name}" in county
    assert f"{INDENT * 2}{tree.a1.name}" in county
    town = labels(tree.town_a)
    assert town[0] == tree.a.name and f"{INDENT}{tree.a1.name}" in town
    assert not any(tree.b.name in label for label in town)  # another township's: absent
    assert "zh-CN.js" in str(OrgTreeSelect().media)
