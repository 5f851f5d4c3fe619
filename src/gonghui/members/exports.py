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


def export_members(*, actor, queryset, target, unmasked: bool = False, description="") -> int:
    """Write ``queryset`` (already scoped by a selector) to ``target``; return the row count."""
    if unmasked:
        require_perm(actor, "members.export_unmasked")
    c = cipher()
    with large_workbook(target) as book:
        return _write(book, actor, queryset, c, unmasked, description)


def _write(book, actor, queryset, c, unmasked: bool, description: str) -> int:
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
