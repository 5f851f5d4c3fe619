"""The year's work report (工作综述) in the genre of the seeds: a title with the org and the
period, an opening paragraph, a section per work area that has figures, sentences built from
the indicators, and a closing paragraph.

The text is Chinese by design, like the import templates' headers: it is the document the
federation sends, in the genre of its reports, not a screen to translate. Every figure in the
text comes from ``selectors.figures`` for the same org and period and is
recorded in ``ReportText.used`` (key, value, text as written), so a test, or a reader with
``gonghui indicators --json``, can check each one. Areas without data are left out; zeros are
never written as achievements.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from cn2an import an2cn
from django.utils import timezone

from gonghui.core.figures import figure, money, percent
from gonghui.core.indicators import PLACEHOLDER, STOCK
from gonghui.core.workareas import WorkArea
from gonghui.orgs.models import Org
from gonghui.reports.periods import Period
from gonghui.reports.registry import all_indicators, all_rates
from gonghui.reports.selectors import figures

MARKER = re.compile("\x00(\\d+)\x00")
STOPS = "，。；、：（）\n"


@dataclass
class ReportText:
    """The report as generated, before anyone edits it (the stored, editable one is
    ``models.WorkReport``)."""

    title: str
    period: str
    opening: str
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    closing: str = ""
    used: list[tuple[str, object, str]] = field(default_factory=list)
    phrase_of: dict[int, str] = field(default_factory=dict)  # index in ``used`` → phrase
    # 落款: the org that writes the report and the day it is written, under the text.
    signed_by: str = ""
    signed_on: datetime.date | None = None

    def signature(self) -> list[str]:
        if not self.signed_by:
            return []
        return [self.signed_by, signed_date(self.signed_on)] if self.signed_on else [self.signed_by]

    def markdown(self) -> str:
        lines = [f"# {self.title}", "", self.opening, ""]
        for i, (heading, paragraphs) in enumerate(self.sections):
            lines += [f"## {an2cn(i + 1)}、{heading}", ""]
            for p in paragraphs:
                lines += [p, ""]
        lines += [self.closing, ""]
        for line in self.signature():
            lines += [line, ""]
        return "\n".join(lines)

    def phrases(self) -> list[tuple[str, object, str, str]]:
        """Each figure used with the words just before it, as written ("会员总数达3人"), so that
        an edited draft can tell which figure was changed even when "3人" occurs twice."""
        return [
            (key, value, text, self.phrase_of.get(i, text))
            for i, (key, value, text) in enumerate(self.used)
        ]

    def body(self) -> str:
        """The text a clerk edits: one paragraph per line, headings as 一、…, no title."""
        lines = [self.opening]
        for i, (heading, paragraphs) in enumerate(self.sections):
            lines.append(f"{an2cn(i + 1)}、{heading}")
            lines += paragraphs
        lines.append(self.closing)
        lines += self.signature()
        return "\n".join(lines)


def signed_date(day: datetime.date) -> str:
    """The date of a 落款 as official documents write it (GB/T 9704): 2026年12月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


