"""The member-registry section of the work report: members, their groups, new members."""

from __future__ import annotations

import datetime


def section(w, org, start: datetime.date, end: datetime.date):
    """This area's part of the work report (``reports.summary``), from its indicators."""
    if not w.get("members.current"):
        rest = w.rest_of_area("members")
        return ("推进会员实名制，扩大会员覆盖", [rest]) if rest else None
    # "会员实名制信息采集1734家、会员11.5万人": how many unions have their members on record.
    unions = w.get("members.unions_with_members")
    collected = f"会员实名制信息采集{w.n('members.unions_with_members', '家')}，" if unions else ""
    text = (
        f"深入推进会员实名制管理，{collected}会员总数达{w.n('members.current', '人')}"
        f"{w.change('members.current', '人')}"
    )
    parts = []
    for key, label in (
        ("members.women", "女会员"),
        ("members.migrant_workers", "农民工会员"),
        ("members.eight_groups", "八大群体会员"),
    ):
        if w.get(key):
            parts.append(f"{label}{w.n(key, '人')}")
    if parts:
        text += "，其中" + "、".join(parts)
    text += "。"
    if w.get("members.joined"):
        text += f"{w.span}新发展会员{w.n('members.joined', '人')}。"
    if w.get("members.retained"):
        text += f"为退休职工保留会籍{w.n('members.retained', '人')}。"
    rest = w.rest_of_area("members", "此外，")
    return ("推进会员实名制，扩大会员覆盖", [text, rest] if rest else [text])
