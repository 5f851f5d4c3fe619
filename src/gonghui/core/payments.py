"""Paying people, for anything payable: the payment batch, the bank's transfer list and the record
of the transfer. Grants use it today; mutual-aid claims, model-worker allowances and loan
disbursements use it tomorrow, each through a ``Payable`` of their own.

A ``Payable`` says what an app pays: its records, its batch model (a ``PaymentBatchBase``), who
may pay them and when a record may be paid, the payee's name and bank details, and the step
that marks a record paid. The rest is the same for everyone: the batch is created under row
locks taken in primary-key order, a record is in one batch only, the bank file carries the full
account numbers and is written to the access log, and marking a batch paid takes every record's
own step in one transaction.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.access import require_in_scope, require_perm
from gonghui.core.errors import DomainError
from gonghui.core.events import record_event
from gonghui.core.models import MONEY


def bank_account_digits(text: str) -> str:
    """The digits of an account number as a clerk typed it (blanks and dashes dropped);
    refused unless 12 to 30 digits. "" for none given."""
    account = "".join(ch for ch in (text or "") if ch.isascii() and ch.isdigit())
    if text and not 12 <= len(account) <= 30:
        raise DomainError({"bank_account": _("A bank account number has 12 to 30 digits.")})
    return account


class PaymentBatchBase(models.Model):
    """One bank transfer list: what is paid, from which org, and when it was paid."""

    class Status(models.TextChoices):
        PREPARED = "prepared", gettext_lazy("Prepared")
        PAID = "paid", gettext_lazy("Paid")

    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=gettext_lazy("Paying organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        gettext_lazy("Status"), max_length=16, choices=Status.choices, default=Status.PREPARED
    )
    # Said for every kind of payment (grants, care, claims, refunds), not for grants only.
    total = models.DecimalField(gettext_lazy("Total paid (yuan)"), default=Decimal(0), **MONEY)
    count = models.PositiveIntegerField(gettext_lazy("Payments in the batch"), default=0)
    paid_on = models.DateField(gettext_lazy("Paid on"), null=True, blank=True)
    reference = models.CharField(gettext_lazy("Bank reference"), max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(gettext_lazy("Created"), default=timezone.now)

    class Meta:
        abstract = True


@dataclass(frozen=True)
class Payee:
    name: str
    bank_name: str
    bank_account: str  # in full: the bank file is the one place it is written out
    amount: Decimal
    memo: str = ""
    # The bank checks the payee's ID number against the account holder's (also in full).
    id_number: str = ""


class Payable:
    """What an app pays. Subclasses set the class attributes and implement the hooks."""

    model: type[models.Model]
    batch_model: type[PaymentBatchBase]
    batch_field = "payment_batch"  # the record's foreign key to its batch
    amount_field = "cash_amount"
    permission = ""  # who may make a batch, download its bank file, mark it paid
    event = "paymentbatch"  # the batch's events: "<event>.create"
    # The paying org's fund account the batch is spent from (``funds.models.Account``), posted
    # when the batch is paid; "" for money of another fund (mutual aid's) or posted record by
    # record (refunds).
    journal_account = ""
    journal_memo = ""

    def check(self, actor, item) -> None:
        """Refuse (``DomainError``, naming the person) a record that may not be paid now."""

    def payee(self, item) -> Payee:
        raise NotImplementedError

    def paid(self, *, actor, items: list, batch, paid_on: datetime.date, reference: str) -> None:
        """Take each record's own "paid" step (its workflow) and stamp the payment."""
        raise NotImplementedError


def payment_batch_create(
    *, actor, payable: Payable, items: Sequence, org, fields: dict | None = None
):
    """Gather records into a batch paid by ``org``; each must pass ``payable.check`` and be in
    no batch yet. All or nothing."""
    require_perm(actor, payable.permission)
    if not items:
        raise DomainError(_("Pick the approved grants to pay."))
    with transaction.atomic():
        require_in_scope(actor, org)
        locked = list(
            payable.model.objects.select_for_update(of=("self",))
            .filter(pk__in=[i.pk for i in items])
            .order_by("pk")
        )
        for item in locked:
            if getattr(item, f"{payable.batch_field}_id") is not None:
                raise DomainError(_("A record in the batch is already in another batch."))
            payable.check(actor, item)
        batch = payable.batch_model.objects.create(
            org=org,
            created_by=actor if getattr(actor, "pk", None) else None,
            total=sum((getattr(i, payable.amount_field) for i in locked), Decimal(0)),
            count=len(locked),
            **(fields or {}),
        )
        payable.model.objects.filter(pk__in=[i.pk for i in locked]).update(
            **{payable.batch_field: batch}
        )
        record_event(
            actor=actor,
            action=f"{payable.event}.create",
            org=org,
            target=batch,
            details={"count": batch.count, "total": batch.total},
        )
    return batch


