"""What an attacker and a careless day found in the landed platform (issue 10), each as a
specification that failed before its fix."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gonghui.core.errors import NotFound
from gonghui.members import services as member_services
from gonghui.members.models import Membership, Person
from tests.conftest import snapshot
from tests.rosters import id_number

A_ID = id_number(datetime.date(1984, 4, 4), 41)
B_ID = id_number(datetime.date(1985, 5, 5), 52)


@pytest.fixture
def people(tree):
    a = member_services.member_register(
        actor=None,
        org=tree.a1,
        id_number=A_ID,
        name="甲会员",
        phone="13911112222",
        joined_on=datetime.date(2020, 1, 1),
    )
    b = member_services.member_register(
        actor=None,
        org=tree.b1,
        id_number=B_ID,
        name="乙会员",
        joined_on=datetime.date(2020, 1, 1),
    )
    return a.person, b.person


# -- 2. a member can be edited -------------------------------------------------------------------


def test_a_clerk_corrects_a_members_particulars_through_the_service(tree, people):
    person = member_services.person_update(
        actor=tree.clerk_a1,
        person=people[0],
        changes={"name": "甲会员改", "education": "bachelor", "phone": "13900001111"},
    )
    person.refresh_from_db()
    assert (person.name, person.name_initials, person.education) == ("甲会员改", "jhyg", "bachelor")
    assert person.phone_last4 == "1111"


def test_a_person_without_a_membership_row_is_refused_as_missing(tree, people):
    with pytest.raises(NotFound):
        member_services.person_update(
            actor=tree.town_b, person=people[0], changes={"name": "别人改的"}
        )
    assert Person.objects.get(pk=people[0].pk).name == "甲会员"


def test_the_member_form_saves(client, tree, people):
    client.force_login(tree.clerk_a1)
    url = reverse("admin:members_person_change", args=[people[0].pk])
    page = client.get(url)
    assert page.status_code == 200
    answer = client.post(
        url,
        {
            "name": "甲会员",
            "new_phone": "",
            "card_number": people[0].card_number,
            "ethnicity": "汉族",
            "education": "college",
            "political_status": "",
            "hukou_type": "",
            "is_migrant_worker": "on",
            "new_employment_category": "",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    person = Person.objects.get(pk=people[0].pk)
    assert (person.ethnicity, person.education, person.is_migrant_worker) == (
        "汉族",
        "college",
        True,
    )


def test_a_card_number_of_another_member_is_explained_on_the_form(client, tree, people):
    client.force_login(tree.county_staff)
    url = reverse("admin:members_person_change", args=[people[0].pk])
    before = snapshot(Person, Membership)
    answer = client.post(
        url,
        {"name": "甲会员", "new_phone": "", "card_number": people[1].card_number},
    )
    assert answer.status_code == 200
    assert answer.context["adminform"].form.errors["card_number"]
    assert snapshot(Person, Membership) == before
    with pytest.raises(ValidationError):
        member_services.person_update(
            actor=tree.county_staff,
            person=people[0],
            changes={"card_number": people[1].card_number},
        )


# -- 9. the user page for view-only staff ----------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "county_staff"])
def test_every_user_record_opens_for_every_role_that_lists_users(client, tree, role):
    from gonghui.accounts.models import User

    actor = getattr(tree, role)
    client.force_login(actor)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    for user in User.objects.all():
        page = client.get(reverse("admin:accounts_user_change", args=[user.pk]))
        assert page.status_code == 200, (role, user.username)
        if role == "county_staff":  # sees the account, cannot reset its password
            assert "new_password" not in page.content.decode()


# -- 8. a township cannot drop the target the county set for it -----------------------------------


def test_a_township_cannot_delete_its_own_target_by_service_or_page(client, tree):
    from django.core.exceptions import ValidationError

    from gonghui.reports import services as report_services
    from gonghui.reports.models import Target

    target = report_services.target_set(
        actor=tree.county_staff, org=tree.a, indicator="members.current", year=2026, value=100
    )
    with pytest.raises(ValidationError):
        report_services.target_delete(actor=tree.town_a, target=target)
    client.force_login(tree.town_a)
    url = reverse("admin:reports_target_delete", args=[target.pk])
    client.post(url, {"post": "yes"})
    client.post(
        reverse("admin:reports_target_changelist"),
        {"action": "delete_selected", "_selected_action": [target.pk], "post": "yes"},
    )
    assert Target.objects.filter(pk=target.pk).exists()
    # The county withdraws it.
    report_services.target_delete(actor=tree.county_staff, target=target)
    assert not Target.objects.filter(pk=target.pk).exists()