class _Writer:
    """Turns figures into phrases and remembers each one it writes."""

    def __init__(
        self,
        values: dict,
        previous: dict,
        used: list,
        targets: dict | None = None,
        lower_bounds: set | None = None,
        units: dict | None = None,
        approximations: dict | None = None,
    ):
        self.values, self.previous, self.used = values, previous, used
        self.targets = targets or {}
        self.lower_bounds = lower_bounds or set()
        self.units = units or {}
        self.approximations = approximations or {}
        self.written: set[str] = set()  # the keys said so far, by any section
        self.completed: set[str] = set()  # the keys whose target completion is said
        self.rates: list = []  # core.indicators.Rate, said after their numerator
        self.compared = self.compared_stock = "比上年同期"  # how a change is introduced
        self.kinds: dict = {}  # key → flow or stock
        self.span = "期内"  # what a section says before its figures
        self.scope = None  # (org, start, end) of the report, for what records won (notes)

    def completion(self, key: str) -> str:
        """ "，完成年度任务的131%" when the org has a target for the indicator (said once)."""
        target = self.targets.get(key)
        if not target or key in self.completed:
            return ""
        self.completed.add(key)
        rate = percent(self.values[key], target)
        return f"，完成年度任务的{self._mark(f'{key}#completion', rate, rate)}"

    def get(self, key):
        return self.values.get(key, 0)

    def average(self, key: str, per: str) -> str:
        """ "5753.49元": the figure ``key`` (money) per unit of ``per`` ("人均" after a payout
        total), traced under ``key`` like a rate: two indicator values, not one. "" when
        ``per`` is nothing."""
        whole = self.values.get(per, 0)
        if not whole:
            return ""
        value = (Decimal(self.values.get(key, 0)) / Decimal(whole)).quantize(Decimal("0.01"))
        return self._mark(f"{key}#average", value, money(value))

    def say(self, key: str) -> str:
        """The sentence of a figure said with others (``Indicator.parts``), or ""."""
        from gonghui.reports.registry import all_indicators

        ind = all_indicators().get(key)
        return _family_sentence(self, ind) if ind is not None and ind.parts else ""

    def name(self, key: str) -> str:
        from gonghui.reports.registry import all_indicators

        return str(all_indicators()[key].name)

    def keys(self, prefix: str) -> list[str]:
        """The keys of the figures whose key starts with ``prefix``, in the registry's order."""
        from gonghui.reports.registry import all_indicators

        return [k for k in all_indicators() if k.startswith(prefix)]

    def rest_of_area(self, area: str, opening: str = "") -> str | None:
        """The area's figures no sentence said yet (its ledger categories, an area's figures
        without words of their own), as one paragraph: every section ends with it, so nothing
        recorded is left out of the report."""
        return area_paragraph(self, area, opening)

    def n(self, key: str, unit: str | None = None, *, after: bool = True) -> str:
        """The figure as written, remembered for tracing. ``after``: the figure's target
        completion and the rates it is the numerator of follow it ("，完成年度任务的131%",
        "，建会率47.5%"), each said once, wherever the figure is said first."""
        value = self.values[key]
        unit = unit if unit is not None else self.units.get(key, "")
        text = figure(value, unit, key in self.lower_bounds, self.approximations.get(key, ""))
        self.written.add(key)
        marked = self._mark(key, value, text)
        return marked + (self.completion(key) + self.rates_of(key) if after else "")

    def rates_of(self, key: str) -> str:
        """ "，集体合同签订率达32.1%" for each declared rate whose numerator is ``key``."""
        said = []
        for rate in self.rates:
            if rate.numerator != key or rate.key in self.written:
                continue
            whole = self.values.get(rate.denominator, 0)
            if not whole or not self.values.get(key):
                continue
            text = percent(self.values[key], whole)
            self.written.add(rate.key)
            # Traced under its numerator: the rate is two indicator values, not one. At 100%
            # a rate may be said in words ("均已建立"), which then stand for the figure.
            if rate.full and text == "100%":
                said.append("，" + self._mark(f"{key}#{rate.key}", text, rate.full))
            else:
                marked = self._mark(f"{key}#{rate.key}", text, text)
                said.append("，" + rate.phrase.replace("{r}", marked))
        return "".join(said)

    def _mark(self, key: str, value, text: str) -> str:
        """Record a figure and leave a marker where it goes; ``resolve`` writes the figure in
        and notes the words just before it, wherever the sentence put it."""
        self.used.append((key, value, text))
        return f"\x00{len(self.used) - 1}\x00"

    def resolve(self, text: str, phrases: dict) -> str:
        out, last = [], 0
        for m in MARKER.finditer(text):
            out.append(text[last : m.start()])
            index = int(m.group(1))
            _key, _value, figure_text = self.used[index]
            before = "".join(out)
            start = len(before)
            while start > 0 and len(before) - start < 8 and before[start - 1] not in STOPS:
                start -= 1
            phrases[index] = before[start:] + figure_text
            out.append(figure_text)
            last = m.end()
        out.append(text[last:])
        return "".join(out)

    def change(self, key: str, unit: str) -> str:
        """ "，比上年同期增加120人、增长3.6%" ("比前五年" for a five-year review), or "" when
        there is no earlier figure."""
        now, before = self.values[key], self.previous.get(key, 0)
        if not before or now == before:
            return ""
        diff = now - before
        word = "增加" if diff > 0 else "减少"
        amount = money(abs(diff)) if unit == "元" else f"{abs(diff)}{unit}"
        amount = self._mark(f"{key}#change", diff, amount)
        rate = percent(abs(diff), before)
        rate = self._mark(f"{key}#rate", rate, rate)
        compared = self.compared_stock if self.kinds.get(key) == STOCK else self.compared
        return f"，{compared}{word}{amount}、{'增长' if diff > 0 else '下降'}{rate}"


