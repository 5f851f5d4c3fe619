"""The organisation-building section of the work report: unions, employers with a union, service
points, re-elections due."""

from __future__ import annotations

import datetime


def section(w, org, start: datetime.date, end: datetime.date):
    """This area's part of the work report (``reports.summary``), from its indicators."""
    if not w.get("orgs.grassroots_unions"):
        return None
    parts = [f"截至{end:%Y年%-m月%-d日}，共有基层工会{w.n('orgs.grassroots_unions', '个')}"]
    if w.get("orgs.employers_with_union"):
        parts.append(f"已建会单位{w.n('orgs.employers_with_union', '家')}")
    if w.get("orgs.joint_unions"):
        parts.append(f"联合工会和区域性工会{w.n('orgs.joint_unions', '个')}")
    text = "，".join(parts) + "。"
    if w.get("orgs.unions_founded"):
        text += f"期内新建基层工会{w.n('orgs.unions_founded', '个')}。"
    points = [
        (key, label)
        for key, label in (
            ("orgs.service_points.workers_home", "职工之家"),
            ("orgs.service_points.outdoor_station", "户外劳动者服务站点"),
            ("orgs.service_points.reading_room", "职工书屋"),
            ("orgs.service_points.nursing_room", "妈咪小屋"),
            ("orgs.service_points.innovation_studio", "劳模（工匠）创新工作室"),
        )
        if w.get(key)
    ]
    paragraphs = [text]
    if points:
        listed = "、".join(f"{label}{w.n(key, '个')}" for key, label in points)
        paragraphs.append(
            f"阵地建设不断加强，建成服务阵地{w.n('orgs.service_points', '个')}，其中{listed}。"
        )
    if w.get("orgs.reelections_overdue"):
        paragraphs.append(
            f"同时，仍有{w.n('orgs.reelections_overdue', '个')}基层工会超期未换届，"
            f"需督促按期完成换届。"
        )
    return ("强化组织建设，扩大工会覆盖", paragraphs)
