"""The application form follows the case: the campaign says which fields it asks for, the
recipient is found by name or number within the clerk's subtree and shown with their union and
hardship category, and the campaign's standard is offered as the amount."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gonghui.assistance.models import Grant, HardshipFile
from gonghui.assistance.selectors import person_lookup
from tests.aid import build_aid

LOOKUP = "admin:assistance_grant_lookup"


@pytest.fixture
def aid(tree):
    return build_aid(tree)


def test_the_lookup_says_what_the_campaign_asks_and_who_the_recipient_is(tree, aid):
    clerk = tree.clerk_a1
    school = person_lookup(clerk, aid.school)
    assert school["school"] is True and school["groups"] is False and school["people"] == []
    winter = person_lookup(clerk, aid.winter, text="职工")
    assert winter["school"] is False and winter["groups"] is True
    # 职工1–4 are 甲公司's; 乙公司's 职工11–13 are outside the clerk's subtree.
    assert [p["name"] for p in winter["people"]] == ["职工1", "职工2", "职工3", "职工4"]
    assert winter["standard"] is None  # four people: no one to set a standard for
    first = winter["people"][0]
    assert "*" in first["id_number"] and first["org"] == tree.a1.name
    file = HardshipFile.objects.get(applicant=aid.a_people[0])
    assert first["note"] == file.get_category_display()  # the open file's category
    one = person_lookup(clerk, aid.winter, person_pk=first["id"])
    assert [p["name"] for p in one["people"]] == ["职工1"]
    # 职工1's file is of deep hardship: the winter campaign's standard for it applies.
    assert file.category == "deep" and one["standard"] == "2000.00"
    # No file: 职工4 is not on file, so no category standard; the school campaign's
    # standard goes by school level.
    assert person_lookup(clerk, aid.winter, text="职工4")["people"][0]["note"] == "未建档"
    by_level = person_lookup(clerk, aid.school, text="职工4", school_level="high_school")
    assert by_level["standard"] == "2000.00"
    # Outside the subtree: nobody, whether by name or by number.
    assert person_lookup(clerk, aid.winter, text="职工11")["people"] == []
    b_person = aid.b_people[0]
    assert person_lookup(clerk, aid.winter, person_pk=b_person.pk)["people"] == []
    assert person_lookup(tree.town_b, aid.winter, text="职工11")["people"][0]["name"] == ("职工11")


def test_the_lookup_page_answers_json_without_caching_and_odd_input_plainly(tree, aid, client):
    client.force_login(tree.clerk_a1)
    answer = client.get(reverse(LOOKUP), {"campaign": aid.winter.pk, "who": "职工2"})
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    assert answer.json()["people"][0]["name"] == "职工2" and answer.json()["groups"] is True
    # A campaign that is no number ("x", a superscript two) or not the user's: the people are
    # still found, and no campaign's fields are asked for.
    for campaign in ("x", "²", "99999999999999999999", str(aid.winter.pk + 999)):
        odd = client.get(reverse(LOOKUP), {"campaign": campaign, "who": "职工2", "person": "²"})
        assert odd.status_code == 200, campaign
        assert odd.json()["people"][0]["name"] == "职工2" and odd.json()["groups"] is False


def test_a_recipient_picked_by_name_is_saved_and_a_vague_name_is_refused(tree, aid, client):
    client.force_login(tree.clerk_a1)
    base = {
        "campaign": aid.winter.pk,
        "org": tree.a1.pk,
        "cash_amount": "800",
        "eligibility_group": "",
    }
    vague = client.post(reverse("admin:assistance_grant_new"), {**base, "id_number_text": "职工"})
    assert vague.status_code == 200 and "请从名单中点选会员" in vague.content.decode()
    nobody = client.post(
        reverse("admin:assistance_grant_new"), {**base, "id_number_text": "职工11"}
    )
    assert "没有与“职工11”相符的会员" in nobody.content.decode()
    assert not Grant.objects.exists()
    # Part of a name is never enough, even when it finds only one member.
    part = client.post(reverse("admin:assistance_grant_new"), {**base, "id_number_text": "工2"})
    assert "请从名单中点选会员" in part.content.decode() and not Grant.objects.exists()
    # One member of exactly that name: taken; a member picked from the list: taken by number.
    client.post(reverse("admin:assistance_grant_new"), {**base, "id_number_text": "职工2"})
    picked = aid.a_people[2]
    client.post(
        reverse("admin:assistance_grant_new"),
        {**base, "id_number_text": picked.name, "person": picked.pk},
    )
    assert sorted(g.person.name for g in Grant.objects.all()) == ["职工2", "职工3"]
    # A picked number outside the subtree is refused like an unknown one.
    outside = client.post(
        reverse("admin:assistance_grant_new"),
        {**base, "id_number_text": "x", "person": aid.b_people[0].pk},
    )
    assert outside.status_code == 200 and Grant.objects.count() == 2


def test_the_file_form_computes_income_per_head_and_category_as_the_rule_does(tree, aid, client):
    from gonghui.assistance.selectors import file_assessment

    clerk, org = tree.clerk_a1, tree.a1.pk
    # 3 people, 30,000 a year, 6,000 of medical costs: (30000 − 6000) ÷ 12 ÷ 3 = 666.67 < 720.
    deep = file_assessment(clerk, org, "3", "30000", ["6000", "", "", ""])
    assert deep == {
        "per_capita": "666.67",
        "line": "720.00",
        "category": "deep",
        "label": "深度困难",
    }
    relative = file_assessment(clerk, org, "3", "30000", [])
    assert relative["category"] == "relative" and relative["per_capita"] == "833.33"
    above = file_assessment(clerk, org, "1", "30000", [])
    assert above["category"] == "" and above["label"] == ""
    accident = file_assessment(clerk, org, "1", "30000", [], accident=True)
    assert accident["category"] == "accident"
    # Half-typed or foreign: no answer rather than an error.
    assert file_assessment(clerk, org, "", "30000") == {"missing": True}
    assert file_assessment(clerk, org, "3", "三万") == {"missing": True}
    assert file_assessment(clerk, tree.b1.pk, "3", "30000") == {"missing": True}
    assert file_assessment(clerk, org, "0", "30000") == {"missing": True}
    for income in ("1e30", "NaN", "Infinity", "-1e30"):
        assert file_assessment(clerk, org, "3", income) == {"missing": True}, income
    assert file_assessment(clerk, "²", "3", "30000") == {"missing": True}
    # No local line on that day: the rule's own refusal.
    early = file_assessment(clerk, org, "3", "30000", on=__import__("datetime").date(2025, 6, 1))
    assert "530524" in early["refused"] and "2025-06-01" in early["refused"]

    client.force_login(clerk)
    page = client.get(reverse("admin:assistance_hardshipfile_new"))
    assert page.status_code == 200 and 'data-testid="assessment"' in page.content.decode()
    answer = client.get(
        reverse("admin:assistance_hardshipfile_assess"),
        {"org": org, "household_size": "3", "annual_income": "30000", "expense_illness": "6000"},
    ).json()
    assert answer["label"] == "深度困难"


def test_the_file_form_picks_its_applicant_the_same_way(tree, aid, client):
    from gonghui.assistance.models import HardshipFile

    client.force_login(tree.clerk_a1)
    answer = client.get(
        reverse("admin:assistance_hardshipfile_lookup"), {"who": "职工4", "person": "x"}
    ).json()
    # 职工4 has no file yet: the note says so before the clerk opens one.
    assert [(p["name"], p["note"]) for p in answer["people"]] == [("职工4", "未建档")]
    picked = aid.a_people[3]
    form = {
        "id_number_text": picked.name,
        "person": picked.pk,
        "org": tree.a1.pk,
        "household_size": "3",
        "annual_income": "24000",
        "filing_level": "county",
    }
    saved = client.post(reverse("admin:assistance_hardshipfile_new"), form)
    assert saved.status_code == 302
    assert HardshipFile.objects.get(applicant=picked).category == "deep"
    # Another township's member, picked by number: refused like an unknown one, no file.
    other = aid.b_people[2]
    refused = client.post(
        reverse("admin:assistance_hardshipfile_new"), {**form, "person": other.pk}
    )
    assert refused.status_code == 200 and not HardshipFile.objects.filter(applicant=other)
    # 乙镇's staff asking for 甲公司's member by name: nobody, on either form's lookup.
    client.force_login(tree.town_b)
    for name in ("admin:assistance_grant_lookup", "admin:assistance_hardshipfile_lookup"):
        assert client.get(reverse(name), {"who": "职工4"}).json()["people"] == []
