"""The organisation-building section of the work report: unions, employers with a union, service
points, re-elections due."""

from __future__ import annotations

import datetime


def section(w, org, start: datetime.date, end: datetime.date):
    """This area's part of the work report (``reports.summary``), from its indicators."""
    if not w.get("orgs.grassroots_unions"):
        rest = w.rest_of_area("organisation")
        return ("强化组织建设，扩大工会覆盖", [rest]) if rest else None
    parts = [f"截至{end:%Y年%-m月%-d日}，共有基层工会{w.n('orgs.grassroots_unions', '个')}"]
    if w.get("orgs.employers_with_union"):
        parts.append(f"已建会单位{w.n('orgs.employers_with_union', '家')}")
    if w.get("orgs.joint_unions"):
        parts.append(f"联合工会和区域性工会{w.n('orgs.joint_unions', '个')}")
    text = "，".join(parts) + "。"
    if w.get("orgs.unions_founded"):
        text += f"{w.span}新建基层工会{w.n('orgs.unions_founded', '个')}。"
    # Every kind of service point there is, in the order the indicators list them.
    points = [key for key in w.keys("orgs.service_points.") if w.get(key)]
    paragraphs = [text]
    if points:
        listed = "、".join(f"{w.name(key)}{w.n(key)}" for key in points)  # 站 in 家
        paragraphs.append(
            f"阵地建设不断加强，建成服务阵地{w.n('orgs.service_points', '个')}，其中{listed}。"
        )
    if w.get("orgs.reelections_overdue"):
        paragraphs.append(
            f"同时，仍有{w.n('orgs.reelections_overdue', '个')}基层工会超期未换届，"
            f"需督促按期完成换届。"
        )
    rest = w.rest_of_area("organisation", "此外，")
    if rest:
        paragraphs.append(rest)
    return ("强化组织建设，扩大工会覆盖", paragraphs)
