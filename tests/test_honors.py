"""Honours (劳模与荣誉): honours and rounds, quotas, nominations through their workflow (quota
held under two recommendations at once), honours conferred, the register, the import, the
figures and the report's sentence, and the back office as each role."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from gonghui.core.errors import DomainError, NotFound
from gonghui.honors import selectors, services
from gonghui.honors.models import (
    Honor,
    HonorAward,
    HonorKind,
    HonorLevel,
    HonorNomination,
    HonorQuota,
    ModelWorker,
)
from gonghui.members.services import member_register
from tests.conftest import snapshot
from tests.rosters import id_number

TODAY = datetime.date(2026, 10, 20)
DEEDS = "扎根一线二十年，带领班组攻克技术难题十余项，为企业节约成本一百余万元。"
K, L = HonorKind, HonorLevel


def member(org, n):
    return member_register(
        actor=None,
        org=org,
        id_number=id_number(datetime.date(1980, 1, 1) + datetime.timedelta(days=n), 200 + n),
        name=f"劳模{n}",
        joined_on=datetime.date(2020, 1, 1),
    ).person


def a_round(tree, places=3, **more):
    return services.honor_create(
        actor=tree.county_staff,
        kind=K.MAY_DAY_MEDAL,
        level=L.CITY,
        conferring_body="保山市总工会",
        year=2026,
        org=tree.county,
        nominations_open=True,
        places=places,
        notice_days=5,
        objection_contact="县总工会 0875-1234567",
        **more,
    )


def nominate(tree, honor, person, org=None, actor=None, **more):
    return services.nomination_create(
        actor=actor or tree.clerk_a1,
        honor=honor,
        org=org or tree.a1,
        person=person,
        deeds=DEEDS,
        **more,
    )


def walk(tree, nomination, *steps, today=TODAY):
    actors = {
        "submit": tree.clerk_a1 if nomination.org_id == tree.a1.pk else tree.county_staff,
        "review": tree.town_a if nomination.org.path.startswith(tree.a.path) else tree.town_b,
    }
    for step in steps:
        nomination = services.nomination_transition(
            actor=actors.get(step, tree.county_staff),
            nomination=nomination,
            step=step,
            reason="理由" if step in ("reject", "withdraw", "not_confer") else "",
            today=today,
        )
    return nomination


# -- honours and quotas ------------------------------------------------------------------------


def test_an_honour_is_kept_by_a_federation_and_named_where_its_kind_needs_a_title(tree):
    honor = a_round(tree)
    assert str(honor) == "2026年保山市总工会五一劳动奖章"
    with pytest.raises(DomainError, match="称号"):
        services.honor_create(
            actor=tree.county_staff,
            kind=K.CRAFTSMAN,
            level=L.CITY,
            conferring_body="保山市人民政府",
            year=2026,
            org=tree.county,
        )
    with pytest.raises(DomainError, match="县级及以上"):
        services.honor_create(
            actor=None, kind=K.PIONEER, level=L.CITY, conferring_body="x", year=2026, org=tree.a
        )
    with pytest.raises(DomainError, match="已登记"):
        a_round(tree)
    with pytest.raises(DomainError, match="年度"):
        services.honor_create(
            actor=None,
            kind=K.PIONEER,
            level=L.CITY,
            conferring_body="x",
            year=2999,
            org=tree.county,
        )
    with pytest.raises(PermissionDenied):
        services.honor_create(
            actor=tree.town_a,
            kind=K.PIONEER,
            level=L.CITY,
            conferring_body="x",
            year=2026,
            org=tree.county,
        )
    changed = services.honor_update(actor=tree.county_staff, honor=honor, changes={"places": 4})
    assert changed.places == 4
    services.honor_delete(actor=tree.county_staff, honor=changed)
    assert not Honor.objects.exists()


def test_quotas_go_beneath_the_keeper_and_never_add_up_past_its_places(tree):
    honor = a_round(tree, places=3)
    quota = services.quota_set(actor=tree.county_staff, honor=honor, org=tree.a, places=2)
    before = snapshot(HonorQuota)
    for org, places, said in (
        (tree.b, 2, "超过"),
        (tree.county, 1, "下级"),
        (tree.b, -1, "负数"),
    ):
        with pytest.raises(DomainError, match=said):
            services.quota_set(actor=tree.county_staff, honor=honor, org=org, places=places)
    with pytest.raises(PermissionDenied):
        services.quota_set(actor=tree.town_a, honor=honor, org=tree.a1, places=1)
    assert snapshot(HonorQuota) == before
    quota = services.quota_update(actor=tree.county_staff, quota=quota, changes={"places": 1})
    assert quota.places == 1
    services.quota_set(actor=tree.county_staff, honor=honor, org=tree.b, places=2)
    assert selectors.quotas_visible_to(tree.town_a).count() == 1
    assert selectors.quotas_visible_to(tree.county_staff).count() == 2
    services.quota_delete(actor=tree.county_staff, quota=quota)
    assert HonorQuota.objects.count() == 1


# -- nominations ---------------------------------------------------------------------------


def test_a_nomination_goes_from_the_grassroots_to_the_award_and_the_register(tree):
    honor = a_round(tree)
    services.quota_set(actor=tree.county_staff, honor=honor, org=tree.a, places=1)
    person = member(tree.a1, 1)
    n = nominate(tree, honor, person, workplace="甲公司 班组长", is_front_line=True)
    progress = selectors.nomination_progress(tree.clerk_a1, n)
    assert [s.name for s in progress["steps"]] == ["submit", "withdraw"]
    assert "甲公司工会委员会" in progress["next"]
    n = walk(tree, n, "submit")
    with pytest.raises(PermissionDenied):
        services.nomination_transition(actor=tree.clerk_a1, nomination=n, step="review")
    with pytest.raises(PermissionDenied):
        services.nomination_transition(actor=tree.town_a, nomination=n, step="recommend")
    with pytest.raises(NotFound):
        services.nomination_transition(actor=tree.town_b, nomination=n, step="review")
    n = walk(tree, n, "review", "recommend", "notice")
    assert n.notice_ends_on == TODAY + datetime.timedelta(days=5)
    waiting = selectors.nomination_progress(tree.county_staff, n, TODAY)["waiting"]
    assert len(waiting) == 1 and waiting[0].startswith("公示期满（")  # words, for the step bar
    with pytest.raises(DomainError, match="公示期满"):
        walk(tree, n, "forward")
    n = services.nomination_record_objection(
        actor=tree.county_staff, nomination=n, text="有群众反映材料有误，经核实不属实", today=TODAY
    )
    assert "2026-10-20" in n.objections
    with pytest.raises(DomainError):
        services.nomination_record_objection(actor=tree.county_staff, nomination=n, text=" ")
    n = walk(tree, n, "forward", today=TODAY + datetime.timedelta(days=5))
    n = walk(tree, n, "confer", today=TODAY + datetime.timedelta(days=9))
    award = HonorAward.objects.get(nomination=n)
    assert award.person == person and award.conferred_on == TODAY + datetime.timedelta(days=9)
    # A May Day medal does not put anyone on the register of model workers.
    assert not ModelWorker.objects.exists()
    with pytest.raises(DomainError, match="只有公示中"):
        services.nomination_record_objection(actor=tree.county_staff, nomination=n, text="x")


def test_nominations_are_refused_for_closed_rounds_wrong_unions_thin_deeds_and_twice(tree):
    honor = a_round(tree)
    person = member(tree.a1, 1)
    other = member(tree.b1, 2)
    before = snapshot(HonorNomination)
    with pytest.raises(DomainError, match="事迹"):
        services.nomination_create(
            actor=tree.clerk_a1, honor=honor, org=tree.a1, person=person, deeds="很好"
        )
    with pytest.raises(DomainError, match="不是本工会"):
        nominate(tree, honor, other)
    with pytest.raises(NotFound):
        nominate(tree, honor, other, org=tree.b1)
    closed = services.honor_update(
        actor=tree.county_staff, honor=honor, changes={"nominations_open": False}
    )
    with pytest.raises(DomainError, match="不接受推荐"):
        nominate(tree, closed, person)
    assert snapshot(HonorNomination) == before
    honor = services.honor_update(
        actor=tree.county_staff, honor=closed, changes={"nominations_open": True}
    )
    nominate(tree, honor, person)
    with pytest.raises(DomainError, match="已被推荐"):
        nominate(tree, honor, person)
    # A person who is not a member is nominated by name and ID number, kept encrypted.
    outsider = nominate(
        tree, honor, None, id_number=id_number(datetime.date(1970, 5, 5), 9), name="王外"
    )
    assert (
        outsider.person is None and outsider.id_last4 and b"1970" not in bytes(outsider.id_number)
    )
    with pytest.raises(DomainError, match="姓名"):
        nominate(tree, honor, None, id_number=id_number(datetime.date(1970, 5, 6), 9))
    with pytest.raises(DomainError, match="身份证"):
        nominate(tree, honor, None, id_number="123", name="王某")
    # A unit's honour takes the unit's name.
    pioneer = services.honor_create(
        actor=None,
        kind=K.PIONEER,
        level=L.CITY,
        conferring_body="保山市总工会",
        year=2026,
        org=tree.county,
        nominations_open=True,
    )
    team = nominate(tree, pioneer, None, name="甲公司检修班")
    assert team.name == "甲公司检修班" and not team.is_person
    with pytest.raises(DomainError, match="集体"):
        nominate(tree, pioneer, None, name="甲公司检修班")
    with pytest.raises(DomainError, match="名称"):
        nominate(tree, pioneer, None)
    # The township names the employer from its list; another township's is not there.
    unit = nominate(tree, pioneer, None, org=tree.a, actor=tree.town_a, employer=tree.emp_a)
    assert unit.name == "甲公司" and unit.employer == tree.emp_a
    with pytest.raises(NotFound):
        nominate(tree, pioneer, None, org=tree.a, actor=tree.town_a, employer=tree.emp_b)
    # A township's own nomination is reviewed above it, not by itself.
    walk(tree, unit, "submit")
    with pytest.raises(DomainError, match="上级工会办理"):
        services.nomination_transition(actor=tree.town_a, nomination=unit, step="review")
    updated = services.nomination_update(
        actor=tree.clerk_a1, nomination=team, changes={"workplace": "甲公司"}
    )
    assert updated.workplace == "甲公司"
    with pytest.raises(DomainError):
        services.nomination_update(actor=tree.clerk_a1, nomination=team, changes={"name": "x"})


def test_a_quota_is_not_exceeded_and_the_structure_warns(tree):
    honor = a_round(tree, places=3, min_front_line_pct=50, max_cadre_pct=20)
    services.quota_set(actor=tree.county_staff, honor=honor, org=tree.a, places=1)
    first = walk(tree, nominate(tree, honor, member(tree.a1, 1), is_cadre=True), "submit", "review")
    second = walk(tree, nominate(tree, honor, member(tree.a1, 2)), "submit", "review")
    board = selectors.round_structure(honor, adding=[first])
    assert board.placed == 1 and len(board.warnings) == 2
    assert "一线职工0人" in board.warnings[0] and "高于" in board.warnings[1]
    walk(tree, first, "recommend")
    with pytest.raises(DomainError, match="名额为1"):
        walk(tree, second, "recommend")
    assert selectors.quota_board(tree.county_staff, honor) == [
        {"org": "甲镇总工会", "places": 1, "used": 1, "nominated": 2}
    ]
    # Without a quota of its own, a union under a round with quotas has no place.
    outsider = walk(
        tree,
        nominate(tree, honor, member(tree.b1, 3), org=tree.b1, actor=tree.county_staff),
        "submit",
        "review",
    )
    with pytest.raises(DomainError, match="没有这项荣誉的推荐名额"):
        walk(tree, outsider, "recommend")


@pytest.mark.django_db(transaction=True)
def test_two_recommendations_at_once_take_one_last_place():
    from tests.conftest import build_tree

    tree = build_tree()
    honor = a_round(tree, places=1)
    ready = [
        walk(tree, nominate(tree, honor, member(tree.a1, n)), "submit", "review") for n in (1, 2)
    ]
    barrier = threading.Barrier(2)
    outcomes = []

    def recommend(n):
        try:
            barrier.wait()
            services.nomination_transition(actor=tree.county_staff, nomination=n, step="recommend")
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=recommend, args=(n,)) for n in ready]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1
    assert any("名额已用完" in said for said in outcomes), outcomes
    assert HonorNomination.objects.filter(status="recommended").count() == 1


def test_steps_for_several_at_once_are_all_or_none_and_the_waiting_lists_match(tree):
    honor = a_round(tree, places=5)
    people = [member(tree.a1, n) for n in (1, 2, 3)]
    drafts = [nominate(tree, honor, p) for p in people]
    assert selectors.nominations_waiting(tree.clerk_a1, "nominations.draft", TODAY).count() == 3
    services.nominations_take_step(actor=tree.clerk_a1, nominations=drafts[:2], step="submit")
    assert selectors.nominations_waiting(tree.town_a, "nominations.review", TODAY).count() == 2
    assert selectors.nominations_waiting(tree.town_b, "nominations.review", TODAY).count() == 0
    mixed = list(HonorNomination.objects.order_by("pk"))
    before = snapshot(HonorNomination)
    with pytest.raises(DomainError, match="劳模3"):
        services.nominations_take_step(actor=tree.town_a, nominations=mixed, step="review")
    assert snapshot(HonorNomination) == before
    services.nominations_take_step(actor=tree.town_a, nominations=mixed[:2], step="review")
    waiting = selectors.nominations_waiting(tree.county_staff, "nominations.recommend", TODAY)
    assert waiting.count() == 2
    for key in ("nominations.notice", "nominations.noticed", "nominations.decide"):
        assert not selectors.nominations_waiting(tree.county_staff, key, TODAY).exists()
    walk(tree, mixed[0], "reject")
    assert selectors.nominations_waiting(tree.clerk_a1, "nominations.returned", TODAY).count() == 1
    assert not selectors.nominations_waiting(tree.clerk_a1, "nope", TODAY).exists()


def test_the_public_notice_masks_names_and_says_where_objections_go(tree):
    honor = a_round(tree)
    n = walk(tree, nominate(tree, honor, member(tree.a1, 1)), "submit", "review", "recommend")
    walk(tree, n, "notice")
    notice = selectors.notice_of(tree.county_staff, honor, today=TODAY)
    assert notice.rows[0]["cells"][1] == "劳**"
    assert notice.rows[0]["cells"][2].startswith("5305") and "*" in notice.rows[0]["cells"][2]
    assert notice.period == "2026年10月20日至2026年10月25日"
    assert notice.objections == "县总工会 0875-1234567"
    assert selectors.notice_of(tree.town_b, honor).rows == []


# -- honours conferred and the register --------------------------------------------------------


def test_awards_put_model_workers_on_the_register_once_at_their_highest_level(tree):
    person = member(tree.a1, 1)
    county_mw = services.honor_create(
        actor=None,
        kind=K.MODEL_WORKER,
        level=L.COUNTY,
        conferring_body="县政府",
        year=2015,
        org=tree.county,
        conferred_on=datetime.date(2015, 4, 28),
    )
    city_mw = services.honor_create(
        actor=None,
        kind=K.MODEL_WORKER,
        level=L.CITY,
        conferring_body="市政府",
        year=2020,
        org=tree.county,
        conferred_on=datetime.date(2020, 4, 28),
    )
    services.award_record(actor=tree.county_staff, honor=county_mw, org=tree.a1, person=person)
    services.award_record(actor=tree.county_staff, honor=city_mw, org=tree.a1, person=person)
    worker = ModelWorker.objects.get()
    assert worker.level == L.CITY and worker.first_year == 2015
    with pytest.raises(DomainError, match="已登记"):
        services.award_record(actor=tree.county_staff, honor=city_mw, org=tree.a1, person=person)
    # Someone outside the registry: by name and ID number, on the register too.
    services.award_record(
        actor=tree.county_staff,
        honor=city_mw,
        org=tree.b,
        id_number=id_number(datetime.date(1950, 1, 1), 7),
        name="老劳模",
    )
    assert ModelWorker.objects.count() == 2
    with pytest.raises(DomainError, match="晚于今天"):
        services.award_record(
            actor=tree.county_staff,
            honor=city_mw,
            org=tree.a1,
            person=member(tree.a1, 2),
            conferred_on=datetime.date(2099, 1, 1),
        )
    with pytest.raises(PermissionDenied):
        services.award_record(actor=tree.clerk_a1, honor=city_mw, org=tree.a1, person=person)
    award = HonorAward.objects.get(name="老劳模")
    award = services.award_update(actor=tree.county_staff, award=award, changes={"note": "退休"})
    assert award.note == "退休"
    with pytest.raises(DomainError):
        services.award_update(actor=tree.county_staff, award=award, changes={"name": "x"})
    services.award_delete(actor=tree.county_staff, award=award)
    assert HonorAward.objects.count() == 2


def test_the_register_is_kept_and_verified_by_the_unions_beneath(tree):
    honor = services.honor_create(
        actor=None,
        kind=K.MODEL_WORKER,
        level=L.CITY,
        conferring_body="市政府",
        year=2020,
        org=tree.county,
        conferred_on=datetime.date(2020, 4, 28),
    )
    for n, org in ((1, tree.a1), (2, tree.b1)):
        services.award_record(actor=None, honor=honor, org=org, person=member(org, n))
    mine = selectors.model_workers_visible_to(tree.clerk_a1)
    assert mine.count() == 1
    waiting = selectors.model_workers_waiting(tree.clerk_a1, "register.verify", TODAY)
    assert waiting.count() == 1
    everyone = list(ModelWorker.objects.all())
    with pytest.raises(NotFound):
        services.model_workers_verify(actor=tree.clerk_a1, workers=everyone, year=2026)
    assert services.model_workers_verify(actor=tree.clerk_a1, workers=list(mine), year=2026) == 1
    assert not selectors.model_workers_waiting(tree.clerk_a1, "register.verify", TODAY).exists()
    with pytest.raises(DomainError, match="未到"):
        services.model_workers_verify(actor=tree.clerk_a1, workers=list(mine), year=2999)
    worker = mine.get()
    with pytest.raises(DomainError, match="去世日期"):
        services.model_worker_update(
            actor=tree.clerk_a1, worker=worker, changes={"living": "deceased"}
        )
    worker = services.model_worker_update(
        actor=tree.clerk_a1,
        worker=worker,
        changes={"employment": "retired", "in_hardship": True},
    )
    assert worker.employment == "retired" and worker.in_hardship
    with pytest.raises(DomainError):
        services.model_worker_update(
            actor=tree.clerk_a1, worker=worker, changes={"level": "national"}
        )


# -- figures and the report ----------------------------------------------------------------------


def test_the_year_s_honours_are_figures_and_the_report_says_them_in_the_seeds_words(tree):
    from gonghui.reports.registry import all_indicators
    from gonghui.reports.summary import work_report

    start, end = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
    day = datetime.date(2026, 4, 28)

    def honor(kind, level, title="", body="保山市总工会"):
        return services.honor_create(
            actor=None,
            kind=kind,
            level=level,
            title=title,
            conferring_body=body,
            year=2026,
            org=tree.county,
            conferred_on=day,
        )

    n = iter(range(1, 100))
    for kind, level, count in (
        (K.MODEL_WORKER, L.PROVINCIAL, 1),
        (K.MODEL_WORKER, L.CITY, 2),
        (K.MAY_DAY_MEDAL, L.CITY, 2),
    ):
        h = honor(kind, level)
        for _i in range(count):
            services.award_record(actor=None, honor=h, org=tree.a1, person=member(tree.a1, next(n)))
    craftsman = honor(K.CRAFTSMAN, L.CITY, title="保山工匠", body="保山市人民政府")
    services.award_record(actor=None, honor=craftsman, org=tree.b1, person=member(tree.b1, 50))
    services.award_record(
        actor=None, honor=honor(K.PIONEER, L.CITY), org=tree.a1, name="甲公司检修班"
    )
    services.award_record(
        actor=None,
        honor=honor(K.MODEL_SMALL_HOME, L.NATIONAL, body="中华全国总工会"),
        org=tree.b1,
        name="乙公司外科工会小组",
    )
    registry = all_indicators()
    assert registry["honors.kind.model_worker"].value(tree.county, start, end) == 3
    assert registry["honors.persons"].value(tree.county, start, end) == 6
    assert registry["honors.units"].value(tree.county, start, end) == 2
    assert registry["honors.register"].value(tree.county, start, end) == 3
    assert registry["honors.register.city"].value(tree.county, start, end) == 2
    assert registry["honors.kind.model_worker"].value(tree.b, start, end) == 0
    words = selectors.conferred_words(tree.county, start, end)
    assert words["model_worker"]["levels"] == ["provincial", "city"]
    text = work_report(tree.county_staff, tree.county, start, end).body()
    assert (
        "共选树省市级劳模3人，市级五一劳动奖章2人，市级工人先锋号1个，保山工匠1人；"
        "乙公司外科工会小组被中华全国总工会命名为模范职工小家。"
    ) in text
    assert "在册劳模3人，其中省级劳模1人、市级劳模2人" in text
    # Every figure of the area opens the records behind it, with the figure as their total.
    from django.test import Client

    from tests.test_drilldown import query

    client = Client()
    client.force_login(tree.county_staff)
    for key in [k for k in registry if k.startswith("honors.") and not k.startswith("honors.care")]:
        page = client.get(reverse("reports_records"), query(tree.county, key))
        assert page.status_code == 200, key
        assert page.context["value"] == registry[key].value(tree.county, start, end), key
        assert len(page.context.get("rows", [])) == page.context["value"], key


# -- the honour roll import ----------------------------------------------------------------------

ROLL_HEADER = [
    "姓名",
    "身份证号",
    "荣誉类别",
    "级别",
    "授予机关",
    "称号",
    "年度",
    "授予日期",
    "所在工会",
    "工作单位",
]


def write_roll(path, rows):
    import csv

    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["青山县历年劳模名册"])
        writer.writerow(ROLL_HEADER)
        writer.writerows(rows)
    return path


def test_the_honour_roll_comes_in_matched_to_members_and_refuses_what_is_wrong(tree, tmp_path):
    from gonghui.core.imports.engine import Mode, run_import
    from gonghui.honors.imports import HonorRollSpec

    mine = member(tree.a1, 1)
    elsewhere = member(tree.b1, 2)  # a member, but not under 甲镇: recorded as a person only
    mine_id = id_number(datetime.date(1980, 1, 2), 201)
    elsewhere_id = id_number(datetime.date(1980, 1, 3), 202)
    rows = [
        [
            "劳模1",
            mine_id,
            "劳模",
            "市级",
            "保山市人民政府",
            "",
            "2020",
            "2020-04-28",
            "QS-A-1",
            "甲公司 班长",
        ],
        ["劳模2", elsewhere_id, "劳动模范", "县级", "青山县人民政府", "", "2018", "", "QS-A", ""],
        [
            "甲公司检修班",
            "",
            "工人先锋号",
            "省部级",
            "云南省总工会",
            "",
            "2022",
            "2022-04-28",
            "QS-A-1",
            "",
        ],
        [
            "张匠",
            id_number(datetime.date(1975, 3, 3), 5),
            "工匠",
            "市级",
            "保山市人民政府",
            "保山工匠",
            "2023",
            "2023.5.1",
            "",
            "",
        ],
        # Refused: the wrong level word, a unit with an ID number, a future year, a craftsman
        # without the title, the same honour twice, a bad ID number.
        [
            "错级",
            id_number(datetime.date(1975, 3, 4), 5),
            "劳模",
            "乡级",
            "x",
            "",
            "2020",
            "",
            "",
            "",
        ],
        ["某班组", mine_id, "工人先锋号", "市级", "保山市总工会", "", "2021", "", "", ""],
        [
            "未来",
            id_number(datetime.date(1975, 3, 5), 5),
            "劳模",
            "市级",
            "x",
            "",
            "2099",
            "",
            "",
            "",
        ],
        [
            "无称号",
            id_number(datetime.date(1975, 3, 6), 5),
            "工匠",
            "市级",
            "x",
            "",
            "2023",
            "",
            "",
            "",
        ],
        [
            "劳模1",
            mine_id,
            "劳模",
            "市级",
            "保山市人民政府",
            "",
            "2020",
            "2020-04-28",
            "QS-A-1",
            "",
        ],
        ["坏号", "530524197503071234", "劳模", "市级", "x", "", "2020", "", "", ""],
    ]
    path = write_roll(tmp_path / "劳模名册.csv", rows)
    before = snapshot(HonorAward, ModelWorker, Honor)
    refused = run_import(HonorRollSpec(), path, actor=tree.town_a, org=tree.a)
    assert refused.fatal and "县级及以上" in refused.fatal
    whole = run_import(HonorRollSpec(), path, actor=tree.county_staff, org=tree.county)
    assert whole.rejected == 6 and snapshot(HonorAward, ModelWorker, Honor) == before
    found = {(p.row, p.column) for p in whole.problems}
    assert (7, "级别") in found and (8, "身份证号") in found and (9, "年度") in found
    assert (10, "称号") in found and (11, "姓名或名称") in found
    outcome = run_import(
        HonorRollSpec(), path, actor=tree.county_staff, org=tree.county, mode=Mode.PARTIAL
    )
    assert outcome.imported == 4, [p.message for p in outcome.problems]
    assert HonorAward.objects.get(person=mine).org == tree.a1
    stranger = HonorAward.objects.get(name="劳模2")
    assert stranger.person is None and stranger.id_last4 == elsewhere_id[-4:]
    assert elsewhere.pk not in HonorAward.objects.values_list("person", flat=True)
    assert ModelWorker.objects.count() == 2
    assert Honor.objects.get(kind="craftsman").title == "保山工匠"
    again = run_import(HonorRollSpec(), path, actor=tree.county_staff, org=tree.county)
    assert again.conflicts >= 4


@pytest.mark.django_db(transaction=True)
def test_the_honour_roll_import_is_on_the_command_line(tmp_path):
    import json
    import subprocess
    import sys

    from tests.conftest import build_tree
    from tests.test_member_import import _cli_env

    build_tree()
    path = write_roll(
        tmp_path / "名册.csv",
        [
            [
                "李四",
                id_number(datetime.date(1970, 1, 1), 3),
                "劳模",
                "市级",
                "保山市人民政府",
                "",
                "2019",
                "",
                "",
                "",
            ],
            ["王五", "123", "劳模", "市级", "保山市人民政府", "", "2019", "", "", ""],
        ],
    )

    def run(*extra):
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "gonghui.cli",
                "import",
                "honors",
                str(path),
                "--org",
                "QS",
                "--json",
                *extra,
            ],
            capture_output=True,
            text=True,
            env=_cli_env(),
            timeout=120,
            check=False,
        )

    refused = run()
    assert refused.returncode == 1 and json.loads(refused.stdout)["rejected"] == 1
    assert not HonorAward.objects.exists()
    partial = run("--partial")
    assert json.loads(partial.stdout)["imported"] == 1
    assert ModelWorker.objects.get().name == "李四"


# -- the back office, as each role -------------------------------------------------------------


def test_the_approvals_page_walks_a_round_as_each_level_does(client, tree):
    honor = a_round(tree, places=2, min_front_line_pct=50)
    services.quota_set(actor=tree.county_staff, honor=honor, org=tree.a, places=1)
    n = walk(tree, nominate(tree, honor, member(tree.a1, 1)), "submit")
    url = reverse("admin:honors_honornomination_approvals")
    client.force_login(tree.town_b)
    page = client.get(url, {"tab": "nominations.review"})
    assert page.status_code == 200 and "劳模1" not in page.content.decode()
    client.post(url, {"tab": "nominations.review", "step": "review", "ids": [n.pk]})
    assert HonorNomination.objects.get(pk=n.pk).status == "submitted"
    client.force_login(tree.town_a)
    page = client.get(url, {"tab": "nominations.review"}).content.decode()
    assert (
        "劳模1" in page and "5305" in page and id_number(datetime.date(1980, 1, 2), 201) not in page
    )
    client.post(url, {"tab": "nominations.review", "step": "review", "ids": [n.pk]})
    assert HonorNomination.objects.get(pk=n.pk).status == "reviewed"
    client.force_login(tree.county_staff)
    page = client.get(url, {"honor": honor.pk}).content.decode()
    assert "甲镇总工会：名额1个，已推荐0个" in page
    answer = client.post(
        url,
        {"tab": "nominations.recommend", "honor": honor.pk, "step": "recommend", "ids": [n.pk]},
        follow=True,
    )
    said = [str(m) for m in answer.context["messages"]]
    assert any("一线职工0人" in m for m in said) and any("下一步：发布公示" in m for m in said), (
        said
    )
    client.post(url, {"tab": "nominations.notice", "step": "notice", "ids": [n.pk]})
    notice = client.get(reverse("admin:honors_honor_notice", args=[honor.pk])).content.decode()
    assert "劳*" in notice and "县总工会 0875-1234567" in notice
    export = client.get(reverse("admin:honors_honor_notice_export", args=[honor.pk]))
    assert export.status_code == 200 and export["Content-Disposition"].startswith("attachment")
    import io

    import python_calamine

    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(export.content))
    cells = sheet.get_sheet_by_index(0).to_python()
    assert "推荐人选的公示" in cells[0][0] and cells[3][2] == "劳**"
    waiting = client.post(
        url, {"tab": "nominations.noticed", "step": "forward", "ids": [n.pk]}, follow=True
    ).content.decode()
    assert "公示期满" in waiting
    change = client.get(reverse("admin:honors_honornomination_change", args=[n.pk]))
    assert change.status_code == 200 and "登记异议" in change.content.decode()
    client.post(
        reverse("admin:honors_honornomination_objection", args=[n.pk]), {"text": "经核实不属实"}
    )
    assert "经核实不属实" in HonorNomination.objects.get(pk=n.pk).objections
    client.post(
        reverse("admin:honors_honornomination_step", args=[n.pk]),
        {"step": "reject", "reason": "异议属实"},
    )
    assert HonorNomination.objects.get(pk=n.pk).status == "rejected"
    from gonghui.core.events import action_label

    # The event log says each step in the step's own words, from the workflow's table.
    assert action_label("honornomination.recommend") == "推荐对象：推荐"
    assert action_label("honornomination.confer") == "推荐对象：登记为已授予"
    assert action_label("honornomination.objection") == "推荐对象：登记公示异议"
    for name in ("honor", "honorquota", "honornomination", "honoraward", "modelworker"):
        listing = client.get(reverse(f"admin:honors_{name}_changelist"))
        assert listing.status_code == 200, name
    assert client.get(reverse("admin:honors_honor_change", args=[honor.pk])).status_code == 200


def test_the_forms_record_a_nomination_an_award_and_a_verification(client, tree):
    honor = a_round(tree)
    person = member(tree.a1, 1)
    client.force_login(tree.clerk_a1)
    add = reverse("admin:honors_honornomination_add")
    assert client.get(add).status_code == 200
    data = {
        "honor": honor.pk,
        "org": tree.a1.pk,
        "id_number_text": id_number(datetime.date(1980, 1, 2), 201),
        "name": "",
        "workplace": "班长",
        "deeds": DEEDS,
        "is_front_line": "on",
    }
    answer = client.post(add, data)
    import re

    assert answer.status_code == 302, re.findall(
        r"errorlist[^>]*>(.*?)</ul>", answer.content.decode(), re.S
    )
    saved = HonorNomination.objects.get()
    assert saved.person == person and saved.is_front_line
    again = client.post(add, data).content.decode()
    assert "已被推荐" in again and HonorNomination.objects.count() == 1
    client.force_login(tree.county_staff)
    mw = services.honor_create(
        actor=None,
        kind=K.MODEL_WORKER,
        level=L.CITY,
        conferring_body="保山市人民政府",
        year=2020,
        org=tree.county,
        conferred_on=datetime.date(2020, 4, 28),
    )
    award_add = reverse("admin:honors_honoraward_add")
    answer = client.post(
        award_add,
        {
            "honor": mw.pk,
            "org": tree.a1.pk,
            "conferred_on": "2020-04-28",
            "id_number_text": id_number(datetime.date(1980, 1, 2), 201),
            "name": "",
            "workplace": "",
            "note": "",
        },
    )
    assert answer.status_code == 302, answer.context["adminform"].form.errors
    assert ModelWorker.objects.filter(person=person).exists()
    refused = client.post(
        award_add,
        {
            "honor": mw.pk,
            "org": tree.a1.pk,
            "conferred_on": "2020-04-28",
            "id_number_text": "123",
            "name": "某人",
        },
    ).content.decode()
    assert "身份证" in refused and HonorAward.objects.count() == 1
    client.force_login(tree.clerk_a1)
    worker = ModelWorker.objects.get()
    changelist = reverse("admin:honors_modelworker_changelist")
    client.post(changelist, {"action": "verify_selected", "_selected_action": [worker.pk]})
    assert ModelWorker.objects.get().verified_year == timezone.localdate().year
    client.force_login(tree.town_b)
    assert (
        client.get(reverse("admin:honors_modelworker_change", args=[worker.pk])).status_code == 302
    )


# -- care ----------------------------------------------------------------------------------------


def _register(tree):
    """Three model workers: a provincial one in hardship under 甲, a city one under 甲, a city
    one under 乙."""
    from decimal import Decimal

    def honor(level, year):
        return services.honor_create(
            actor=None,
            kind=K.MODEL_WORKER,
            level=level,
            conferring_body=f"{level}政府",
            year=year,
            org=tree.county,
            conferred_on=datetime.date(year, 4, 28),
        )

    prov, city = honor(L.PROVINCIAL, 2015), honor(L.CITY, 2018)
    for n, org, h in ((1, tree.a1, prov), (2, tree.a1, city), (3, tree.b1, city)):
        services.award_record(actor=None, honor=h, org=org, person=member(org, n))
    workers = list(ModelWorker.objects.order_by("name"))
    for w in workers:
        services.model_worker_set_payment_details(
            actor=tree.county_staff,
            worker=w,
            bank_name="农业银行",
            bank_account="6228 4800 1234 5678 9" + str(w.pk % 10),
            monthly_income=Decimal("3000") if w.level == "provincial" else None,
        )
    services.model_worker_update(
        actor=tree.county_staff, worker=workers[0], changes={"in_hardship": True}
    )
    start = datetime.date(2026, 1, 1)
    services.care_standard_create(
        actor=tree.county_staff,
        org=tree.county,
        level=L.PROVINCIAL,
        kind="allowance",
        amount=Decimal("200"),
        effective_from=start,
    )
    for level, amount in ((L.PROVINCIAL, "1000"), (L.CITY, "600")):
        services.care_standard_create(
            actor=tree.county_staff,
            org=tree.county,
            level=level,
            kind="festival",
            amount=Decimal(amount),
            effective_from=start,
        )
    services.care_standard_create(
        actor=tree.county_staff,
        org=tree.county,
        level=L.PROVINCIAL,
        kind="hardship",
        multiple=Decimal("1.2"),
        average_wage=Decimal("6500"),
        effective_from=start,
    )
    return workers


def test_care_is_planned_by_the_standard_of_each_level_and_paid_in_a_batch(tree):
    from decimal import Decimal

    from gonghui.honors.models import CareBatch, CarePayment

    workers = _register(tree)
    # The region's own standard comes before the area-wide one (the tree's unions have no
    # region code of their own, so the area-wide one applies to them).
    services.care_standard_create(
        actor=tree.county_staff,
        org=tree.county,
        region_code="530524",
        level=L.CITY,
        kind="festival",
        amount=Decimal("800"),
        effective_from=datetime.date(2026, 1, 1),
    )
    assert services.care_standard_for(workers[1], "festival", TODAY).amount == Decimal("600")
    festival = services.care_plan(
        actor=tree.county_staff,
        org=tree.county,
        kind="festival",
        year=2026,
        occasion="春节",
        today=TODAY,
    )
    assert sorted(p.amount for p in festival.created) == [Decimal(600), Decimal(600), Decimal(1000)]
    again = services.care_plan(
        actor=tree.county_staff,
        org=tree.county,
        kind="festival",
        year=2026,
        occasion="春节",
        today=TODAY,
    )
    assert again.created == [] and again.skipped == []
    allowance = services.care_plan(
        actor=tree.county_staff, org=tree.county, kind="allowance", year=2026, month=3
    )
    assert [p.basis for p in allowance.created] == ["省部级劳模荣誉津贴200元/月"]
    assert allowance.skipped == ["2名劳模所在级别没有这类关爱标准。"]
    hardship = services.care_plan(
        actor=tree.county_staff, org=tree.county, kind="hardship", year=2026, today=TODAY
    )
    # (6500 × 1.2 − 3000) × 12 = 57600: the difference to the line, for the year.
    assert [p.amount for p in hardship.created] == [Decimal("57600.00")]
    assert hardship.created[0].basis == "（当地月平均工资6500元×1.2−月收入3000元）×12个月"
    for bad, said in (
        ({"kind": "allowance", "month": 0}, "月份"),
        ({"kind": "allowance", "month": 12, "year": 2999}, "年度"),
        ({"kind": "festival", "occasion": ""}, "节日"),
        ({"kind": "nope"}, "类别"),
    ):
        with pytest.raises(DomainError, match=said):
            services.care_plan(
                actor=tree.county_staff, org=tree.county, year=bad.pop("year", 2026), **bad
            )
    with pytest.raises(PermissionDenied):
        services.care_plan(actor=tree.town_a, org=tree.a, kind="festival", year=2026, occasion="x")
    assert selectors.care_waiting(tree.county_staff, "care.approve", TODAY).count() == 5
    assert selectors.care_payments_visible_to(tree.town_b).count() == 1
    drafts = list(CarePayment.objects.order_by("pk"))
    with pytest.raises(DomainError, match="已批准"):
        services.care_batch_create(actor=tree.county_staff, org=tree.county, payments_=drafts)
    services.care_take_step(actor=tree.county_staff, payments=drafts[:4], step="approve")
    services.care_take_step(
        actor=tree.county_staff, payments=drafts[4:], step="cancel", reason="重复"
    )
    assert selectors.care_waiting(tree.county_staff, "care.batch", TODAY).count() == 4
    approved = list(CarePayment.objects.filter(status="approved"))
    batch = services.care_batch_create(actor=tree.county_staff, org=tree.county, payments_=approved)
    assert batch.count == 4 and batch.total == Decimal("2400")
    with pytest.raises(DomainError, match="批次"):
        services.care_take_step(
            actor=tree.county_staff, payments=approved, step="cancel", reason="x"
        )
    content = services.care_batch_bank_file(actor=tree.county_staff, batch=batch)
    import io

    import python_calamine

    rows = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    assert rows.to_python()[4][4].startswith("6228")
    with pytest.raises(DomainError, match="晚于今天"):
        services.care_batch_mark_paid(
            actor=tree.county_staff, batch=batch, paid_on=datetime.date(2999, 1, 1), reference="x"
        )
    services.care_batch_mark_paid(
        actor=tree.county_staff, batch=batch, paid_on=TODAY, reference="LM1"
    )
    assert CarePayment.objects.filter(status="paid").count() == 4
    assert CareBatch.objects.get().status == "paid"
    assert selectors.care_batches_visible_to(tree.town_a).count() == 0
    from gonghui.funds.models import JournalEntry

    entry = JournalEntry.objects.get()
    assert (entry.org, entry.date, entry.kind) == (tree.county, TODAY, "assistance")
    assert sorted(p.amount for p in entry.postings.all()) == [
        -CareBatch.objects.get().total,
        CareBatch.objects.get().total,
    ]

    from gonghui.reports.registry import all_indicators
    from gonghui.reports.summary import work_report

    start, end = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
    registry = all_indicators()
    assert registry["honors.care.amount"].value(tree.county, start, end) == Decimal("2400")
    assert registry["honors.care.people"].value(tree.county, start, end) == 3
    assert registry["honors.care.festival.amount"].value(tree.a, start, end) == Decimal("1600")
    text = work_report(tree.county_staff, tree.county, start, end).body()
    assert (
        "关心关爱劳模，为1名劳模发放荣誉津贴200元，为3名劳模发放节日慰问金2200元，"
        "共惠及劳模3人、发放关爱资金2400元。"
    ) in text


def test_care_standards_and_payment_details_refuse_what_is_wrong(tree):
    from decimal import Decimal

    from gonghui.honors.models import CareStandard

    workers = _register(tree)
    start = datetime.date(2026, 1, 1)
    for values, said in (
        ({"kind": "hardship", "multiple": Decimal("1.2")}, "平均工资"),
        ({"kind": "festival", "amount": Decimal("0")}, "大于零"),
        (
            {"kind": "festival", "amount": Decimal("5"), "effective_to": datetime.date(2025, 1, 1)},
            "结束",
        ),
        ({"kind": "festival", "amount": Decimal("5"), "org": tree.a}, "总工会"),
    ):
        values = {"org": tree.county, "level": L.CITY, "effective_from": start, **values}
        with pytest.raises(DomainError, match=said):
            services.care_standard_create(actor=tree.county_staff, **values)
    with pytest.raises(PermissionDenied):
        services.care_standard_create(
            actor=tree.town_a,
            org=tree.county,
            level=L.CITY,
            kind="festival",
            amount=Decimal(5),
            effective_from=start,
        )
    standard = CareStandard.objects.get(kind="allowance")
    standard = services.care_standard_update(
        actor=tree.county_staff, standard=standard, changes={"amount": Decimal("250")}
    )
    assert standard.amount == Decimal("250")
    assert selectors.care_standards_visible_to(tree.clerk_a1).count() == 4
    assert not selectors.care_standards_visible_to(None).exists()
    services.care_standard_delete(actor=tree.county_staff, standard=standard)
    with pytest.raises(DomainError, match="12"):
        services.model_worker_set_payment_details(
            actor=tree.county_staff, worker=workers[0], bank_name="x", bank_account="123"
        )
    with pytest.raises(DomainError, match="负数"):
        services.model_worker_set_payment_details(
            actor=tree.county_staff,
            worker=workers[0],
            bank_name="x",
            bank_account="",
            monthly_income=Decimal("-1"),
        )
    with pytest.raises(NotFound):
        services.model_worker_set_payment_details(
            actor=tree.town_b, worker=workers[0], bank_name="x", bank_account="622848001234567"
        )
    stored = ModelWorker.objects.get(pk=workers[0].pk)
    assert b"6228" not in bytes(stored.bank_account) and stored.bank_account_last4


def test_a_nomination_s_files_are_checked_kept_encrypted_and_served_within_its_scope(client, tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.core.models import StoredFile
    from gonghui.honors.models import NominationAttachment

    honor = a_round(tree)
    client.force_login(tree.clerk_a1)
    add = reverse("admin:honors_honornomination_add")
    data = {
        "honor": honor.pk,
        "org": tree.a1.pk,
        "id_number_text": id_number(datetime.date(1980, 1, 2), 201),
        "name": "",
        "workplace": "班长",
        "deeds": DEEDS,
    }
    member(tree.a1, 1)
    refused = client.post(
        add, {**data, "first_attachments": SimpleUploadedFile("事迹.pdf", b"<script>x</script>")}
    )
    assert refused.status_code == 200 and not HonorNomination.objects.exists()
    saved = client.post(
        add, {**data, "first_attachments": SimpleUploadedFile("事迹.pdf", b"%PDF-1.4 deeds")}
    )
    assert saved.status_code == 302
    n = HonorNomination.objects.get()
    att = NominationAttachment.objects.get()
    assert b"deeds" not in bytes(StoredFile.objects.get().content)
    url = reverse("admin:honors_nominationattachment_download", args=[att.pk])
    got = client.get(url)
    assert got.status_code == 200 and got["Content-Disposition"].startswith("attachment")
    client.post(
        reverse("admin:honors_honornomination_attach", args=[n.pk]),
        {"file": SimpleUploadedFile("推荐表.docx", b"not a docx")},
    )
    assert NominationAttachment.objects.count() == 1
    client.force_login(tree.town_b)
    assert client.get(url).status_code == 302
    client.force_login(tree.clerk_a1)
    client.post(reverse("admin:honors_nominationattachment_delete", args=[att.pk]))
    assert not NominationAttachment.objects.exists() and not StoredFile.objects.exists()
    walk(tree, n, "submit", "review")
    with pytest.raises(DomainError, match="审核"):
        services.nomination_attachment_add(
            actor=tree.clerk_a1,
            nomination=n,
            upload=SimpleUploadedFile("x.pdf", b"%PDF-1.4 x"),
        )
    with pytest.raises(NotFound):
        services.nomination_attachment_add(
            actor=tree.town_b, nomination=n, upload=SimpleUploadedFile("x.pdf", b"%PDF-1.4 x")
        )


def test_the_care_pages_draft_approve_and_pay_a_period(client, tree):
    from gonghui.honors.models import CareBatch, CarePayment

    _register(tree)
    client.force_login(tree.county_staff)
    listing = reverse("admin:honors_carepayment_changelist")
    assert "生成关爱发放名单" in client.get(listing).content.decode()
    plan = reverse("admin:honors_carepayment_plan")
    assert client.get(plan).status_code == 200
    refused = client.post(plan, {"kind": "festival", "year": 2026, "occasion": ""})
    assert "请填写节日" in refused.content.decode() and not CarePayment.objects.exists()
    done = client.post(plan, {"kind": "festival", "year": 2026, "occasion": "春节"}, follow=True)
    said = [str(m) for m in done.context["messages"]]
    assert any("已生成3笔关爱发放" in m for m in said), said
    ids = list(CarePayment.objects.values_list("pk", flat=True))
    client.post(listing, {"action": "approve_selected", "_selected_action": ids})
    assert set(CarePayment.objects.values_list("status", flat=True)) == {"approved"}
    answer = client.post(listing, {"action": "batch_selected", "_selected_action": ids})
    batch = CareBatch.objects.get()
    assert answer.status_code == 302 and str(batch.pk) in answer["Location"]
    page = client.get(reverse("admin:honors_carebatch_change", args=[batch.pk])).content.decode()
    assert "****" in page and "春节" in page
    bank = client.get(reverse("admin:honors_carebatch_bank", args=[batch.pk]))
    assert bank.status_code == 200 and bank["Content-Disposition"].startswith("attachment")
    client.post(
        reverse("admin:honors_carebatch_paid", args=[batch.pk]), {"paid_on": "", "reference": ""}
    )
    assert CareBatch.objects.get().status == "prepared"
    client.post(
        reverse("admin:honors_carebatch_paid", args=[batch.pk]),
        {"paid_on": "2026-10-20", "reference": "LM1"},
    )
    assert set(CarePayment.objects.values_list("status", flat=True)) == {"paid"}
    # The grassroots clerk sees their model workers' care, and no page to draft it.
    client.force_login(tree.clerk_a1)
    assert client.get(listing).context["cl"].result_count == 2
    assert "生成关爱发放名单" not in client.get(listing).content.decode()
    client.force_login(tree.town_b)
    mine = client.get(listing)
    assert mine.status_code == 200 and mine.context["cl"].result_count == 1
    assert client.get(plan).status_code == 403
    assert client.get(reverse("admin:honors_carebatch_bank", args=[batch.pk])).status_code == 302
    # The register's form keeps the bank account encrypted and shows its last four.
    client.force_login(tree.county_staff)
    worker = ModelWorker.objects.order_by("pk").first()
    change = reverse("admin:honors_modelworker_change", args=[worker.pk])
    form = {
        "org": worker.org_id,
        "living": "living",
        "died_on": "",
        "employment": "retired",
        "monthly_income": "2500",
        "bank_name": "建设银行",
        "bank_account_text": "6217 0000 1111 2222 333",
        "note": "",
    }
    assert client.post(change, form).status_code == 302
    worker = ModelWorker.objects.get(pk=worker.pk)
    assert worker.bank_account_last4 == "2333" and worker.employment == "retired"
    assert worker.monthly_income == 2500 and worker.bank_name == "建设银行"
