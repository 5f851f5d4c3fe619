"""The load test (issue 20): many logged-in county users at once against a running demo.

    .venv/bin/gonghui demo --port 8765                       # in one terminal
    .venv/bin/locust -f bench/load.py --headless -u 50 -r 10 -t 75s \\
        --host http://127.0.0.1:8765 --csv /tmp/load          # in another

Each user logs in as ``county`` (the demo's federation staff) and then, with a pause of half
a second to two seconds (1.25 s on average: 50 users can make at most 40 requests a second,
the issue's goal, and fewer as the answers slow down), opens the home page, the five busiest
lists and a member search, and now and then uploads a small ledger file for checking (the
import's first step, answered at once; the worker does the rest). The table of p50/p95 per
page and the requests per second go in the README (section "Under load").
"""

from __future__ import annotations

import io
import re

from locust import HttpUser, between, task

PASSWORD = "Gonghui@2025"  # noqa: S105 (the demo's; never a real installation's)
LISTS = (
    "/admin/members/person/",
    "/admin/assistance/grant/",
    "/admin/ledger/ledgerentry/",
    "/admin/orgs/org/",
    "/admin/funds/fundcontribution/",
)
LEDGER_CSV = (
    "组织*,工作领域*,类别*,标题*,开始日期*,人次\n"
    "青山县总工会,宣传教育与文体活动,志愿服务,学雷锋志愿服务,2026-03-05,120\n"
).encode("gb18030")


def _csrf(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return found.group(1) if found else ""


class CountyUser(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self):
        page = self.client.get("/admin/login/", name="login page")
        self.client.post(
            "/admin/login/",
            {"username": "county", "password": PASSWORD, "csrfmiddlewaretoken": _csrf(page.text)},
            headers={"Referer": f"{self.host}/admin/login/"},
            name="login",
        )

    @task(3)
    def home(self):
        self.client.get("/admin/", name="home")

    @task(2)
    def members(self):
        self.client.get(LISTS[0], name="members list")

    @task(2)
    def grants(self):
        self.client.get(LISTS[1], name="grants list")

    @task(2)
    def ledger(self):
        self.client.get(LISTS[2], name="ledger list")

    @task(2)
    def orgs(self):
        self.client.get(LISTS[3], name="orgs list")

    @task(2)
    def contributions(self):
        self.client.get(LISTS[4], name="contributions list")

    @task(1)
    def member_search(self):
        self.client.get(LISTS[0] + "?q=%E6%9D%8E", name="members search")

    @task(1)
    def ledger_import(self):
        url = "/admin/core/importjob/new/ledger/"
        page = self.client.get(url, name="import page")
        org = re.search(r'<option value="(\d+)" selected>', page.text)
        self.client.post(
            url,
            data={
                "csrfmiddlewaretoken": _csrf(page.text),
                "mode": "validate",
                "org": org.group(1) if org else "",
            },
            files={"file": ("台账.csv", io.BytesIO(LEDGER_CSV), "text/csv")},
            headers={"Referer": f"{self.host}{url}"},
            name="import upload",
        )