def work_report(actor, org: Org, start: datetime.date, end: datetime.date) -> ReportText:
    span = Period(start, end)
    previous_span = span.previous()
    rows = figures(
        actor, org, start, end, previous=previous_span is not None, previous_span=previous_span
    )
    values = {f.key: f.value for f in rows}
    previous = {f.key: f.previous for f in rows}
    report = ReportText(
        title=f"{org.name}{span.label()}工作总结",
        period=span.label(),
        opening="",
        signed_by=org.name,
        signed_on=timezone.localdate(),
    )
    w = _Writer(
        values,
        previous,
        report.used,
        {f.key: f.target for f in rows if f.target},
        {f.key for f in rows if f.lower_bound},
        {f.key: f.unit for f in rows},
        {f.key: f.approximation for f in rows},
    )
    w.rates = all_rates()
    w.compared, w.compared_stock = span.compared(), span.compared(stock=True)
    w.span = span.span_words()
    w.scope = (org, start, end)
    w.kinds = {key: ind.kind for key, ind in all_indicators().items()}
    report.opening = (
        f"{span.opening()}，{org.name}在上级工会的坚强领导下，坚持以职工为中心，紧紧围绕组织建设、"
        f"会员服务、困难职工帮扶等重点工作，团结动员广大职工建功立业，各项工作取得新进展。"
        f"现将主要工作情况总结如下。"
    )
    for section in _sections():
        written = section(w, org, start, end)
        if written is not None:
            heading, paragraphs = written
            resolved = [w.resolve(text, report.phrase_of) for text in paragraphs]
            report.sections.append((heading, resolved))
    plan = _plan(w, org, end.year + 1)
    if plan is not None:
        heading, paragraphs = plan
        report.sections.append((heading, [w.resolve(t, report.phrase_of) for t in paragraphs]))
    report.closing = (
        "成绩来之不易，但对照职工群众的期盼，工作中仍有不足：部分基层工会作用发挥不够充分，"
        "服务职工的精准度还需提高。下一步，我们将持续深化工会改革，扩大组织覆盖，做实会员"
        "服务，织密帮扶保障网，为推动经济社会高质量发展贡献工会力量。"
    )
    return report


def _plan(w: _Writer, org: Org, year: int):
    """The next year's plan: each target the org above set, in the seeds' words ("力争会员
    总数达到3.5万人"), then the org's own plan items; None when there is neither."""
    from gonghui.reports.models import PlanItem
    from gonghui.reports.selectors import targets_for

    registry = all_indicators()
    sentences = []
    for key, value in sorted(
        targets_for(org, year).items(),
        key=lambda kv: list(registry).index(kv[0]) if kv[0] in registry else 0,
    ):
        ind = registry.get(key)
        if ind is None:
            continue
        amount = value if ind.unit == "元" else int(value)
        shown = w._mark(f"{key}#plan", amount, figure(amount, ind.unit))
        said = ind.phrase.format(n=shown) if ind.phrase else f"{ind.name}达到{shown}"
        sentences.append("力争" + said)
    items = list(
        PlanItem.objects.filter(org=org, year=year)
        .order_by("order", "id")
        .values_list("text", flat=True)
    )
    if not sentences and not items:
        return None
    paragraphs = []
    if sentences:
        paragraphs.append(f"{year}年，" + "；".join(sentences) + "。")
    paragraphs += [text if text.endswith("。") else text + "。" for text in items]
    return (f"{year}年工作计划", paragraphs)


LEDGER_HEADINGS = {
    WorkArea.ORGANISATION: None,  # joins the organisation section's own heading
    WorkArea.FUNDS: "管好用好工会经费",
    WorkArea.MUTUAL_AID: "推进职工互助保障",
    WorkArea.HONOURS: "弘扬劳模精神、劳动精神、工匠精神",
    WorkArea.SKILLS: "深化劳动和技能竞赛，提升职工技能素质",
    WorkArea.RIGHTS: "依法维护职工合法权益",
    WorkArea.SERVICES: "用心用情服务职工",
    WorkArea.CULTURE: "丰富职工精神文化生活",
    WorkArea.STATISTICS: "加强调查研究",
}


