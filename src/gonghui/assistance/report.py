"""The assistance section of the work report: hardship files, the campaigns' grants by kind,
group relief."""

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
            text += f"期内新建档{w.n('assistance.files_opened', '户')}。"
        paragraphs.append(text)
    campaigns = []
    for kind, label in (
        ("winter_warmth", "冬送温暖"),
        ("summer_cooling", "夏送清凉"),
        ("school_aid", "金秋助学"),
        ("spring_jobs", "春送岗位"),
        ("medical_relief", "医疗救助"),
        ("living_relief", "生活救助"),
        ("festival_visits", "节日慰问"),
        ("model_worker_care", "劳模关爱"),
    ):
        people = f"assistance.{kind}.people"
        if w.get(people):
            campaigns.append(
                f"“{label}”帮扶{w.n(people, '人')}、发放{w.n(f'assistance.{kind}.amount', '元')}"
            )
    if campaigns:
        paragraphs.append(
            "扎实开展帮扶活动，" + "；".join(campaigns) + "。累计帮扶"
            f"{w.n('assistance.grants', '人')}，发放帮扶资金"
            f"{w.n('assistance.grants_amount', '元')}"
            f"{w.change('assistance.grants_amount', '元')}。"
        )
    if w.get("assistance.relief_people"):
        paragraphs.append(
            f"开展集体慰问，慰问职工{w.n('assistance.relief_people', '人次')}，"
            f"投入资金和物资{w.n('assistance.relief_amount', '元')}。"
        )
    return ("精准开展帮扶，兜牢困难职工保障底线", paragraphs) if paragraphs else None
