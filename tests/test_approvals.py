"""The 审批 page: the grant chain walked tab by tab with checkboxes, never opening a grant's
form; a step that must wait says until when; each grant shows its step bar, who acts next and
its history; a user outside the subtree can neither see nor move the grants."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.assistance import selectors, services
from gonghui.assistance.models import Grant, PaymentBatch
from gonghui.core.selectors import queue_board, record_history
from gonghui.core.workflow import day_text
from tests.aid import build_aid
from tests.test_assistance import grant

PAGE = "admin:assistance_grant_approvals"


@pytest.fixture
def aid(tree):
    return build_aid(tree)


def page(client, user, **query):
    client.force_login(user)
    response = client.get(reverse(PAGE), query)
    assert response.status_code == 200
    return response


def tabs(response) -> dict:
    return {t["queue"].key: t["count"] for t in response.context["board"]["tabs"]}


def take(client, user, tab, step, grants, campaign, reason=""):
    client.force_login(user)
    return client.post(
        reverse(PAGE),
        {
            "tab": tab,
            "step": step,
            "ids": [g.pk for g in grants],
            "campaign": campaign.pk,
            "reason": reason,
        },
        follow=True,
    )


def said(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def statuses(grants) -> list[str]:
    return [Grant.objects.get(pk=g.pk).status for g in grants]


def test_the_grant_chain_is_walked_from_the_approvals_page(tree, aid, client):
    winter = aid.winter
    drafts = [grant(aid, tree, n=n, amount=1000, campaign=winter) for n in range(3)]
    today = timezone.localdate()

    # The grassroots clerk submits two of its three drafts from 待提交.
    clerk = page(client, tree.clerk_a1, tab="grants.draft", campaign=winter.pk)
    assert tabs(clerk)["grants.draft"] == 3
    assert "grants.review" not in tabs(clerk)  # no review step for the applicant
    assert clerk.context["title"] == "帮扶审批"
    done = take(client, tree.clerk_a1, "grants.draft", "submit", drafts[:2], winter)
    assert statuses(drafts) == ["submitted", "submitted", "draft"]
    assert "2" in said(done) and "下一步" in said(done)

    # Another township sees none of them and cannot move them by posting their numbers.
    other = page(client, tree.town_b, tab="grants.review", campaign=winter.pk)
    assert tabs(other)["grants.review"] == 0
    refused = take(client, tree.town_b, "grants.review", "review", drafts[:2], winter)
    assert statuses(drafts[:2]) == ["submitted", "submitted"]
    assert "勾选" in said(refused)

    # The township reviews one and returns the other; returning needs a reason.
    town = page(client, tree.town_a, tab="grants.review", campaign=winter.pk)
    assert tabs(town)["grants.review"] == 2
    assert 'data-step="review"' in town.content.decode()
    assert 'data-step="reject"' in town.content.decode()
    no_reason = take(client, tree.town_a, "grants.review", "reject", drafts[1:2], winter)
    assert "原因" in said(no_reason) and statuses(drafts[1:2]) == ["submitted"]
    take(client, tree.town_a, "grants.review", "reject", drafts[1:2], winter, reason="材料不全")
    reviewed = take(client, tree.town_a, "grants.review", "review", drafts[:1], winter)
    assert statuses(drafts[:2]) == ["reviewed", "rejected"]
    assert winter.org.name in said(reviewed)  # who acts next, by name

    # The clerk finds the returned one, with its reason, under 被退回.
    back = page(client, tree.clerk_a1, tab="grants.returned", campaign=winter.pk)
    assert tabs(back)["grants.returned"] == 1 and "材料不全" in back.content.decode()

    # The county puts it on notice; approval must wait, and the button says until when.
    moved = take(client, tree.county_staff, "grants.notice", "notice", drafts[:1], winter)
    # The emptied tab gives way to the one the grant went to.
    assert moved.context["board"]["tab"]["queue"].key == "grants.noticed"
    noticed = Grant.objects.get(pk=drafts[0].pk)
    assert noticed.status == "noticed"
    ends = today + datetime.timedelta(days=winter.notice_days)
    assert noticed.notice_ends_on == ends
    county = page(client, tree.county_staff, tab="grants.noticed", campaign=winter.pk)
    text = county.content.decode()
    assert tabs(county)["grants.noticed"] == 1 and tabs(county)["grants.approve"] == 0
    assert re.search(r'disabled data-testid="queue-wait">公示期满（' + day_text(ends), text)
    early = take(client, tree.county_staff, "grants.noticed", "approve", drafts[:1], winter)
    assert statuses(drafts[:1]) == ["noticed"] and day_text(ends) in said(early)

    # The period runs out (its end day moved to today, as the calendar would): 可批准.
    Grant.objects.filter(pk=noticed.pk).update(notice_ends_on=today)
    county = page(client, tree.county_staff, tab="grants.approve", campaign=winter.pk)
    assert tabs(county)["grants.approve"] == 1
    assert 'data-testid="queue-wait"' not in county.content.decode()
    take(client, tree.county_staff, "grants.approve", "approve", drafts[:1], winter)
    assert statuses(drafts[:1]) == ["approved"]

    # 待发放: the ticked grants become a payment batch, and the page goes to it.
    pay = take(client, tree.county_staff, "grants.batch", "pay", drafts[:1], winter)
    batch = PaymentBatch.objects.get()
    assert pay.redirect_chain[-1][0] == reverse(
        "admin:assistance_paymentbatch_change", args=[batch.pk]
    )
    assert list(batch.grants.all()) == [Grant.objects.get(pk=drafts[0].pk)]
    assert tabs(page(client, tree.county_staff, campaign=winter.pk))["grants.batch"] == 0


def test_a_refused_grant_in_a_ticked_set_changes_nothing_and_is_named(tree, aid, client):
    winter = aid.winter
    ok = grant(aid, tree, n=0, amount=1000, campaign=winter)
    late = grant(aid, tree, n=1, amount=1000, campaign=winter, step_until="submit")
    response = take(client, tree.clerk_a1, "grants.draft", "submit", [ok, late], winter)
    assert statuses([ok, late]) == ["draft", "submitted"]  # all or none
    assert late.person.name in said(response) and "没有做任何更改" in said(response)


def test_each_grant_shows_its_step_bar_who_is_next_and_its_history(tree, aid, client):
    g = grant(aid, tree, n=0, amount=1000, campaign=aid.winter, step_until="review")
    client.force_login(tree.clerk_a1)
    response = client.get(reverse("admin:assistance_grant_change", args=[g.pk]))
    text = response.content.decode()
    bar = response.context["progress"]["bar"]
    assert [s["state"] for s in bar] == ["done", "done", "current", "todo", "todo", "todo"]
    assert bar[0]["label"] == "草稿" and bar[-1]["label"] == "已发放"
    assert "下一步：发布公示，由" + tree.county.name in text
    assert 'data-testid="step-history"' in text and "帮扶发放：审核" in text

    # Rejected: the bar keeps the statuses it passed and ends where it stopped.
    services.grant_transition(actor=tree.county_staff, grant=g, step="reject", reason="重复申请")
    g.refresh_from_db()
    progress = selectors.grant_progress(tree.clerk_a1, g)
    assert [(s["label"], s["state"]) for s in progress["bar"]] == [
        ("草稿", "done"),
        ("已提交", "done"),
        ("已审核", "done"),
        ("已退回", "stopped"),
    ]
    assert progress["next"] == ""
    assert [e.action for e in record_history(tree.clerk_a1, g)][-1] == "grant.reject"
    # Another township reads none of its history.
    assert not record_history(tree.town_b, g).exists()


def test_the_waiting_approval_is_greyed_on_the_grant_too(tree, aid, client):
    g = grant(aid, tree, n=0, amount=1000, campaign=aid.winter, step_until="review")
    services.grant_transition(actor=tree.county_staff, grant=g, step="notice")
    g.refresh_from_db()
    progress = selectors.grant_progress(tree.county_staff, g)
    assert progress["waiting"] == [f"公示期满（{day_text(g.notice_ends_on)}）后可批准"]
    assert "approve" not in [s.name for s in selectors.grant_next_steps(tree.county_staff, g)]


def test_tabs_page_past_fifty_and_keep_the_total(tree, aid):
    from gonghui.assistance.services import GRANT

    for n in range(3):
        grant(aid, tree, n=n, amount=1000, campaign=aid.winter)
    board = queue_board(tree.clerk_a1, GRANT, "grants.draft", per_page=2, page=2)
    assert board["tab"]["count"] == 3 and len(board["rows"]) == 1
    assert board["page"].paginator.num_pages == 2
    full = selectors.grant_queues(tree.clerk_a1, campaign=aid.winter, key="grants.draft")
    assert full["total"] == 3000
    # A tab key nobody declared (an old bookmark) opens the first tab that holds something.
    assert queue_board(tree.clerk_a1, GRANT, "no.such")["tab"]["queue"].key == "grants.draft"


def test_the_home_to_do_opens_its_tab_with_the_same_count(tree, aid, client):
    grant(aid, tree, n=1, amount=1000, campaign=aid.winter, step_until="submit")
    client.force_login(tree.town_a)
    home = client.get(reverse("admin:index")).content.decode()
    link = reverse(PAGE) + "?todo=grants.review"
    assert link in home
    response = client.get(link)
    assert response.context["board"]["tab"]["queue"].key == "grants.review"
    assert response.context["board"]["tab"]["count"] == 1


def test_odd_input_on_the_approvals_page_is_answered_not_crashed(tree, aid, client):
    g = grant(aid, tree, n=0, amount=1000, campaign=aid.winter, step_until="submit")
    client.force_login(tree.town_a)
    for query in ({"campaign": "²"}, {"campaign": "x", "page": "x"}, {"tab": "no.such"}):
        assert client.get(reverse(PAGE), query).status_code == 200, query
    odd = client.post(reverse(PAGE), {"tab": "grants.review", "step": "review", "ids": ["²"]})
    assert odd.status_code == 302 and statuses([g]) == ["submitted"]
    unknown = take(client, tree.town_a, "grants.review", "fly", [g], aid.winter)
    assert unknown.status_code == 200 and statuses([g]) == ["submitted"]
    # A reason typed and then 审核 taken is not kept as the grant's reason.
    take(client, tree.town_a, "grants.review", "review", [g], aid.winter, reason="随手写的")
    g.refresh_from_db()
    assert g.status == "reviewed" and g.reason == ""


def test_a_role_that_may_not_pay_is_told_so_and_nothing_is_batched(tree, aid, client):
    g = grant(aid, tree, n=0, amount=1000, campaign=aid.winter, step_until="approve")
    # The township may not make payment batches; a hand-made POST gets a message, not a 500.
    response = take(client, tree.town_a, "grants.batch", "pay", [g], aid.winter)
    assert response.status_code == 200 and said(response)
    assert statuses([g]) == ["approved"] and not PaymentBatch.objects.exists()
