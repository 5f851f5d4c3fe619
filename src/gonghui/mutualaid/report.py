"""The mutual-aid section of the work report, in the seeds' words: "设立互助保障项目2个，参保单位
200户，组织职工参加互助保障2.62万人，完成年度任务的131%" and "为120名职工发放互助金17万元"."""

from __future__ import annotations

import datetime

from gonghui.mutualaid.models import PlanKind
from gonghui.mutualaid.services import KIND_WORDS as WORDS


def section(w, org, start: datetime.date, end: datetime.date):
    paragraphs = []
    if w.get("mutualaid.enrolled"):
        parts = []
        if w.get("mutualaid.plans"):
            parts.append(f"设立互助保障项目{w.n('mutualaid.plans')}")
        if w.get("mutualaid.employers"):
            parts.append(f"参保单位{w.n('mutualaid.employers')}")
        parts.append(f"组织职工参加互助保障{w.n('mutualaid.enrolled')}")
        kinds = [
            f"{WORDS[kind]}{w.n(f'mutualaid.enrolled.{kind}')}"
            for kind in PlanKind.values
            if w.get(f"mutualaid.enrolled.{kind}")
        ]
        text = "，".join(parts)
        if len(kinds) > 1:
            text += "，其中参加" + "、".join(kinds)
        else:
            w.written |= {f"mutualaid.enrolled.{kind}" for kind in PlanKind.values}
        if w.get("mutualaid.premiums"):
            text += f"，收缴互助保障会费{w.n('mutualaid.premiums')}"
        paragraphs.append(text + "。")
    if w.get("mutualaid.payouts.amount"):
        people = w.get("mutualaid.payouts.people")
        times = w.get("mutualaid.payouts.times")
        people_said = w.n("mutualaid.payouts.people", "名")
        text = f"为{people_said}职工发放互助金{w.n('mutualaid.payouts.amount')}"
        if times and times != people:
            text += f"，共{w.n('mutualaid.payouts.times')}"
        else:
            w.written.add("mutualaid.payouts.times")
        average = w.average("mutualaid.payouts.amount", "mutualaid.payouts.people")
        if average:
            text += f"，人均{average}"
        paragraphs.append(text + "。")
    if w.get("mutualaid.claims.filed"):
        text = f"{w.span}受理互助保障理赔申请{w.n('mutualaid.claims.filed')}"
        if w.get("mutualaid.claims.rejected"):
            text += f"，其中不予给付{w.n('mutualaid.claims.rejected')}"
        paragraphs.append(text + "。")
    rest = w.rest_of_area("mutual_aid", "此外，")
    if rest:
        paragraphs.append(rest)
    return ("做好职工互助保障", paragraphs) if paragraphs else None