def _family_sentence(w: _Writer, ind) -> str:
    """The sentence of an indicator said together with others (a ledger category): its parts
    in order, each the first alternative whose figures are all non-zero; the family's other
    non-zero counts after the first part; funds not said in brackets; sub-types after "其中"."""
    w.written.add(ind.key)
    pieces, said = [], set()
    for alternatives in ind.parts:
        for template in alternatives:
            names = PLACEHOLDER.findall(template)
            keys = [ind.part_keys.get(name) for name in names]
            if names and all(key and w.get(key) for key in keys):
                text = template
                for name, key in zip(names, keys, strict=True):
                    text = text.replace("{" + name + "}", w.n(key, after=False), 1)
                # A figure's completion and rates close the part it is said in.
                text += "".join(w.completion(k) + w.rates_of(k) for k in keys)
                pieces.append(text)
                said |= set(names)
                break
    rest = [
        key
        for name, key in ind.part_keys.items()
        if name not in said and name not in ("amount", "entries") and w.get(key)
    ]
    if not pieces:
        if not rest:
            return ""
        pieces.append(f"{ind.name}{w.n(rest.pop(0), after=False)}")
    if rest:
        pieces[0] += "、" + "、".join(w.n(key, after=False) for key in rest)
    text = "，".join(pieces)
    amount = ind.part_keys.get("amount")
    if "amount" not in said and amount and w.get(amount):
        text += f"（投入{w.n(amount)}）"
    subs = [f"{label}{w.n(key)}" for label, key in ind.subparts if w.get(key)]
    if subs:
        text += "，其中" + "、".join(subs)
    if ind.notes is not None and w.scope is not None:
        text += "".join(f"；{note}" for note in ind.notes(*w.scope))
    return text


def _area_sentences(w: _Writer, area: str) -> list[str]:
    """ "签订集体合同90份，覆盖企业183户" for each figure of the area with data that no section
    said yet, in the indicators' order: a family's sentence (``Indicator.parts``), else its
    phrase, or its name and the figure; its funds (``<key>.amount``) in brackets after it."""
    from gonghui.reports.registry import all_indicators

    registry = all_indicators()
    parts = []
    for key, ind in registry.items():
        if ind.work_area != area or ind.said_with or ind.leave_out or key in w.written:
            continue
        if ind.parts:
            text = _family_sentence(w, ind)
        elif not w.get(key) or (
            key.endswith(".amount") and key.removesuffix(".amount") in registry
        ):
            continue
        else:
            figure_text = w.n(key, after=False)
            text = ind.phrase.format(n=figure_text) if ind.phrase else f"{ind.name}{figure_text}"
            text += w.completion(key) + w.rates_of(key)
            if w.get(f"{key}.amount"):
                text += f"（投入{w.n(f'{key}.amount', '元')}）"
        if text:
            parts.append(text)
    return parts


def area_paragraph(w: _Writer, area: str, opening: str) -> str | None:
    """The area's figures no section said yet, as one paragraph, for a section to end with
    (the ledger's entries of organisation building, members and assistance)."""
    parts = _area_sentences(w, area)
    return opening + "，".join(parts) + "。" if parts else None


def generic_section(area: str):
    """The section of an area that writes none of its own: its figures from their phrases."""

    def write(w: _Writer, org: Org, start: datetime.date, end: datetime.date):
        parts = _area_sentences(w, area)
        if not parts:
            return None
        opening = w.span
        heading = LEDGER_HEADINGS.get(area) or str(WorkArea(area).label)
        return (heading, [opening + "，".join(parts) + "。"])

    return write


def _sections() -> list:
    """The report's sections in work-area order: each area's own (declared by its apps as
    ``report_section``), or the generic one from its figures' phrases."""
    from django.utils.module_loading import import_string

    from gonghui.core.workareas import work_area_apps

    sections = []
    for area in WorkArea.values:
        own = [c.report_section for c in work_area_apps() if c.work_area == area]
        own = [path for path in own if path]
        if own:
            sections += [import_string(path) for path in own]
        elif LEDGER_HEADINGS.get(area, "") is not None:
            sections.append(generic_section(area))
    return sections
