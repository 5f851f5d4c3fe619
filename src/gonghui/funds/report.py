"""The funds section of the work report, in the seeds' words: "切实加强工会经费收缴管理",
"按职工工资总额的2%拨缴", collection and its rate by channel, the split between the levels and the
employers behind; then the area's other figures (the ledger's old entries)."""

from __future__ import annotations

import datetime

from gonghui.funds.indicators import SHARE_WORDS
from gonghui.funds.models import Channel

HEADING = "切实加强工会经费收缴管理，保障工会组织健康发展"
CHANNEL_WORDS = {Channel.TAX: "税务代收", Channel.FISCAL: "财政划拨", Channel.DIRECT: "自行拨缴"}


def section(w, org, start: datetime.date, end: datetime.date):
    paragraphs = []
    if w.get("funds.due") or w.get("funds.collected"):
        text = "按职工工资总额的2%拨缴工会经费"
        if w.get("funds.employers"):
            text += f"，{w.n('funds.employers')}单位应缴{w.n('funds.due')}"
        elif w.get("funds.due"):
            text += f"，应缴{w.n('funds.due')}"
        text += f"，收缴{w.n('funds.collected')}"
        channels = [
            f"{words}{w.n(f'funds.collected.{channel}')}"
            for channel, words in CHANNEL_WORDS.items()
            if w.get(f"funds.collected.{channel}")
        ]
        if channels:
            text += "，其中" + "、".join(channels)
        if w.get("funds.levy"):
            text += f"；收缴工会筹备金{w.n('funds.levy')}"
        shares = [
            f"{words}{w.n(f'funds.share.{level}')}"
            for level, words in SHARE_WORDS.items()
            if w.get(f"funds.share.{level}")
        ]
        if shares:
            text += "；收缴经费按比例分成，" + "，".join(shares)
        paragraphs.append(text + "。")
    if w.get("funds.arrears"):
        paragraphs.append(
            f"截至期末，{w.n('funds.arrears.employers')}单位欠缴工会经费"
            f"{w.n('funds.arrears')}，正督促补缴。"
        )
    rest = w.rest_of_area("funds", "此外，" if paragraphs else "")
    if rest:
        paragraphs.append(rest)
    return (HEADING, paragraphs) if paragraphs else None
