"""The skills section of the work report, in the seeds' words: "举办劳动和技能竞赛6场，参赛职工
3000余人…选派职工参加全国茶叶加工职业技能竞赛，获得全省第一、全国第十八", "举办职工技能培训19期，
培训职工1263人，其中产业工人…，895人取得证书，帮助56人实现就业", and the innovation results with
the benefit they brought; then the area's other figures (the ledger's old entries)."""

from __future__ import annotations

import datetime

from gonghui.skills.indicators import GROUP_WORDS, results_above

HEADING = "深化劳动和技能竞赛，提升职工技能素质"


def section(w, org, start: datetime.date, end: datetime.date):
    paragraphs = []
    if w.get("skills.competitions") or w.get("skills.entrants.sent"):
        said = []
        if w.get("skills.competitions"):
            text = f"举办劳动和技能竞赛{w.n('skills.competitions')}"
            if w.get("skills.competitions.participants"):
                text += f"，参赛职工{w.n('skills.competitions.participants', '人')}"
            said.append(text)
        if w.get("skills.winners"):
            text = f"职工获得名次和奖项{w.n('skills.winners')}"
            if w.get("skills.winners.first"):
                text += f"，其中第一名或一等奖{w.n('skills.winners.first')}"
            said.append(text)
        if w.get("skills.entrants.sent"):
            text = f"选派职工参加省级以上竞赛{w.n('skills.entrants.sent')}"
            won = results_above(org, start, end)
            if won:
                text += "，" + "；".join(won)
            said.append(text)
        paragraphs.append("；".join(said) + "。")
    if w.get("skills.sessions"):
        text = f"举办职工技能培训{w.n('skills.sessions')}"
        if w.get("skills.trainees"):
            text += f"，培训职工{w.n('skills.trainees')}"
            groups = [
                f"{word}{w.n(f'skills.trainees.{group}')}"
                for group, word in GROUP_WORDS.items()
                if w.get(f"skills.trainees.{group}")
            ]
            if groups:
                text += "，其中" + "、".join(groups)
        if w.get("skills.certificates"):
            text += f"，{w.n('skills.certificates')}取得职业技能等级或培训合格证书"
        if w.get("skills.jobs"):
            text += f"，帮助{w.n('skills.jobs')}实现就业"
        if w.get("skills.training.cost"):
            text += f"，投入培训资金{w.n('skills.training.cost')}"
        paragraphs.append(text + "。")
    if w.get("skills.innovations"):
        text = f"开展“五小”等群众性技术创新活动，形成职工创新成果{w.n('skills.innovations')}"
        if w.get("skills.innovations.patents"):
            text += f"，其中获得专利{w.n('skills.innovations.patents')}"
        if w.get("skills.innovations.benefit"):
            text += f"，创造经济效益{w.n('skills.innovations.benefit')}"
        if w.get("skills.innovations.awarded"):
            text += f"；{w.n('skills.innovations.awarded')}成果获奖"
        paragraphs.append(text + "。")
    rest = w.rest_of_area("skills", "此外，" if paragraphs else "")
    if rest:
        paragraphs.append(rest)
    return (HEADING, paragraphs) if paragraphs else None
