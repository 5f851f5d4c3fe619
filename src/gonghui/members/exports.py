"""The roster as a spreadsheet, in the import template's columns so it can come back in.

Written with xlsxwriter's constant-memory mode from a server-side cursor, its scratch files in
memory (``core.exports``): memory stays flat whether the export has fifty rows or a million. ID
numbers and phones are masked unless the actor may see them and asked for them in full; an
unmasked export is written to the access log.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from gonghui.core import idnumbers
from gonghui.core.access import require_perm
from gonghui.core.access_log import log_access
from gonghui.core.crypto import cipher
from gonghui.core.exports import large_workbook
from gonghui.core.models import AccessLog
from gonghui.members import vocabularies as vocab
from gonghui.members.crypto import ID_PURPOSE, PHONE_PURPOSE

HEADERS = (
    "姓名",
    "身份证号",
    "性别",
    "民族",
    "出生日期",
    "手机号码",
    "学历",
    "政治面貌",
    "户籍类型",
    "是否农民工",
    "新就业形态类别",
    "工作单位",
    "所在工会",
    "工会代码",
    "会籍状态",
    "入会日期",
    "会员卡号",
)


def export_members(
    *, actor, queryset, target, unmasked: bool = False, description="", progress=None, total=0
) -> int:
    """Write ``queryset`` (already scoped by a selector) to ``target``; return the row count.
    ``progress(done, total)`` is told every thousand rows (the background export's bar)."""
    if unmasked:
        require_perm(actor, "members.export_unmasked")
    c = cipher()
    with large_workbook(target) as book:
        return _write(book, actor, queryset, c, unmasked, description, progress, total)


def export_job_write(job, target, progress) -> int:
    """The roster export as the worker writes it (``WorkAreaApp.exports``): the members the
    list showed at the click, read again through the asker's scope, so one who has since lost
    access gets nothing they may no longer see."""
    from django.db.models.expressions import RawSQL

    from gonghui.members.selectors import persons_visible_to

    ids = [int(i) for i in job.params.get("ids", [])]
    # One array parameter, not one per id: a city's roster passes the protocol's 65,535.
    chosen = RawSQL("SELECT unnest(%s::bigint[])", (ids,))
    return export_members(
        actor=job.created_by,
        queryset=persons_visible_to(job.created_by).filter(pk__in=chosen),
        target=target,
        unmasked=bool(job.params.get("unmasked")),
        description=job.params.get("description", ""),
        progress=progress,
        total=len(ids),
    )


def _write(book, actor, queryset, c, unmasked: bool, description: str, progress, total) -> int:
    sheet = book.add_worksheet("会员名册")
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = book.add_format({"num_format": "@"})
    for i, header in enumerate(HEADERS):
        sheet.write_string(0, i, header, head)
    sheet.set_column(0, len(HEADERS), 14, text)
    sheet.set_column(1, 1, 22, text)
    sheet.set_column(12, 12, 30, text)
    statuses = dict(_membership_statuses())
    rows = (
        queryset.select_related("latest_membership__org")
        .order_by("latest_membership__org__path", "name", "id")
        .iterator(chunk_size=2000)
    )
    count = 0
    for count, person in enumerate(rows, start=1):
        number = c.decrypt(person.id_number, ID_PURPOSE)
        phone = c.decrypt(person.phone, PHONE_PURPOSE) if person.phone else ""
        m = person.latest_membership
        values = (
            person.name,
            number if unmasked else idnumbers.mask(number),
            vocab.GENDER.labels.get(person.gender, ""),
            person.ethnicity,
            person.birth_date.isoformat(),
            phone if unmasked else (f"*******{person.phone_last4}" if phone else ""),
            vocab.EDUCATION.labels.get(person.education, ""),
            vocab.POLITICAL_STATUS.labels.get(person.political_status, ""),
            vocab.HUKOU.labels.get(person.hukou_type, ""),
            "是" if person.is_migrant_worker else "否",
            vocab.NEW_EMPLOYMENT.labels.get(person.new_employment_category, ""),
            m.employer_name if m else "",
            m.org.name if m else "",
            m.org.code if m else "",
            statuses.get(m.status, "") if m else "",
            m.joined_on.isoformat() if m else "",
            person.card_number,
        )
        for i, value in enumerate(values):
            sheet.write_string(count, i, value)
        if progress is not None and count % 1000 == 0:
            progress(count, total)
    book.close()
    if unmasked:
        with transaction.atomic():
            log_access(
                actor=actor,
                action=AccessLog.Action.EXPORT_UNMASKED,
                org=getattr(actor, "org", None),
                details={"rows": count, "filter": description, "at": timezone.now().isoformat()},
            )
    return count


def _membership_statuses():
    # Status names as the Chinese forms print them, independent of the screen language.
    return (
        ("provisional", "临时会员"),
        ("active", "正常"),
        ("retained", "保留会籍"),
        ("transferring", "转出中"),
        ("left", "退会"),
        ("expelled", "开除"),
    )
