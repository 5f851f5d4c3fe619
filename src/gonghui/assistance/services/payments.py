"""Paying grants through the platform's payment batches (``core.payments``)."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from gonghui.assistance.models import (
    Campaign,
    Grant,
    PaymentBatch,
)
from gonghui.assistance.services.common import (
    BANK_PURPOSE,
    G,
)
from gonghui.assistance.services.grants import GRANT, PAYER, may_take
from gonghui.core import payments
from gonghui.core.crypto import cipher
from gonghui.core.errors import DomainError
from gonghui.core.workflow import Step
from gonghui.members.crypto import ID_PURPOSE

# -- payment -----------------------------------------------------------------------------------


class GrantPayments(payments.Payable):
    """Grants as the platform pays them (``core.payments``): approved, in one campaign's batch,
    paid by the campaign's organiser to the bank account given on the application."""

    model = Grant
    batch_model = PaymentBatch
    permission = "assistance.add_paymentbatch"
    journal_account = "assistance"
    journal_memo = "发放帮扶资金"

    def __init__(self, campaign: Campaign | None = None):
        self.campaign = campaign

    def check(self, actor, item: Grant) -> None:
        grant = Grant.objects.select_related("campaign__org", "org", "person").get(pk=item.pk)
        if self.campaign is not None and grant.campaign_id != self.campaign.pk:
            raise DomainError(_("A batch holds grants of one campaign only."))
        if grant.status != G.APPROVED:
            raise DomainError(
                _("%(name)s: only approved grants not yet in a batch are paid.")
                % {"name": grant.person.name}
            )
        if not may_take(actor, grant, PAYER):
            raise DomainError(_("Grants are paid by the campaign's organiser."))
        if grant.cash_amount > 0 and not grant.bank_account:
            raise DomainError(
                _("%(name)s has no bank account for the cash.") % {"name": grant.person.name}
            )

    def payee(self, item: Grant) -> payments.Payee:
        return payments.Payee(
            name=item.person.name,
            bank_name=item.bank_name,
            bank_account=cipher().decrypt(item.bank_account, BANK_PURPOSE),
            amount=item.cash_amount,
            memo=item.campaign.name,
            id_number=cipher().decrypt(item.person.id_number, ID_PURPOSE),
        )

    def paid(self, *, actor, items, batch, paid_on, reference) -> None:
        if any(g.status != G.APPROVED for g in items):
            raise DomainError(_("Every grant of the batch must still be approved."))

        def stamp(locked: Grant, _step: Step) -> None:
            locked.paid_on = paid_on
            locked.payment_reference = reference[:60]

        for grant in items:
            GRANT.transition(
                actor=actor,
                obj=grant,
                step="pay",
                details={"batch": batch.pk, "paid_on": paid_on},
                apply=stamp,
                internal=True,
            )


def payment_batch_create(*, actor, campaign: Campaign, grants: list[Grant]) -> PaymentBatch:
    """Gather approved grants of one campaign into a batch for the bank."""
    return payments.payment_batch_create(
        actor=actor,
        payable=GrantPayments(campaign),
        items=grants,
        org=campaign.org,
        fields={"campaign": campaign},
    )


def payment_batch_bank_file(*, actor, batch: PaymentBatch) -> bytes:
    """The bank's transfer list (name, bank, full account, amount); logged as an access."""
    return payments.payment_batch_bank_file(actor=actor, payable=GrantPayments(), batch=batch)


def payment_batch_mark_paid(
    *, actor, batch: PaymentBatch, paid_on: datetime.date, reference: str
) -> PaymentBatch:
    """The bank paid the batch: each grant takes its "pay" step, or none does."""
    return payments.payment_batch_mark_paid(
        actor=actor, payable=GrantPayments(), batch=batch, paid_on=paid_on, reference=reference
    )
