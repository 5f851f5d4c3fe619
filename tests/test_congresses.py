"""Rights (维权): workers' congresses (职工代表大会) and open management (厂务公开). An
employer's congress system with the statute's composition checks as warnings, its sessions
(two thirds present), the employers overdue, who sees which, the figures and the report's
sentence, and the back office."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from gonghui.core.errors import DomainError, NotFound
from gonghui.orgs.services import employer_create
from gonghui.reports.selectors import figures
from gonghui.reports.summary import work_report
from gonghui.rights import selectors, services
from gonghui.rights.models import CongressMeeting, WorkersCongress

D = datetime.date
TODAY = D(2026, 10, 31)


def congress(tree, employer=None, actor=None, **more):
    values = {
        "form": "congress",
        "established_on": D(2024, 3, 1),
        "staff": 500,
        "women_staff": 200,
        "representatives": 60,
        "women_representatives": 24,
        "manager_representatives": 8,
        "frontline_representatives": 40,
        "today": TODAY,
        **more,
    }
    return services.congress_create(
        actor=actor or tree.county_staff, employer=employer or tree.emp_a, **values
    )


def session(tree, c, actor=None, **more):
    values = {"held_on": D(2026, 4, 1), "attended": 50, "matters": "审议集体合同草案", **more}
    return services.meeting_create(
        actor=actor or tree.county_staff, congress=c, today=TODAY, **values
    )


def test_the_statutes_make_up_is_checked_as_warnings(tree):
    c = congress(tree)
    assert (c.org, c.representatives_required(), c.warnings(TODAY)) == (tree.a1, 50, [])
    assert c.term_ends_on == D(2027, 2, 28)
    c = services.congress_update(
        actor=tree.county_staff,
        congress=c,
        changes={"representatives": 40, "manager_representatives": 10,
                 "frontline_representatives": 15, "women_representatives": 4},
        today=TODAY,
    )  # fmt: skip
    said = " ".join(c.warnings(TODAY))
    for words in ("至少50名", "25%", "38%", "10%", "40%"):
        assert words in said, said
    # A big employer with an all-staff meeting; a term run out.
    c = services.congress_update(
        actor=tree.county_staff, congress=c, changes={"form": "all_staff"}, today=TODAY
    )
    assert c.representatives == 500  # every employee sits in an all-staff meeting
    assert any("100人以上" in w for w in c.warnings(TODAY))
    assert any("届期已满" in w for w in c.warnings(D(2027, 3, 1)))
    # The required number by the workforce (art. 21).
    for staff, least in ((80, 30), (100, 30), (101, 35), (250, 40), (3000, 175), (5000, 175)):
        assert WorkersCongress(staff=staff).representatives_required() == least


def test_the_record_and_its_sessions_refuse_what_cannot_be(tree):
    with pytest.raises(DomainError, match="3至5年"):
        congress(tree, term_years=2)
    with pytest.raises(DomainError, match="职工人数（500）"):
        congress(tree, representatives=600)
    with pytest.raises(DomainError, match="女职工"):
        congress(tree, women_staff=600)
    with pytest.raises(DomainError, match="晚于今天"):
        congress(tree, established_on=D(2026, 12, 1))
    no_union = employer_create(actor=None, org=tree.a, name="甲镇无工会企业", unit_type="170")
    with pytest.raises(DomainError, match="尚未建立工会"):
        congress(tree, employer=no_union)
    c = congress(tree)
    with pytest.raises(DomainError, match="已登记"):
        congress(tree)
    with pytest.raises(DomainError, match="三分之二"):
        session(tree, c, attended=39)
    with pytest.raises(DomainError, match="晚于今天"):
        session(tree, c, held_on=D(2026, 11, 2))
    with pytest.raises(DomainError, match="建立之前"):
        session(tree, c, held_on=D(2024, 2, 1))
    with pytest.raises(DomainError, match="审议"):
        session(tree, c, matters=" ")
    first = session(tree, c, disclosures=["wages", "business", "wages"])
    assert first.disclosures == ["business", "wages"] and "工资" in first.disclosures_text()
    with pytest.raises(DomainError, match="这一天"):
        session(tree, c)
    changed = services.meeting_update(
        actor=tree.county_staff, meeting=first, changes={"attended": 60}, today=TODAY
    )
    assert changed.attended == 60
    with pytest.raises(DomainError, match="会议记录"):
        services.congress_delete(actor=tree.county_staff, congress=c)
    services.meeting_delete(actor=tree.county_staff, meeting=first)
    services.congress_delete(actor=tree.county_staff, congress=c)
    assert not WorkersCongress.objects.exists() and not CongressMeeting.objects.exists()


def test_who_sees_which_congress_and_the_lists_overdue(tree):
    a = congress(tree)
    b = congress(tree, employer=tree.emp_b, staff=80, women_staff=30, form="all_staff",
                 representatives=None)  # fmt: skip
    assert b.representatives == 80
    session(tree, a, held_on=D(2026, 5, 1))
    session(tree, b, held_on=D(2025, 5, 1), attended=60)  # last year's only
    assert list(selectors.congresses_visible_to(tree.clerk_a1)) == [a]
    assert list(selectors.meetings_visible_to(tree.town_b)) == list(b.meetings.all())
    assert list(selectors.congresses_overdue(tree.county_staff, TODAY)) == [b]
    waiting = selectors.congresses_waiting(tree.county_staff, "congresses.session", TODAY)
    assert list(waiting) == [b]
    ended = selectors.congresses_waiting(tree.county_staff, "congresses.term", D(2027, 3, 1))
    assert set(ended) == {a, b}
    assert not selectors.congresses_waiting(tree.county_staff, "congresses.term", TODAY).exists()
    assert not selectors.congresses_waiting(tree.county_staff, "other", TODAY).exists()
    assert not selectors.congress_employers_choosable(tree.county_staff).exists()
    # An account without an organisation (a bare superuser) is offered nothing, not an error.
    from types import SimpleNamespace

    nobody = SimpleNamespace(org=None, is_active=True)
    assert not selectors.congress_employers_choosable(nobody).exists()
    with pytest.raises(NotFound):
        session(tree, b, actor=tree.clerk_a1, held_on=D(2026, 6, 1), attended=60)
    with pytest.raises(NotFound):
        services.congress_update(
            actor=tree.town_a, congress=b, changes={"term_years": 5}, today=TODAY
        )


def test_the_figures_and_report_say_the_congresses(tree, client):
    a = congress(tree)
    b = congress(tree, employer=tree.emp_b, staff=80, women_staff=30, form="all_staff",
                 representatives=None)  # fmt: skip
    session(tree, a, held_on=D(2026, 5, 1), disclosures=["wages"])
    session(tree, a, held_on=D(2026, 9, 1), kind="extraordinary")
    session(tree, b, held_on=D(2025, 5, 1), attended=60)
    start, end = D(2026, 1, 1), D(2026, 10, 31)
    got = {f.key: f.value for f in figures(tree.county_staff, tree.county, start, end)}
    assert got["rights.congresses"] == 2
    assert (got["rights.congresses.held"], got["rights.open_management"]) == (1, 1)
    assert got["rights.congresses.overdue"] == 1
    last_year = {
        f.key: f.value
        for f in figures(tree.county_staff, tree.county, D(2025, 1, 1), D(2025, 12, 31))
    }
    assert (last_year["rights.congresses.held"], last_year["rights.congresses.overdue"]) == (1, 1)
    text = work_report(tree.county_staff, tree.county, start, end).markdown()
    assert (
        "建立职工代表大会（职工大会）制度的单位2家，指导1家单位召开职工代表大会，"
        "推动1家单位实行厂务公开；仍有1家单位本年度尚未召开职代会"
    ) in text, text
    client.force_login(tree.county_staff)
    params = {"org": tree.county.pk, "date_from": "2026-01-01", "date_to": "2026-10-31"}
    for key in ("rights.congresses", "rights.congresses.held", "rights.congresses.overdue"):
        page = client.get("/admin/reports/records/", {**params, "key": key})
        assert page.status_code == 200 and page.context["rows"], key


def test_the_ledgers_congress_counter_takes_no_new_entries(tree):
    from gonghui.ledger import services as ledger
    from gonghui.ledger.models import LedgerCategory

    with pytest.raises(DomainError, match="维权"):
        ledger.entry_create(
            actor=tree.county_staff,
            org=tree.county,
            category=LedgerCategory.objects.get(code="rights.congress"),
            title="职代会",
            starts_on=D(2026, 3, 1),
            households=3,
        )


def test_a_clerk_records_the_congress_and_a_session_in_the_back_office(client, tree):
    client.force_login(tree.clerk_a1)
    add = reverse("admin:rights_workerscongress_add")
    page = client.get(add).content.decode()
    assert "甲公司" in page and "乙公司" not in page
    form = {
        "employer": tree.emp_a.pk,
        "form": "congress",
        "established_on": "2024-03-01",
        "term_started_on": "2024-03-01",
        "term_years": "3",
        "staff": "",
        "women_staff": "50",
        "representatives": "20",
        "women_representatives": "8",
        "manager_representatives": "6",
        "frontline_representatives": "12",
    }
    bad = client.post(add, {**form, "term_years": "6"})

    assert bad.status_code == 200 and "3至5年" in bad.content.decode()
    assert not WorkersCongress.objects.exists()
    done = client.post(add, form)
    assert done.status_code == 302, done.content.decode()[:2000]
    c = WorkersCongress.objects.get()
    assert c.staff == 120  # the employer's register
    url = reverse("admin:rights_workerscongress_change", args=[c.pk])
    page = client.get(url).content.decode()
    assert "至少35名" in page and "30%" in page  # too few representatives, too many managers
    assert f"congress={c.pk}" in page
    meeting_add = reverse("admin:rights_congressmeeting_add")
    assert (
        f'value="{c.pk}" selected' in client.get(meeting_add, {"congress": c.pk}).content.decode()
    )
    few = {"congress": c.pk, "held_on": "2026-04-01", "kind": "regular", "attended": "10",
           "matters": "审议集体合同草案", "disclosures": ["wages", "safety"]}  # fmt: skip
    refused = client.post(meeting_add, few)
    assert refused.status_code == 200 and "三分之二" in refused.content.decode()
    assert client.post(meeting_add, {**few, "attended": "18"}).status_code == 302
    m = CongressMeeting.objects.get()
    assert m.disclosures == ["safety", "wages"]
    listing = client.get(reverse("admin:rights_workerscongress_changelist"), {"session": "held"})
    assert "甲公司" in listing.content.decode()
    overdue = client.get(reverse("admin:rights_workerscongress_changelist"), {"session": "overdue"})
    assert "甲公司" not in overdue.content.decode()
    # Another township's staff: the congress answers like a missing one.
    client.force_login(tree.town_b)
    assert client.get(url).status_code == 302
