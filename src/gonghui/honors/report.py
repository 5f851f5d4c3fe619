"""The honours section of the work report, in the seeds' words: "共选树省市级劳模13人，省市级
五一劳动奖章14人，省市级工人先锋号3个，市级五一劳动奖状1个，保山工匠2人；昌宁天和医院外科
工会小组被中华全国总工会命名为模范职工小家", then the nominations, the register and the
area's other figures (the ledger's 劳模慰问, 宣讲, 疗休养)."""

from __future__ import annotations

import datetime

from gonghui.honors.models import HonorKind, HonorLevel
from gonghui.honors.selectors import conferred_words

# How the seeds name each kind in the sentence.
WORDS = {
    HonorKind.MODEL_WORKER: "劳模",
    HonorKind.ADVANCED_WORKER: "先进工作者",
    HonorKind.MAY_DAY_MEDAL: "五一劳动奖章",
    HonorKind.MAY_DAY_AWARD: "五一劳动奖状",
    HonorKind.PIONEER: "工人先锋号",
    HonorKind.CRAFTSMAN: "工匠",
    HonorKind.TECHNICAL_EXPERT: "技术能手",
    HonorKind.INNOVATION_PACESETTER: "创新标兵",
    HonorKind.MODEL_HOME: "模范职工之家",
    HonorKind.MODEL_SMALL_HOME: "模范职工小家",
    HonorKind.INNOVATION_STUDIO: "劳模（工匠）创新工作室",
}
# The order the seeds say them in: persons first, then teams and units, then the titles.
SEED_ORDER = (
    HonorKind.MODEL_WORKER,
    HonorKind.ADVANCED_WORKER,
    HonorKind.MAY_DAY_MEDAL,
    HonorKind.PIONEER,
    HonorKind.MAY_DAY_AWARD,
    HonorKind.CRAFTSMAN,
    HonorKind.TECHNICAL_EXPERT,
    HonorKind.INNOVATION_PACESETTER,
    HonorKind.INNOVATION_STUDIO,
    HonorKind.MODEL_HOME,
    HonorKind.MODEL_SMALL_HOME,
)
# How the seeds name the care ("劳模春节慰问金、特殊困难帮扶金").
CARE_WORDS = {
    "allowance": "荣誉津贴",
    "festival": "节日慰问金",
    "hardship": "特殊困难帮扶金",
}
LEVEL_WORDS = {
    HonorLevel.NATIONAL: "全国",
    HonorLevel.PROVINCIAL: "省",
    HonorLevel.CITY: "市",
    HonorLevel.COUNTY: "县",
}


def level_prefix(levels: list[str]) -> str:
    """省市级 for provincial and city records, 全国 for national ones alone, 市级 for city."""
    if levels == [HonorLevel.NATIONAL]:
        return "全国"
    return "".join(LEVEL_WORDS[level] for level in levels) + "级"


def section(w, org, start: datetime.date, end: datetime.date):
    paragraphs = []
    said = conferred_words(org, start, end)
    parts = []
    named = {n["kind"] for n in said.get("namings", [])}
    for kind in SEED_ORDER:
        key = f"honors.kind.{kind}"
        if not w.get(key) or kind not in said:
            continue
        found = said[kind]
        if kind in named and found["levels"] == [HonorLevel.NATIONAL]:
            continue  # said as "…被中华全国总工会命名为模范职工小家" below
        if kind == HonorKind.CRAFTSMAN and found["titles"]:
            name = "、".join(found["titles"])
        else:
            name = level_prefix(found["levels"]) + WORDS[kind]
        parts.append(f"{name}{w.n(key)}")
    if parts:
        text = "大力弘扬劳模精神、劳动精神、工匠精神，共选树" + "，".join(parts)
        namings = [f"{n['name']}被{n['body']}命名为{n['title']}" for n in said.get("namings", [])]
        if namings:
            text += "；" + "，".join(namings)
        paragraphs.append(text + "。")
    if w.get("honors.nominated"):
        text = f"{w.span}推荐评选各级先进{w.n('honors.nominated')}"
        if w.get("honors.nominations_conferred"):
            text += f"，其中{w.n('honors.nominations_conferred')}获得表彰"
        paragraphs.append(text + "。")
    if w.get("honors.register"):
        levels = [
            f"{LEVEL_WORDS[level] + '级' if level != 'national' else '全国'}劳模"
            f"{w.n(f'honors.register.{level}')}"
            for level in HonorLevel.values
            if w.get(f"honors.register.{level}")
        ]
        text = f"建立劳模名册，在册劳模{w.n('honors.register')}"
        if levels:
            text += "，其中" + "、".join(levels)
        paragraphs.append(text + "。")
    if w.get("honors.care.amount"):
        # "为40名劳模发放节日慰问金12万元，为20名劳模发放特殊困难帮扶金78万元": each kind with
        # its people, then the totals where there is more than one kind.
        kinds = [kind for kind in CARE_WORDS if w.get(f"honors.care.{kind}.amount")]
        parts = [
            f"为{w.n(f'honors.care.{kind}.people', '名')}劳模发放{CARE_WORDS[kind]}"
            f"{w.n(f'honors.care.{kind}.amount')}"
            for kind in kinds
        ]
        text = "关心关爱劳模，" + "，".join(parts)
        if len(kinds) > 1:
            text += (
                f"，共惠及劳模{w.n('honors.care.people')}、发放关爱资金{w.n('honors.care.amount')}"
            )
        else:  # one kind: its figures are the totals
            w.written |= {"honors.care.people", "honors.care.amount"}
        paragraphs.append(text + "。")
    # What the section's sentences left: the ledger's 劳模 categories.
    rest = w.rest_of_area("honours", "此外，")
    if rest:
        paragraphs.append(rest)
    return ("弘扬劳模精神、劳动精神、工匠精神", paragraphs) if paragraphs else None
