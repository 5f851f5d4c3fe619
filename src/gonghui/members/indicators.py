"""Member registry (会员实名制): members, women, migrant workers, the eight groups, new members."""

from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from gonghui.core.indicators import STOCK, Indicator, WorkArea
from gonghui.members.models import Membership, MembershipTransfer


def _current():
    return Membership.objects.filter(status__in=Membership.CURRENT)


def _joined():
    # A membership opened by an accepted transfer is the same member moving, not a new one.
    moved_in = MembershipTransfer.objects.filter(new_membership=OuterRef("pk"))
    return Membership.objects.filter(~Exists(moved_in))


A = WorkArea.MEMBERS
LIST = "admin:members_person_changelist"
INDICATORS = [
    Indicator(
        "members.current",
        _("Member count"),
        "人",
        A,
        _current,
        "org",
        STOCK,
        "joined_on",
        records=(LIST, {"status": "current"}),
    ),
    Indicator(
        "members.women",
        _("Women members"),
        "人",
        A,
        lambda: _current().filter(person__gender="F"),
        "org",
        STOCK,
        "joined_on",
        records=(LIST, {"status": "current", "gender__exact": "F"}),
    ),
    Indicator(
        "members.migrant_workers",
        _("Rural migrant worker members"),
        "人",
        A,
        lambda: _current().filter(person__is_migrant_worker=True),
        "org",
        STOCK,
        "joined_on",
        records=(LIST, {"status": "current", "is_migrant_worker__exact": "1"}),
    ),
    Indicator(
        "members.eight_groups",
        _("Members of the eight groups"),
        "人",
        A,
        lambda: _current().filter(person__is_eight_groups=True),
        "org",
        STOCK,
        "joined_on",
        records=(LIST, {"status": "current", "is_eight_groups__exact": "1"}),
    ),
    Indicator(
        "members.new_employment",
        _("New-employment-form members"),
        "人",
        A,
        lambda: _current().exclude(person__new_employment_category=""),
        "org",
        STOCK,
        "joined_on",
        records=(LIST, {"status": "current"}),
    ),
    Indicator(
        "members.retained",
        _("Retained memberships"),
        "人",
        A,
        lambda: Membership.objects.filter(status=Membership.Status.RETAINED),
        "org",
        STOCK,
        "joined_on",
        records=(LIST, {"status": "retained"}),
    ),
    Indicator(
        "members.joined",
        _("New members"),
        "人",
        A,
        _joined,
        "org",
        date_field="joined_on",
        records=(LIST, {}),
    ),
    Indicator(
        "members.unions_with_members",
        _("Unions with members on record"),
        "个",
        A,
        _current,
        "org",
        STOCK,
        "joined_on",
        measure=Count("org", distinct=True),
        records=("admin:orgs_org_changelist", {}),
    ),
]
