"""The services section of the work report, in the seeds' words: "组织3批50名一线抗疫医务
人员开展疗休养", "举办爱心托管班", "共为91户…办理贷款1115万元", "普惠服务项目累计实施68个",
"建成户外劳动者服务站点27个，其中新建5个，获评全国最美工会户外劳动者服务站点1个"; then the area's
other figures (the ledger's old entries)."""

from __future__ import annotations

import datetime

from gonghui.core.figures import count
from gonghui.orgs.models import ServicePoint
from gonghui.services.indicators import GROUP_WORDS
from gonghui.services.selectors import nominated_kinds, recognitions_conferred

HEADING = "用心用情服务职工，增强职工获得感幸福感"


def _recuperation(w) -> str:
    groups = [g for g in GROUP_WORDS if w.get(f"services.recuperation_people.{g}")]
    # One group only: whom, as the seeds say it ("组织3批50名一线抗疫医务人员开展疗休养").
    whom = GROUP_WORDS[groups[0]] if len(groups) == 1 else "职工"
    text = (
        f"组织{w.n('services.recuperations')}{w.n('services.recuperation_people')}{whom}开展疗休养"
    )
    if len(groups) > 1:
        text += "，其中" + "、".join(
            f"{GROUP_WORDS[g]}{w.n(f'services.recuperation_people.{g}')}" for g in groups
        )
    if w.get("services.recuperation_cost"):
        text += f"，投入经费{w.n('services.recuperation_cost')}"
    return text


def _points(w, org, start, end) -> str:
    said = []
    if w.get("services.points_opened"):
        kinds = [
            f"{label}{w.n(f'services.points_opened.{kind}')}"
            for kind, label in ServicePoint.Kind.choices
            if w.get(f"services.points_opened.{kind}")
        ]
        text = f"新建服务阵地{w.n('services.points_opened')}"
        if kinds:
            text += "，其中" + "、".join(kinds)
        said.append(text)
    if w.get("services.points_nominated"):
        level, kinds = nominated_kinds(org, start, end)
        what = "、".join(kinds[:-1]) + "和" + kinds[-1] if len(kinds) > 1 else "".join(kinds)
        said.append(f"推荐{level}{what}共{w.n('services.points_nominated')}")
    conferred = recognitions_conferred(org, start, end)
    if conferred:
        said.append("获评" + "、".join(f"{title}{count(n, '个')}" for title, n in conferred))
    if w.get("services.points_investment"):
        said.append(f"投入阵地建设资金{w.n('services.points_investment')}")
    return "；".join(said)


def section(w, org, start: datetime.date, end: datetime.date):
    paragraphs = []
    if w.get("services.recuperations"):
        paragraphs.append(_recuperation(w) + "。")
    if w.get("services.childcare_classes"):
        text = f"举办爱心托管班{w.n('services.childcare_classes')}"
        if w.get("services.childcare_children"):
            text += f"，托管职工子女{w.n('services.childcare_children')}"
        if w.get("services.childcare_volunteers"):
            text += f"，志愿者服务{w.n('services.childcare_volunteers')}"
        if w.get("services.childcare_cost"):
            text += f"，投入经费{w.n('services.childcare_cost')}"
        paragraphs.append(text + "，解决职工子女假期看护难题。")
    if w.get("services.loans_lent"):
        text = (
            f"开展创业担保贷款工作，扶持{w.n('services.loans_households')}创业，"
            f"发放贷款{w.n('services.loans_lent')}"
        )
        if w.get("services.loans_subsidy"):
            text += f"，落实财政贴息{w.n('services.loans_subsidy')}"
        paragraphs.append(text + "。")
    if w.get("services.loans_outstanding") or w.get("services.loans_written_off"):
        text = f"截至期末，创业担保贷款余额{w.n('services.loans_outstanding')}"
        if w.get("services.loans_overdue"):
            text += f"，其中逾期{w.n('services.loans_overdue')}，正督促按期还款"
        if w.get("services.loans_written_off"):
            text += f"；{w.span}核销贷款{w.n('services.loans_written_off')}"
        paragraphs.append(text + "。")
    if w.get("services.offers"):
        text = f"普惠服务项目累计实施{w.n('services.offers')}"
        if w.get("services.offer_uses"):
            text += f"，职工享受优惠{w.n('services.offer_uses')}"
        if w.get("services.offer_value"):
            text += f"，为职工节省开支{w.n('services.offer_value')}"
        paragraphs.append(text + "，让职工得到实惠。")
    points = _points(w, org, start, end)
    if points:
        paragraphs.append(points + "。")
    rest = w.rest_of_area("services", "此外，" if paragraphs else "")
    if rest:
        paragraphs.append(rest)
    return (HEADING, paragraphs) if paragraphs else None
