"""Member registry (会员实名制): members, women, migrant workers, the eight groups, new members."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from gonghui.core.indicators import STOCK, Indicator, WorkArea
from gonghui.members.models import Membership
from gonghui.orgs.models import Org

MEMBERSHIPS = Membership.objects.all


def _current(**more):
    return lambda: Q(status__in=Membership.CURRENT, **more)


def _joined():
    # A membership opened by an accepted transfer is the same member moving, not a new one.
    return Q(transferred_in=False)


def _has_current_members(end):
    # A union counts from the day its first current member joined.
    return Exists(
        Membership.objects.filter(
            org=OuterRef("pk"), status__in=Membership.CURRENT, joined_on__lte=end
        )
    )


A = WorkArea.MEMBERS
LIST = "admin:members_person_changelist"
INDICATORS = [
    Indicator(
        "members.current",
        _("Member count"),
        "人",
        A,
        MEMBERSHIPS,
        "org",
        STOCK,
        "joined_on",
        records=(LIST, {"status": "current"}),
        where=_current(),
    ),
    Indicator(
        "members.women",
        _("Women members"),
        "人",
        A,
        MEMBERSHIPS,
        "org",
        STOCK,
        "joined_on",
        records=(LIST, {"status": "current", "gender__exact": "F"}),
        where=_current(person__gender="F"),
    ),
    Indicator(
        "members.migrant_workers",
        _("Rural migrant worker members"),
        "人",
        A,
        MEMBERSHIPS,
        "org",
        STOCK,
        "joined_on",
        records=(LIST, {"status": "current", "is_migrant_worker__exact": "1"}),
        where=_current(person__is_migrant_worker=True),
    ),
    Indicator(
        "members.eight_groups",
        _("Members of the eight groups"),
        "人",
        A,
        MEMBERSHIPS,
        "org",
        STOCK,
        "joined_on",
        records=(LIST, {"status": "current", "is_eight_groups__exact": "1"}),
        where=_current(person__is_eight_groups=True),
    ),
    Indicator(
        "members.new_employment",
        _("New-employment-form members"),
        "人",
        A,
        MEMBERSHIPS,
        "org",
        STOCK,
        "joined_on",
        records=(LIST, {"status": "current"}),
        where=lambda: _current()() & ~Q(person__new_employment_category=""),
    ),
    Indicator(
        "members.retained",
        _("Retained memberships"),
        "人",
        A,
        MEMBERSHIPS,
        "org",
        STOCK,
        "joined_on",
        records=(LIST, {"status": "retained"}),
        where=lambda: Q(status=Membership.Status.RETAINED),
    ),
    Indicator(
        "members.joined",
        _("New members"),
        "人",
        A,
        MEMBERSHIPS,
        "org",
        date_field="joined_on",
        records=(LIST, {}),
        where=_joined,
    ),
    Indicator(
        "members.unions_with_members",
        _("Unions with members on record"),
        "个",
        A,
        Org.objects.all,
        "",
        STOCK,
        as_of=_has_current_members,
        records=("admin:orgs_org_changelist", {}),
    ),
]
