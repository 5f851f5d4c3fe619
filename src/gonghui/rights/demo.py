"""Collective contracts in the demo county, written through the services like a user's input.

Most unionised enterprises have a comprehensive contract signed in one of the last three years
(three-year terms, so some run out in the coming months and a few have expired, some of those
with their renewal under way); a share also sign a wage agreement (one year) or a women
workers' special contract; every township has a regional contract for its small firms. This
year's newest contracts stand in every state: under negotiation, approved, signed, filed
within the objection window or past it, and one sent back by the labour administration.
"""

from __future__ import annotations

import datetime

from gonghui.demo.generator import DEMO_YEAR, REFERENCE_DATE, DemoCounty, Generator
from gonghui.orgs.models import Org
from gonghui.rights import services
from gonghui.rights.models import OBJECTION_DAYS, ContractReach, ContractSubject

D = datetime.date
# Where a contract this year stops on its way (the rest are in force): drafts, approved,
# signed, filed and waiting for the window, and filed with the window over.
LAST_STEP = ("negotiating", "approve", "sign", "file", "file_old")
STATE_WORDS = {
    "in_force": "有效",
    "renewing": "到期续签中",
    "expired": "已到期",
    "file_old": "审查期满待生效",
    "file": "审查期内",
    "sign": "已签订",
    "approve": "已审议通过",
    "negotiating": "协商中",
    "objection": "退回重新协商",
}


def build(gen: Generator, demo: DemoCounty) -> None:
    rng = gen.rng
    firms = [
        e
        for e in demo.employers
        if e.union is not None
        and e.union.level == Org.Level.GRASSROOTS
        and e.unit_type not in ("400", "500")
    ]
    made = 0
    states: dict[str, int] = {}
    for employer in firms:
        kinds = []
        if rng.random() < 0.6:
            kinds.append(ContractSubject.COMPREHENSIVE)
        if rng.random() < 0.18:
            kinds.append(ContractSubject.WAGE)
        if rng.random() < 0.2:
            kinds.append(ContractSubject.WOMEN)
        for subject in kinds:
            state = _contract(gen, employer.union, [employer], subject, employer.headcount)
            states[state] = states.get(state, 0) + 1
            made += 1
    for township in demo.townships:
        local = [
            e
            for e in demo.employers
            if e.org_id == township.pk and e.unit_type not in ("400", "500")
        ]
        if len(local) < 2:
            continue
        chosen = rng.sample(local, min(len(local), rng.randint(3, 8)))
        state = _contract(
            gen,
            township,
            chosen,
            ContractSubject.COMPREHENSIVE,
            sum(e.headcount for e in chosen),
            reach=ContractReach.REGIONAL,
            title=f"{township.name.removesuffix('总工会')}区域性集体合同",
        )
        states[state] = states.get(state, 0) + 1
        made += 1
    said = "，".join(f"{STATE_WORDS[k]}{states[k]}" for k in STATE_WORDS if states.get(k))
    gen.progress(f"    集体合同 {made} 份（{said}）")


def _contract(gen, union, employers, subject, headcount, reach=ContractReach.SINGLE, title=""):
    rng = gen.rng
    workers = max(1, headcount)
    wage = subject == ContractSubject.WAGE
    term = 1 if wage else 3
    # Signed in one of the years its term still covers (a wage agreement: this year or last).
    year = DEMO_YEAR - rng.randint(0, 1 if wage else 3)
    approved = D(year, rng.randint(1, 10 if year == DEMO_YEAR else 12), rng.randint(1, 28))
    this_year = approved.year == DEMO_YEAR
    stop = rng.choice(LAST_STEP) if this_year and rng.random() < 0.25 else "in_force"
    if approved > REFERENCE_DATE - datetime.timedelta(days=60) and stop == "in_force":
        stop = "file"
    name = employers[0].name if reach == ContractReach.SINGLE else ""
    contract = services.contract_create(
        actor=None,
        employers=employers,
        org=union,
        title=title or f"{name}{_title_of(subject)}（{year}年）",
        reach=reach,
        subject=subject,
        workers_covered=workers,
        women_covered=round(workers * rng.uniform(0.25, 0.5))
        if subject == ContractSubject.WOMEN
        else 0,
        union_negotiator=gen.person_name(),
        employer_negotiator=gen.person_name(),
        rounds=rng.randint(1, 4),
        term_years=term,
    )
    if stop == "negotiating":
        return stop
    eligible = rng.randint(30, 80) if headcount >= 100 else max(3, headcount)
    present = max(1, -(-eligible * 2 // 3) + rng.randint(0, eligible // 4))
    present = min(present, eligible)
    in_favour = min(present, eligible // 2 + 1 + rng.randint(0, eligible // 3))
    step = _stepper(contract, REFERENCE_DATE)
    step(
        "approve",
        assembly="congress" if headcount >= 100 else "all_staff",
        eligible=eligible,
        present=present,
        in_favour=in_favour,
        approved_on=approved,
    )
    if stop == "approve":
        return stop
    signed = min(approved + datetime.timedelta(days=rng.randint(1, 10)), REFERENCE_DATE)
    step("sign", signed_on=signed)
    if stop == "sign":
        return stop
    filed_days = rng.randint(2, 9) if rng.random() < 0.9 else rng.randint(11, 20)
    filed = min(signed + datetime.timedelta(days=filed_days), REFERENCE_DATE)
    if stop == "file":
        filed = max(filed, REFERENCE_DATE - datetime.timedelta(days=rng.randint(0, 12)))
    step("file", filed_on=filed)
    if stop in ("file", "file_old"):
        if stop == "file_old" and rng.random() < 0.3:
            step(
                "object",
                reason="劳动报酬条款低于当地最低工资标准，请重新协商",
            )
            return "objection"
        return stop
    done = step("effect", effective_from=filed + datetime.timedelta(days=OBJECTION_DAYS))
    if done.expires_on < REFERENCE_DATE + datetime.timedelta(days=60) and rng.random() < 0.5:
        services.contract_renew(actor=None, contract=done, today=REFERENCE_DATE)
        return "renewing"
    return "expired" if done.expires_on < REFERENCE_DATE else "in_force"


def _title_of(subject: str) -> str:
    return {
        ContractSubject.COMPREHENSIVE: "集体合同",
        ContractSubject.WAGE: "工资专项集体合同",
        ContractSubject.WOMEN: "女职工权益保护专项集体合同",
        ContractSubject.SAFETY: "劳动安全卫生专项集体合同",
    }[subject]


def _stepper(contract, today):
    def step(name, reason="", **values):
        return services.contract_transition(
            actor=None, contract=contract, step=name, values=values, reason=reason, today=today
        )

    return step
