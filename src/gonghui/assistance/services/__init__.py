"""Every write of assistance: hardship files, campaigns, grants through their workflow,
payment batches and group relief.

The grant workflow is one table (``GRANT_STEPS``): each step names the statuses it leaves and
enters and who may take it. Money limits are checked under row locks taken in a fixed order
(the campaign, then the people by primary key), so two approvals at the same moment are
serialised and the second one sees the first.
"""

from gonghui.assistance.services.campaigns import (
    campaign_create,
    campaign_update,
    committed_amount,
    standard_delete,
    standard_for,
    standard_set,
)
from gonghui.assistance.services.common import BANK_PURPOSE, STUDENT_PURPOSE
from gonghui.assistance.services.files import (
    FILE_TRANSITIONS,
    HARDSHIP_FILE,
    REVIEW_EVERY,
    Assessment,
    assess,
    hardship_file_create,
    hardship_file_review,
    hardship_file_transition,
    household_member_add,
)
from gonghui.assistance.services.grants import (
    APPLICANT,
    GRANT,
    GRANT_STEPS,
    ORGANISER,
    PAYER,
    REVIEWER,
    STEP_NAMES,
    TRANSITIONS,
    GrantDraft,
    duplicate_message,
    grant_check,
    grant_create,
    grant_transition,
    grants_take_step,
    may_take,
)
from gonghui.assistance.services.payments import (
    GrantPayments,
    payment_batch_bank_file,
    payment_batch_create,
    payment_batch_mark_paid,
)
from gonghui.assistance.services.relief import (
    group_relief_create,
    group_relief_delete,
    group_relief_update,
)
from gonghui.assistance.services.standards import policy_create, policy_for, policy_update

__all__ = [
    "APPLICANT",
    "BANK_PURPOSE",
    "FILE_TRANSITIONS",
    "GRANT",
    "GRANT_STEPS",
    "HARDSHIP_FILE",
    "ORGANISER",
    "PAYER",
    "REVIEWER",
    "REVIEW_EVERY",
    "STEP_NAMES",
    "STUDENT_PURPOSE",
    "TRANSITIONS",
    "Assessment",
    "GrantDraft",
    "GrantPayments",
    "assess",
    "campaign_create",
    "campaign_update",
    "committed_amount",
    "duplicate_message",
    "grant_check",
    "grant_create",
    "grant_transition",
    "grants_take_step",
    "group_relief_create",
    "group_relief_delete",
    "group_relief_update",
    "hardship_file_create",
    "hardship_file_review",
    "hardship_file_transition",
    "household_member_add",
    "may_take",
    "payment_batch_bank_file",
    "payment_batch_create",
    "payment_batch_mark_paid",
    "policy_create",
    "policy_for",
    "policy_update",
    "standard_delete",
    "standard_for",
    "standard_set",
]
