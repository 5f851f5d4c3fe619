"""The assistance section of the work report: hardship files, each campaign's grants and group
relief under its own name, the totals, and the area's other figures."""

from __future__ import annotations

import datetime


def section(w, org, start: datetime.date, end: datetime.date):
    """This area's part of the work report (``reports.summary``), from its indicators."""
    paragraphs = []
    if w.get("assistance.files"):
        text = f"建立健全困难职工档案，在档困难职工{w.n('assistance.files', '户')}"
        parts = [
            f"{label}{w.n(key, '户')}"
            for key, label in (
                ("assistance.files.deep", "深度困难"),
                ("assistance.files.relative", "相对困难"),
                ("assistance.files.accident", "意外致困"),
            )
            if w.get(key)
        ]
        if parts:
            text += "，其中" + "、".join(parts)
        text += "。"
        if w.get("assistance.files_opened"):
            text += f"{w.span}新建档{w.n('assistance.files_opened', '户')}。"
        paragraphs.append(text)
    # Campaign by campaign, under each one's own name ("春节慰问金", "夏送清凉").
    campaigns = [
        sentence
        for key in w.keys("assistance.campaign.")
        if key.endswith(".amount") and (sentence := w.say(key))
    ]
    if campaigns:
        text = "扎实开展帮扶活动，" + "；".join(campaigns) + "。"
        if w.get("assistance.grants"):
            text += (
                f"累计帮扶{w.n('assistance.grants', '人')}，发放帮扶资金"
                f"{w.n('assistance.grants_amount', '元')}"
                f"{w.change('assistance.grants_amount', '元')}"
            )
        if w.get("assistance.relief_people"):
            text += "，" if w.get("assistance.grants") else ""
            text += (
                f"集体慰问职工{w.n('assistance.relief_people', '人次')}、"
                f"投入资金和物资{w.n('assistance.relief_amount', '元')}"
            )
        paragraphs.append(text.rstrip("。") + "。")
    rest = w.rest_of_area("assistance", "此外，")
    if rest:
        paragraphs.append(rest)
    return ("精准开展帮扶，兜牢困难职工保障底线", paragraphs) if paragraphs else None
