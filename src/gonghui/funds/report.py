"""The funds section of the work report, in the seeds' words: "切实加强工会经费收缴管理",
"按职工工资总额的2%拨缴", collection and its rate by channel, the split between the levels and the
employers behind; then the area's other figures (the ledger's old entries)."""

from __future__ import annotations

import datetime

from django.db.models import F

from gonghui.funds.indicators import PURPOSE_WORDS, SHARE_WORDS
from gonghui.funds.models import Channel, FundRefund

HEADING = "切实加强工会经费收缴管理，保障工会组织健康发展"
CHANNEL_WORDS = {Channel.TAX: "税务代收", Channel.FISCAL: "财政划拨", Channel.DIRECT: "自行拨缴"}


def _all_in_full(org, start, end) -> bool:
    """Whether every refund paid in the period gave back all that was paid (全额返还)."""
    paid = FundRefund.objects.filter(
        org__path__startswith=org.path,
        status=FundRefund.Status.PAID,
        paid_on__gte=start,
        paid_on__lte=end,
    )
    return not paid.filter(amount__lt=F("paid")).exists()


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
    if w.get("funds.dues"):
        paragraphs.append(f"各级工会收缴会费{w.n('funds.dues')}，留归本级工会使用。")
    if w.get("funds.refunds"):
        how = "全额返还" if _all_in_full(org, start, end) else "按政策比例返还"
        paragraphs.append(
            f"认真落实为企业减负政策，对已建立工会组织并足额缴纳工会经费的小微企业{how}已上缴"
            f"工会经费，为{w.n('funds.refunds.employers')}小微企业返还工会经费{w.n('funds.refunds')}。"
        )
    if w.get("funds.allocations"):
        text = (
            f"先后{w.n('funds.allocations.count')}下拨和补助经费{w.n('funds.allocations')}，"
            f"补助{w.n('funds.allocations.recipients')}工会"
        )
        purposes = [
            f"{words}{w.n(f'funds.allocations.{purpose}')}"
            for purpose, words in PURPOSE_WORDS.items()
            if w.get(f"funds.allocations.{purpose}")
        ]
        if purposes:
            text += "，其中" + "、".join(purposes)
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