# The bank file's column headers are on this row, under the title and the batch's line.
HEADER_ROW = 3


def payment_batch_bank_file(*, actor, payable: Payable, batch) -> bytes:
    """The bank's transfer list: a header saying who pays, which batch, how many and how much,
    then a row per payee (name, ID number, bank, full account, amount, memo) and the total; an
    unmasked export, so written to the access log."""
    import xlsxwriter

    from gonghui.core.access_log import log_access
    from gonghui.core.models import AccessLog

    require_perm(actor, payable.permission)
    require_in_scope(actor, batch.org)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("代发明细")
    head = book.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7"})
    text = book.add_format({"num_format": "@"})
    money = book.add_format({"num_format": "0.00"})
    title = book.add_format({"bold": True, "font_size": 14})
    sheet.write_string(0, 0, "代发明细", title)
    day = timezone.localdate()
    sheet.write_string(
        1,
        0,
        f"付款单位：{batch.org.name}　批次号：{batch.pk}　笔数：{batch.count}　"
        f"合计：{batch.total}元　制表日期：{day:%Y-%m-%d}",
    )
    columns = ("序号", "姓名", "身份证号", "开户银行", "银行账号", "金额(元)", "摘要")
    for i, h in enumerate(columns):
        sheet.write_string(HEADER_ROW, i, h, head)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 14)
    sheet.set_column(2, 2, 22, text)
    sheet.set_column(3, 3, 14)
    sheet.set_column(4, 4, 26, text)
    sheet.set_column(5, 5, 12, money)
    sheet.set_column(6, 6, 24)
    items = payable.model.objects.filter(
        **{payable.batch_field: batch, f"{payable.amount_field}__gt": 0}
    ).order_by("pk")
    row = HEADER_ROW
    for n, item in enumerate(items, start=1):
        payee = payable.payee(item)
        row = HEADER_ROW + n
        sheet.write_number(row, 0, n)
        sheet.write_string(row, 1, payee.name)
        sheet.write_string(row, 2, payee.id_number, text)
        sheet.write_string(row, 3, payee.bank_name)
        sheet.write_string(row, 4, payee.bank_account, text)
        sheet.write_number(row, 5, float(payee.amount), money)
        sheet.write_string(row, 6, payee.memo[:20])
    sheet.write_string(row + 1, 4, "合计")
    sheet.write_number(row + 1, 5, float(batch.total), money)
    book.close()
    with transaction.atomic():
        log_access(
            actor=actor,
            action=AccessLog.Action.EXPORT_UNMASKED,
            target=batch,
            org=batch.org,
            details={"rows": n, "file": "bank transfer list"},
        )
    return out.getvalue()


def payment_batch_mark_paid(
    *, actor, payable: Payable, batch, paid_on: datetime.date, reference: str
):
    """Record that the bank paid the batch: every record takes its "paid" step, or none does."""
    require_perm(actor, payable.permission)
    if not reference.strip():
        raise DomainError({"reference": _("Give the bank's reference of the transfer.")})
    with transaction.atomic():
        locked = payable.batch_model.objects.select_for_update().get(pk=batch.pk)
        require_in_scope(actor, locked.org)
        if locked.status != PaymentBatchBase.Status.PREPARED:
            raise DomainError(_("This batch is already paid."))
        if paid_on > timezone.localdate():
            raise DomainError({"paid_on": _("The payment date is in the future.")})
        items = list(
            payable.model.objects.select_for_update(of=("self",))
            .filter(**{payable.batch_field: locked})
            .order_by("pk")
        )
        payable.paid(
            actor=actor, items=items, batch=locked, paid_on=paid_on, reference=reference.strip()
        )
        locked.status = PaymentBatchBase.Status.PAID
        locked.paid_on = paid_on
        locked.reference = reference.strip()[:60]
        locked.save()
        if payable.journal_account and locked.total:
            _post(actor, payable, locked)
    return locked


def _post(actor, payable: Payable, batch) -> None:
    """The paid batch into the books of the app that keeps them (the funds area), in the same
    transaction."""
    from django.utils.module_loading import import_string

    from gonghui.core.workareas import work_area_apps

    for config in work_area_apps():
        if config.payment_posting:
            import_string(config.payment_posting)(
                actor=actor,
                batch=batch,
                account=payable.journal_account,
                memo=f"{payable.journal_memo}（批次{batch.pk}，{batch.count}笔）",
            )
