"""Member registry (会员实名制): members, women, migrant workers, the eight groups, new members."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from gonghui.core.indicators import STOCK, Indicator, WorkArea
from gonghui.members.models import Membership
from gonghui.orgs.models import Org

MEMBERSHIPS = Membership.objects.all


def _member_at(end) -> Q:
    """A member on the day ``end``: still a member, or one whose membership ended after it
    (left or moved away later). Together with ``joined_on <= end`` (the stock's date), last
    year's figure and each month's are what they were then, not today's members back-dated."""
    return Q(status__in=Membership.CURRENT, ended_on__isnull=True) | Q(ended_on__gt=end)


def _person(**attrs):
    return lambda: Q(**{f"person__{k}": v for k, v in attrs.items()})


def _joined():
    # A membership opened by an accepted transfer is the same member moving, not a new one.
    return Q(transferred_in=False)


def _has_members_at(end):
    # A union counts while it has someone who is a member on the day.
    return Exists(
        Membership.objects.filter(_member_at(end), org=OuterRef("pk"), joined_on__lte=end)
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
        as_of=_member_at,
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
        as_of=_member_at,
        where=_person(gender="F"),
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
        as_of=_member_at,
        where=_person(is_migrant_worker=True),
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
        as_of=_member_at,
        where=_person(is_eight_groups=True),
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
        as_of=_member_at,
        where=lambda: ~Q(person__new_employment_category=""),
        phrase="新就业形态劳动者会员{n}",
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
        # Retained since the day the member retired (``status_changed_on``).
        as_of=lambda end: Q(status_changed_on__lte=end),
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
        "家",
        A,
        Org.objects.all,
        "",
        STOCK,
        as_of=_has_members_at,
        records=("admin:orgs_org_changelist", {}),
        phrase="会员实名制信息采集{n}",
    ),
]
