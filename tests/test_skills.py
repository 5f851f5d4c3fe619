"""Skills (技能): competitions from entry to results and upward, training sessions with their
rosters and head-counts, innovation results; the figures, the report's sentences, the roster
import and the back office, with the wrong input refused and nothing changed."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import pytest
import python_calamine
from django.db import connection
from django.urls import reverse

from gonghui.core.errors import DomainError
from gonghui.core.imports.engine import Mode, run_import
from gonghui.core.models import Event
from gonghui.ledger.models import LedgerCategory
from gonghui.ledger.services import entry_create as ledger_entry_create
from gonghui.members.services import member_register
from gonghui.orgs.models import ServicePoint
from gonghui.orgs.services import service_point_create
from gonghui.reports.selectors import figures
from gonghui.reports.summary import work_report
from gonghui.skills import selectors, services
from gonghui.skills.imports import TraineeRosterSpec
from gonghui.skills.models import (
    Competition,
    CompetitionEntry,
    Innovation,
    Trainee,
    TrainingSession,
)
from tests.conftest import snapshot
from tests.rosters import id_number, write_xlsx

D = datetime.date
TODAY = D(2026, 10, 31)
YEAR = (D(2026, 1, 1), D(2026, 12, 31))


def member(org, n, name=None):
    return member_register(
        actor=None,
        org=org,
        id_number=id_number(D(1985, 1, 1) + datetime.timedelta(days=n), 300 + n),
        name=name or f"选手{n}",
        joined_on=D(2020, 1, 1),
    ).person


def competition(tree, org=None, actor=None, **more):
    values = {
        "name": "全县茶叶加工职业技能竞赛",
        "kind": "skills",
        "level": "county",
        "trade": "茶叶加工工",
        "starts_on": D(2026, 4, 10),
        "ends_on": D(2026, 4, 11),
        "participants": 300,
        **more,
    }
    return services.competition_create(
        actor=actor or tree.county_staff, org=org or tree.county, **values
    )


def step(tree, c, name, actor=None, reason=""):
    return services.competition_transition(
        actor=actor or tree.county_staff, competition=c, step=name, reason=reason, today=TODAY
    )


# -- competitions ----------------------------------------------------------------------------


def expert_title(tree):
    from gonghui.honors.services import honor_create

    return honor_create(
        actor=None,
        kind="technical_expert",
        level="county",
        title="青山县技术能手",
        conferring_body="青山县总工会",
        year=2026,
        org=tree.county,
    )


def test_a_competition_goes_from_entry_to_results_and_its_champion_upward(tree):
    expert = expert_title(tree)
    c = competition(tree)
    people = [member(tree.a1, n) for n in range(3)]
    entries = [
        services.entry_create(actor=tree.county_staff, competition=c, person=p) for p in people
    ]
    team = services.entry_create(
        actor=tree.county_staff, competition=c, team_name="乙公司代表队", team_size=3, org=tree.b1
    )
    assert [e.org for e in entries] == [tree.a1] * 3 and team.name == "乙公司代表队"
    step(tree, c, "start")
    first = services.entry_result(
        actor=tree.county_staff, entry=entries[0], rank=1, prize="first", honor=expert
    )
    # The title is an honour conferred once: counted by the honours, not twice here.
    assert first.award.honor == expert and first.award.person == people[0]
    assert first.award.conferred_on == D(2026, 4, 11)
    with pytest.raises(DomainError, match="已授予"):
        services.entry_result(actor=tree.county_staff, entry=first, rank=1, honor=other_title(tree))
    with pytest.raises(DomainError, match="参赛队"):
        services.entry_result(actor=tree.county_staff, entry=team, prize="second", honor=expert)
    from gonghui.honors.models import HonorAward

    assert HonorAward.objects.count() == 1
    team = services.entry_result(actor=tree.county_staff, entry=team, prize="second")
    assert first.field == "全县" and first.reached_final
    assert selectors.result_text(first) == "全县第一、一等奖"
    assert selectors.result_text(team) == "二等奖"
    c = step(tree, c, "finish")
    assert c.status == "finished"
    # Results stand once published.
    with pytest.raises(DomainError, match="正在进行"):
        services.entry_result(actor=tree.county_staff, entry=entries[1], rank=2)
    # The champion goes on to the provincial final and from there to the national one.
    province = competition(
        tree,
        name="全省茶叶加工职业技能竞赛决赛",
        level="provincial",
        held_above=True,
        starts_on=D(2026, 6, 12),
        ends_on=D(2026, 6, 13),
        participants=60,
    )
    nation = competition(
        tree,
        name="全国茶叶加工职业技能竞赛",
        level="national",
        held_above=True,
        starts_on=D(2026, 9, 12),
        ends_on=D(2026, 9, 14),
        participants=120,
    )
    assert list(selectors.competitions_to_send_to(tree.county_staff, first)) == [
        nation,
        province,
    ]
    at_province = services.entry_send_on(actor=tree.county_staff, entry=first, competition=province)
    step(tree, province, "start")
    services.entry_result(actor=tree.county_staff, entry=at_province, rank=1)
    step(tree, province, "finish")
    at_nation = services.entry_send_on(
        actor=tree.county_staff, entry=at_province, competition=nation
    )
    step(tree, nation, "start")
    services.entry_result(actor=tree.county_staff, entry=at_nation, rank=18)
    step(tree, nation, "finish")
    way = [first.pk, at_province.pk, at_nation.pk]
    assert [e.pk for e in selectors.entrant_way(tree.county_staff, at_province)] == way
    assert selectors.entrant_way(tree.town_b, at_province) == [at_province]
    assert at_nation.person == first.person and at_nation.advanced_from == at_province
    # Sent on once only, and never down.
    with pytest.raises(DomainError, match="已经选派"):
        services.entry_send_on(actor=tree.county_staff, entry=first, competition=nation)
    with pytest.raises(DomainError, match="更高级别"):
        services.entry_send_on(actor=tree.county_staff, entry=at_nation, competition=province)
    # The figures and the report's words.
    f = {x.key: x.value for x in figures(tree.county_staff, tree.county, *YEAR)}
    assert f["skills.competitions"] == 1  # the finals above are not the county's own
    assert f["skills.competitions.participants"] == 300
    # Placed in its own competition (2); what was won above is said with the finals.
    assert f["skills.entrants.sent"] == 2 and f["skills.winners"] == 2
    assert f["skills.winners.first"] == 1
    assert f["skills.competitions.county"] == 1
    text = work_report(tree.county_staff, tree.county, *YEAR).markdown()
    assert (
        "举办劳动和技能竞赛1场，参赛职工300人；职工获得名次和奖项2人次，其中第一名或一等奖1人次"
        in text
    )
    assert "全国茶叶加工职业技能竞赛获得全省第一、全国第十八" in text
    events = Event.objects.filter(action__startswith="competition").values_list("action", flat=True)
    assert {"competition.start", "competition.finish", "competitionentry.result"} <= set(events)


def other_title(tree):
    from gonghui.honors.services import honor_create

    return honor_create(
        actor=None,
        kind="craftsman",
        level="county",
        title="青山工匠",
        conferring_body="青山县总工会",
        year=2026,
        org=tree.county,
    )


def test_a_competitions_wrong_input_is_refused_and_changes_nothing(tree):
    c = competition(tree)
    p = member(tree.a1, 1)
    outsider = member(tree.b1, 2)
    services.entry_create(actor=tree.county_staff, competition=c, person=p)
    before = snapshot(Competition, CompetitionEntry)
    cases = [
        (lambda: competition(tree, ends_on=D(2026, 4, 1)), "结束日期"),
        (lambda: competition(tree, cost=Decimal(-1)), "不能为负"),
        (lambda: competition(tree), "同名"),
        (lambda: competition(tree, name="  "), "名称"),
        (lambda: services.entry_create(actor=tree.county_staff, competition=c, person=p), "已"),
        (lambda: services.entry_create(actor=tree.county_staff, competition=c), "身份证号"),
        (
            lambda: services.entry_create(
                actor=tree.county_staff, competition=c, person=p, team_name="队"
            ),
            "不能同时",
        ),
        (
            lambda: services.entry_create(
                actor=tree.county_staff, competition=c, team_name="队", team_size=0, org=tree.a1
            ),
            "至少",
        ),
        # A township's clerk names nobody from another township, nor enters the county's.
        (lambda: services.entry_create(actor=tree.town_a, competition=c, person=outsider), ""),
        # Results before it starts, a rank of nought or beyond the field.
        (
            lambda: services.entry_result(actor=tree.county_staff, entry=c.entries.get(), rank=1),
            "正在进行",
        ),
        (lambda: step(tree, c, "finish"), "不能"),
        (lambda: step(tree, c, "cancel"), "原因"),
        (
            lambda: services.competition_update(
                actor=tree.county_staff, competition=c, changes={"participants": 0}
            ),
            "不能少于",
        ),
        (lambda: services.competition_delete(actor=tree.county_staff, competition=c), "参赛"),
    ]
    for attempt, said in cases:
        with pytest.raises(Exception) as caught:
            attempt()
        assert said in " ".join(getattr(caught.value, "messages", [str(caught.value)])), said
        assert snapshot(Competition, CompetitionEntry) == before, said
    step(tree, c, "start")
    for rank, said in ((0, "1"), (301, "301")):
        with pytest.raises(DomainError, match=said):
            services.entry_result(actor=tree.county_staff, entry=c.entries.get(), rank=rank)
    later = competition(tree, name="未来的竞赛", starts_on=D(2026, 12, 1), ends_on=D(2026, 12, 2))
    step(tree, later, "start")
    with pytest.raises(DomainError, match="12"):
        step(tree, later, "finish")
    called_off = step(tree, later, "cancel", reason="天气原因")
    assert called_off.closed_reason == "天气原因"
    with pytest.raises(DomainError, match="取消"):
        services.competition_update(
            actor=tree.county_staff, competition=later, changes={"cost": Decimal(5)}
        )


def test_entrants_and_results_are_corrected_and_removed_within_the_rules(tree):
    c = competition(tree)
    p = member(tree.a1, 3)
    e = services.entry_create(actor=tree.county_staff, competition=c, person=p)
    services.entry_delete(actor=tree.county_staff, entry=e)
    e = services.entry_create(actor=tree.county_staff, competition=c, person=p)
    c = services.competition_update(
        actor=tree.county_staff, competition=c, changes={"participants": 320, "trade": "茶艺"}
    )
    assert (c.participants, c.trade) == (320, "茶艺")
    step(tree, c, "start")
    step(tree, c, "finish")
    # After the results, the cost and the head-count only.
    services.competition_update(
        actor=tree.county_staff, competition=c, changes={"cost": Decimal(12000)}
    )
    with pytest.raises(DomainError, match="只能更正"):
        services.competition_update(actor=tree.county_staff, competition=c, changes={"name": "改"})
    with pytest.raises(DomainError, match="不能再"):
        services.entry_delete(actor=tree.county_staff, entry=e)
    empty = competition(tree, name="空竞赛")
    services.competition_delete(actor=tree.county_staff, competition=empty)
    assert not Competition.objects.filter(pk=empty.pk).exists()
    # Named entrants beyond the head-count raise it.
    small = competition(tree, name="小竞赛", participants=0)
    services.entry_create(actor=tree.county_staff, competition=small, person=p)
    small.refresh_from_db()
    assert small.participants == 1


def test_results_titles_and_sending_on_stay_with_the_organiser(tree):
    expert = expert_title(tree)
    c = competition(tree)
    p = member(tree.a1, 90)
    e = services.entry_create(actor=tree.county_staff, competition=c, person=p)
    # Nobody is sent on from a competition not yet under way.
    province = competition(tree, name="全省决赛", level="provincial", held_above=True)
    with pytest.raises(DomainError, match="尚不能"):
        services.entry_send_on(actor=tree.county_staff, entry=e, competition=province)
    step(tree, c, "start")
    # The entrant's own clerk sees the entrant but sets no result, title or removal.
    before = snapshot(CompetitionEntry)
    for attempt in (
        lambda: services.entry_result(actor=tree.clerk_a1, entry=e, rank=1),
        lambda: services.entry_delete(actor=tree.clerk_a1, entry=e),
    ):
        with pytest.raises(Exception, match="记录不存在"):
            attempt()
    assert snapshot(CompetitionEntry) == before
    # A township's own contest confers no county title: the county's honour is above it.
    town = competition(tree, org=tree.a, name="甲镇比武", level="enterprise")
    te = services.entry_create(actor=tree.town_a, competition=town, person=member(tree.a1, 91))
    step(tree, town, "start", actor=tree.town_a)
    with pytest.raises(Exception, match="记录不存在"):
        services.entry_result(actor=tree.town_a, entry=te, rank=1, honor=expert)
    assert not te.__class__.objects.get(pk=te.pk).award_id
    # A competition that took place is not deleted.
    step(tree, town, "finish", actor=tree.town_a)
    with pytest.raises(DomainError, match="记录保留"):
        services.competition_delete(actor=tree.town_a, competition=town)


def test_the_competition_lists_are_scoped_and_the_to_dos_wait_for_the_right_step(tree):
    c = competition(
        tree,
        org=tree.a,
        name="甲镇技术比武",
        level="enterprise",
        starts_on=D(2026, 3, 1),
        ends_on=D(2026, 3, 1),
    )
    e = services.entry_create(actor=tree.town_a, competition=c, person=member(tree.a1, 4))
    assert list(selectors.competitions_visible_to(tree.town_b)) == []
    assert list(selectors.entries_visible_to(tree.town_b)) == []
    assert list(selectors.entries_visible_to(tree.clerk_a1)) == [e]
    assert list(selectors.competitions_waiting(tree.town_a, "competitions.start", TODAY)) == [c]
    step(tree, c, "start", actor=tree.town_a)
    assert list(selectors.competitions_waiting(tree.town_a, "competitions.results", TODAY)) == [c]
    assert not selectors.competitions_waiting(tree.town_b, "competitions.results", TODAY)
    assert not selectors.competitions_waiting(tree.town_a, "other", TODAY)


# -- training --------------------------------------------------------------------------------


def course(tree, org=None, actor=None, **more):
    values = {"name": "产业工人职业技能提升培训", "target_group": "industrial", **more}
    return services.course_create(
        actor=actor or tree.county_staff, org=org or tree.county, **values
    )


def session(tree, c, actor=None, **more):
    values = {
        "starts_on": D(2026, 5, 6),
        "ends_on": D(2026, 5, 20),
        "hours": Decimal(90),
        "site": "县职工服务中心",
        **more,
    }
    return services.session_create(
        actor=actor or tree.county_staff, course=c, today=TODAY, **values
    )


def test_a_sessions_totals_follow_its_roster_and_head_counts(tree):
    c = course(tree)
    s = session(tree, c, unnamed_trainees=40, unnamed_certificates=30, unnamed_jobs=5)
    assert (s.number, s.trainees, s.certificates, s.jobs) == (1, 40, 30, 5)
    people = [member(tree.a1, 10 + n) for n in range(3)]
    t1 = services.trainee_add(
        actor=tree.county_staff,
        session=s,
        person=people[0],
        certificate="level4",
        certificate_no="S1",
        found_job=True,
    )
    services.trainee_add(actor=tree.county_staff, session=s, person=people[1])
    t3 = services.trainee_add(actor=tree.county_staff, session=s, person=people[2], completed=False)
    s.refresh_from_db()
    # Everyone on the roster was trained, whether they completed it or not.
    assert (s.trainees, s.certificates, s.jobs) == (43, 31, 6)
    services.trainee_update(actor=tree.county_staff, trainee=t1, changes={"found_job": False})
    services.trainee_update(actor=tree.county_staff, trainee=t3, changes={"completed": True})
    s = services.session_update(
        actor=tree.county_staff, session=s, changes={"unnamed_trainees": 50}
    )
    assert (s.trainees, s.certificates, s.jobs) == (53, 31, 5)
    services.trainee_remove(actor=tree.county_staff, trainee=t3)
    s.refresh_from_db()
    assert s.trainees == 52
    second = session(tree, c, starts_on=D(2026, 8, 1), ends_on=D(2026, 8, 3), hours=Decimal(18))
    assert second.number == 2
    f = {x.key: x.value for x in figures(tree.county_staff, tree.county, *YEAR)}
    assert (f["skills.sessions"], f["skills.trainees"], f["skills.certificates"]) == (2, 52, 31)
    assert f["skills.trainees.industrial"] == 52 and f["skills.jobs"] == 5
    text = work_report(tree.county_staff, tree.county, *YEAR).markdown()
    assert "举办职工技能培训2期，培训职工52人，其中产业工人52人，31人取得" in text
    assert "帮助5人实现就业" in text


def test_trainings_wrong_input_is_refused_and_changes_nothing(tree):
    c = course(tree)
    s = session(tree, c)
    p = member(tree.a1, 20)
    services.trainee_add(actor=tree.county_staff, session=s, person=p)
    before = snapshot(TrainingSession, Trainee)
    cases = [
        (lambda: course(tree), "同名"),
        (lambda: session(tree, c, ends_on=D(2026, 5, 1)), "结束日期"),
        (lambda: session(tree, c, hours=Decimal(0)), "学时"),
        (lambda: session(tree, c, hours=Decimal(400)), "学时"),
        (lambda: session(tree, c, number=1), "期次"),
        (lambda: session(tree, c, unnamed_trainees=3, unnamed_certificates=5), "证书"),
        (lambda: session(tree, c, unnamed_trainees=3, unnamed_jobs=4), "就业"),
        (lambda: session(tree, c, cost=Decimal(-5)), "不能为负"),
        (lambda: session(tree, c, unnamed_trainees=2_000_000), "核对"),
        (lambda: session(tree, c, cost=Decimal(10**9)), "过大"),
        (lambda: services.trainee_add(actor=tree.county_staff, session=s, person=p), "已在"),
        (
            lambda: services.trainee_add(
                actor=tree.county_staff,
                session=s,
                person=member(tree.b1, 21),
                completed=False,
                certificate="level5",
            ),
            "结业",
        ),
        (
            lambda: services.trainee_add(
                actor=tree.county_staff,
                session=s,
                person=member(tree.b1, 22),
                certificate_no="X1",
            ),
            "证书",
        ),
        # A township's clerk puts nobody on the county's session.
        (
            lambda: services.trainee_add(actor=tree.town_b, session=s, person=member(tree.b1, 23)),
            "",
        ),
        (lambda: services.session_delete(actor=tree.county_staff, session=s), "学员"),
        (lambda: services.course_delete(actor=tree.county_staff, course=c), "期次"),
    ]
    for attempt, said in cases:
        with pytest.raises(Exception) as caught:
            attempt()
        assert said in " ".join(getattr(caught.value, "messages", [str(caught.value)])), said
        assert snapshot(TrainingSession, Trainee) == before, said
    other = course(tree, name="空课程")
    services.course_update(actor=tree.county_staff, course=other, changes={"trade": "焊工"})
    services.course_delete(actor=tree.county_staff, course=other)
    empty = session(tree, c, starts_on=D(2026, 9, 1), ends_on=D(2026, 9, 1), hours=Decimal(6))
    assert list(selectors.sessions_waiting(tree.county_staff, "sessions.roster", TODAY)) == [empty]
    assert not selectors.sessions_waiting(tree.county_staff, "other", TODAY)
    services.session_delete(actor=tree.county_staff, session=empty)
    assert list(selectors.courses_visible_to(tree.town_a)) == []
    assert list(selectors.sessions_visible_to(tree.town_a)) == []
    assert list(selectors.trainees_visible_to(tree.town_a)) == []
    assert selectors.trainees_visible_to(tree.county_staff).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_trainees_added_at_once_are_both_counted():
    import threading

    from tests.conftest import build_tree

    tree = build_tree()
    c = course(tree)
    s = session(tree, c)
    people = [member(tree.a1, 30), member(tree.a1, 31)]
    barrier = threading.Barrier(2)

    def add(person):
        try:
            barrier.wait()
            services.trainee_add(actor=tree.county_staff, session=s, person=person)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    s.refresh_from_db()
    assert s.trainees == 2 == s.roster.count()


def test_the_trainee_roster_comes_in_from_excel_with_its_errors_by_row(tree, tmp_path):
    c = course(tree, org=tree.a)
    s = session(tree, c, actor=tree.town_a)
    people = [member(tree.a1, 40 + n) for n in range(3)]
    for n in (43, 44):
        member(tree.a1, n)
    already = member(tree.a1, 50)
    services.trainee_add(actor=tree.town_a, session=s, person=already)
    outsider = member(tree.b1, 51)

    def number(n):
        return id_number(D(1985, 1, 1) + datetime.timedelta(days=n), 300 + n)

    rows = [
        ["选手40", number(40), "是", "四级", "S0001", "是"],
        ["选手41", number(41), "", "培训合格证书", "", ""],
        ["选手42", number(42), "否", "", "", "否"],
        ["选手42", number(42), "是", "", "", ""],  # the same person twice
        ["选手50", number(50), "是", "", "", ""],  # already on the roster
        ["选手51", number(51), "是", "", "", ""],  # another township's member
        ["无名氏", "110101199003070011", "是", "", "", ""],  # not a member
        ["选手43", number(43), "否", "五级", "", ""],  # a certificate without completion
        ["选手44", number(44), "是", "状元", "", ""],  # no such certificate
    ]
    header = ["姓名", "身份证号", "是否结业", "取得证书", "证书编号", "培训后就业"]
    path = write_xlsx(tmp_path / "学员.xlsx", rows, header=header, title=False)
    spec = TraineeRosterSpec()
    refused = run_import(
        spec,
        path,
        actor=tree.town_a,
        org=tree.a,
        mode=Mode.ALL_OR_NOTHING,
        options={"session": s.pk},
    )
    assert refused.imported == 0 and Trainee.objects.count() == 1
    said = {p.row: p.message for p in refused.problems}
    assert "4" in said[5]
    assert "已在" in said[6] and "五级" not in said.get(9, "") and "结业" in said[9]
    assert "状元" in said[10] and 7 in said and 8 in said
    outcome = run_import(
        spec, path, actor=tree.town_a, org=tree.a, mode=Mode.PARTIAL, options={"session": s.pk}
    )
    assert outcome.imported == 3
    s.refresh_from_db()
    assert (s.trainees, s.certificates, s.jobs) == (4, 2, 1)
    assert set(s.roster.values_list("person", flat=True)) == {already.pk, *(p.pk for p in people)}
    assert outsider.pk not in set(s.roster.values_list("person", flat=True))
    # The command line and the upload page need the session; another township's is unknown.
    with pytest.raises(ValueError, match="--session"):
        spec.command_line({})
    assert spec.command_line({"session": str(s.pk)}) == tree.a.code
    wrong = run_import(
        spec, path, actor=tree.town_b, org=tree.b, mode=Mode.PARTIAL, options={"session": s.pk}
    )
    assert wrong.imported == 0 and "没有编号" in wrong.fatal
    assert [k for k, _ in spec.upload_fields(tree.town_b)["session"].choices] == []


# -- innovation ------------------------------------------------------------------------------


def test_innovation_results_with_their_studio_lead_and_award(tree):
    studio = service_point_create(
        actor=None, org=tree.a1, kind=ServicePoint.Kind.WORKER_INNOVATION_STUDIO, name="甲创新室"
    )
    lead = member(tree.a1, 60)
    made = services.innovation_create(
        actor=tree.town_a,
        org=tree.a1,
        title="揉捻机防尘罩",
        kind="renovation",
        achieved_on=D(2026, 3, 1),
        lead=lead,
        studio=studio,
        benefit=Decimal(86000),
        award="全省职工创新成果展",
        award_prize="third",
        today=TODAY,
    )
    services.innovation_create(
        actor=tree.county_staff,
        org=tree.b1,
        title="锅炉余热回收",
        kind="patent",
        achieved_on=D(2026, 5, 1),
        patent_no="ZL2026200001.X",
        benefit=Decimal(150000),
        today=TODAY,
    )
    assert list(selectors.studios_choosable(tree.town_a)) == [studio]
    assert list(selectors.innovations_visible_to(tree.town_b)) != [made]
    f = {x.key: x.value for x in figures(tree.county_staff, tree.county, *YEAR)}
    assert f["skills.innovations"] == 2 and f["skills.innovations.patents"] == 1
    assert f["skills.innovations.benefit"] == Decimal(236000)
    assert f["skills.innovations.awarded"] == 1
    text = work_report(tree.county_staff, tree.county, *YEAR).markdown()
    assert "形成职工创新成果2项，其中获得专利1项，创造经济效益23.6万元" in text
    before = snapshot(Innovation)
    cases = [
        ({"title": "揉捻机防尘罩"}, "同名"),
        ({"title": "新", "kind": "patent"}, "专利号"),
        ({"title": "新", "award_prize": "first"}, "奖项"),
        ({"title": "新", "benefit": Decimal(-1)}, "不能为负"),
        ({"title": "新", "achieved_on": D(2027, 1, 1)}, "将来"),
        ({"title": "新", "studio": tree.sp_a}, "创新工作室"),
        ({"title": "新", "lead": member(tree.b1, 61)}, ""),
    ]
    for more, said in cases:
        values = {"title": "x", "kind": "suggestion", "achieved_on": D(2026, 6, 1), **more}
        with pytest.raises(Exception) as caught:
            services.innovation_create(actor=tree.town_a, org=tree.a1, today=TODAY, **values)
        assert said in " ".join(getattr(caught.value, "messages", [str(caught.value)])), said
        assert snapshot(Innovation) == before
    services.innovation_update(
        actor=tree.town_a, innovation=made, changes={"benefit": Decimal(90000)}, today=TODAY
    )
    # A clerk beneath edits the result of a studio above it without choosing the studio again.
    below = services.innovation_create(
        actor=tree.county_staff, org=tree.a1, title="配电柜巡检记录表", kind="design",
        achieved_on=D(2026, 4, 1), studio=service_point_create(
            actor=None, org=tree.a, kind=ServicePoint.Kind.INNOVATION_STUDIO, name="甲镇劳模室"
        ), today=TODAY,
    )  # fmt: skip
    services.innovation_update(
        actor=tree.clerk_a1, innovation=below, changes={"team": "张三、李四"}, today=TODAY
    )
    # Moved to another union, a result takes its studio along only if it is that union's.
    with pytest.raises(DomainError, match="不属于本工会"):
        services.innovation_update(
            actor=tree.county_staff, innovation=made, changes={"org": tree.b1}, today=TODAY
        )
    services.innovation_delete(actor=tree.town_a, innovation=made)
    assert not Innovation.objects.filter(pk=made.pk).exists()


def test_the_ledgers_skills_categories_are_taken_by_the_area(tree):
    for code in ("skills.competition", "skills.training", "skills.innovation"):
        with pytest.raises(DomainError, match="技能"):
            ledger_entry_create(
                actor=tree.county_staff,
                org=tree.county,
                category=LedgerCategory.objects.get(code=code),
                title="竞赛",
                starts_on=D(2026, 3, 1),
                sessions=1,
            )


# -- the back office -------------------------------------------------------------------------


def test_a_county_user_runs_a_competition_in_the_back_office(client, tree):
    expert = expert_title(tree)
    client.force_login(tree.county_staff)
    add = reverse("admin:skills_competition_add")
    page = client.post(
        add,
        {
            "org": tree.county.pk,
            "name": "全县电工职业技能竞赛",
            "kind": "skills",
            "level": "county",
            "starts_on": "2026-05-10",
            "ends_on": "2026-05-11",
            "participants": "200",
            "participants_approx": "",
            "cost": "30000",
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    c = Competition.objects.get(name="全县电工职业技能竞赛")
    p = member(tree.a1, 70)
    page = client.get(reverse("admin:skills_competitionentry_add") + f"?competition={c.pk}")
    assert page.status_code == 200 and "身份证号" in page.content.decode()
    from tests.rosters import id_number as number

    entry_page = client.post(
        reverse("admin:skills_competitionentry_add"),
        {
            "competition": c.pk,
            "id_number_text": number(D(1985, 1, 1) + datetime.timedelta(days=70), 370),
            "team_size": "1",
        },
    )
    errors = re.findall(r"errorlist.{0,300}", entry_page.content.decode())
    assert entry_page.status_code == 302, errors
    entry = CompetitionEntry.objects.get(competition=c)
    assert entry.person == p
    # A number outside the registry is said on the form, nothing saved.
    wrong = client.post(
        reverse("admin:skills_competitionentry_add"),
        {"competition": c.pk, "id_number_text": "110101199003070011", "team_size": "1"},
    )
    assert wrong.status_code == 200 and CompetitionEntry.objects.count() == 1
    step_url = reverse("admin:skills_competition_step", args=[c.pk])
    client.post(step_url, {"step": "start"})
    c.refresh_from_db()
    assert c.status == "running"
    result = client.post(
        reverse("admin:skills_competitionentry_change", args=[entry.pk]),
        {"rank": "1", "field": "", "prize": "first", "honor": expert.pk, "reached_final": "on"},
    )
    assert result.status_code == 302
    entry.refresh_from_db()
    assert (entry.rank, entry.prize, entry.field) == (1, "first", "全县")
    assert entry.award.honor == expert
    page = client.get(reverse("admin:skills_competition_change", args=[c.pk])).content.decode()
    assert "全县第一、一等奖" in page and "公布成绩" in page
    client.post(step_url, {"step": "finish"})
    c.refresh_from_db()
    assert c.status == "finished"
    # A step without its reason is refused on the page, nothing changes.
    nothing = client.post(step_url, {"step": "cancel"}, follow=True)
    assert (
        "不能" in nothing.content.decode() and Competition.objects.get(pk=c.pk).status == "finished"
    )
    # The results list goes out as Excel.
    xlsx = client.post(
        reverse("admin:skills_competition_changelist"),
        {"action": "export_results", "_selected_action": [c.pk]},
    )
    rows = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content))
    rows = rows.get_sheet_by_index(0).to_python()
    assert rows[2][3] == p.name and rows[2][7] == "全县第一、一等奖"
    # Sending on: a higher competition offered on the entrant's page.
    above = competition(tree, name="全省电工技能竞赛", level="provincial", held_above=True)
    page = client.get(reverse("admin:skills_competitionentry_change", args=[entry.pk]))
    assert above.name in page.content.decode()
    sent = client.post(
        reverse("admin:skills_competitionentry_send_on", args=[entry.pk]),
        {"competition": above.pk},
    )
    assert sent.status_code == 302 and above.entries.get().advanced_from == entry
    # The lists behind the figures: held, placed in our own, sent above.
    changelist = reverse("admin:skills_competitionentry_changelist")
    assert p.name in client.get(changelist + "?placed=own").content.decode()
    assert p.name in client.get(changelist + "?placed=first").content.decode()
    assert p.name in client.get(changelist + "?sent=above").content.decode()
    held = client.get(reverse("admin:skills_competition_changelist") + "?held=yes")
    assert c.name in held.content.decode() and above.name not in held.content.decode()
    # The entrant's own clerk sees the entrant in the county's competition, read-only, and
    # cannot remove it: refused, not an error page.
    client.force_login(tree.clerk_a1)
    page = client.get(reverse("admin:skills_competitionentry_change", args=[entry.pk]))
    assert page.status_code == 200 and 'name="rank"' not in page.content.decode()
    gone = client.post(
        reverse("admin:skills_competitionentry_delete", args=[above.entries.get().pk]),
        {"post": "yes"},
    )
    assert gone.status_code == 403 and above.entries.exists()
    client.force_login(tree.county_staff)
    # Lists and pages open for each of them.
    for name in (
        "competition",
        "competitionentry",
        "trainingcourse",
        "trainingsession",
        "trainee",
        "innovation",
    ):
        assert client.get(reverse(f"admin:skills_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:skills_{name}_add")).status_code == 200


def test_a_session_and_its_roster_in_the_back_office(client, tree):
    client.force_login(tree.town_a)
    c = course(tree, org=tree.a)
    page = client.post(
        reverse("admin:skills_trainingsession_add"),
        {
            "course": c.pk,
            "number": "",
            "starts_on": "2026-05-06",
            "ends_on": "2026-05-08",
            "hours": "18",
            "site": "甲镇",
            "unnamed_trainees": "30",
            "trainees_approx": "",
            "unnamed_certificates": "20",
            "unnamed_jobs": "2",
            "cost": "8000",
        },
    )
    assert page.status_code == 302, page.content.decode()[:3000]
    s = TrainingSession.objects.get(course=c)
    assert (s.number, s.trainees) == (1, 30)
    page = client.get(reverse("admin:skills_trainingsession_change", args=[s.pk])).content.decode()
    assert "从Excel导入学员名册" in page or "导入" in page
    upload = client.get(
        reverse("admin:core_importjob_upload", args=["trainees"]) + f"?session={s.pk}"
    )
    assert upload.status_code == 200 and f'value="{s.pk}" selected' in upload.content.decode()
    p = member(tree.a1, 80)
    added = client.post(
        reverse("admin:skills_trainee_add"),
        {
            "session": s.pk,
            "id_number_text": id_number(D(1985, 1, 1) + datetime.timedelta(days=80), 380),
            "completed": "on",
            "certificate": "level5",
            "certificate_no": "S9",
        },
    )
    assert added.status_code == 302, added.content.decode()[:3000]
    s.refresh_from_db()
    assert (s.trainees, s.certificates) == (31, 21) and s.roster.get().person == p
    # The roster goes out as Excel: names and unions, no ID numbers.
    xlsx = client.post(
        reverse("admin:skills_trainee_changelist"),
        {"action": "export_roster", "_selected_action": [s.roster.get().pk]},
    )
    rows = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content))
    rows = rows.get_sheet_by_index(0).to_python()
    assert rows[2][4:9] == ["选手80", tree.a1.name, "是", "五级/初级工", "S9"]
    number = id_number(D(1985, 1, 1) + datetime.timedelta(days=80), 380)
    assert not any(number in str(r) for r in rows)
    # Bad input on the session form is said, nothing is saved.
    bad = client.post(
        reverse("admin:skills_trainingsession_change", args=[s.pk]),
        {
            "number": "1",
            "starts_on": "2026-05-06",
            "ends_on": "2026-05-01",
            "hours": "18",
            "unnamed_trainees": "30",
            "unnamed_certificates": "20",
            "unnamed_jobs": "2",
            "cost": "8000",
        },
    )
    assert bad.status_code == 200 and "结束日期" in bad.content.decode()
    studio = service_point_create(
        actor=None, org=tree.a1, kind=ServicePoint.Kind.INNOVATION_STUDIO, name="甲劳模创新室"
    )
    made = client.post(
        reverse("admin:skills_innovation_add"),
        {
            "org": tree.a1.pk,
            "title": "配电柜巡检记录表",
            "kind": "design",
            "achieved_on": "2026-04-01",
            "lead_id_number": id_number(D(1985, 1, 1) + datetime.timedelta(days=80), 380),
            "studio": studio.pk,
            "benefit": "12000",
        },
    )
    assert made.status_code == 302, made.content.decode()[:3000]
    assert Innovation.objects.get().lead == p
    made = Innovation.objects.get()
    change = client.get(reverse("admin:skills_innovation_change", args=[made.pk]))
    assert "第一完成人：选手80" in change.content.decode()
    # What one record's page says of its lead stays on that page (forms are per request).
    add = client.get(reverse("admin:skills_innovation_add")).content.decode()
    assert "第一完成人：选手80" not in add
