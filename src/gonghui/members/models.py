"""The member real-name registry (会员实名制): people, their memberships, transfers.

A person is one row whatever the number of unions they pass through, found by the keyed digest
of the ID number (the number itself is stored encrypted). A membership is one period in one
union; at most one of a person's memberships is current (active, provisional, retained or being
transferred), which the database enforces with a partial unique index.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.county import CountyField


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("Postgraduate")
    BACHELOR = "bachelor", _("University (bachelor)")
    COLLEGE = "college", _("College (junior)")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("Secondary vocational")
    HIGH_SCHOOL = "high_school", _("High school")
    JUNIOR_HIGH = "junior_high", _("Junior high school")
    PRIMARY = "primary", _("Primary school or less")


class PoliticalStatus(models.TextChoices):
    CPC_MEMBER = "cpc", _("CPC member")
    CPC_PROBATIONARY = "cpc_probationary", _("CPC probationary member")
    YOUTH_LEAGUE = "league", _("Youth League member")
    DEMOCRATIC_PARTY = "democratic_party", _("Democratic party member")
    MASSES = "masses", _("Ordinary citizen")
    OTHER = "other", _("Other")


class HukouType(models.TextChoices):
    AGRICULTURAL = "agricultural", _("Agricultural")
    NON_AGRICULTURAL = "non_agricultural", _("Non-agricultural")


class NewEmploymentCategory(models.TextChoices):
    """The eight groups of ACFTU's 2018 plan first, then the wider new-employment forms."""

    TRUCK_DRIVER = "truck_driver", _("Truck driver")
    COURIER = "courier", _("Courier")
    CARE_WORKER = "care_worker", _("Care worker")
    DOMESTIC_WORKER = "domestic_worker", _("Domestic worker")
    MALL_PROMOTER = "mall_promoter", _("Shopping-mall promoter")
    DELIVERY_RIDER = "delivery_rider", _("App-based delivery rider")
    REAL_ESTATE_AGENT = "real_estate_agent", _("Real-estate agent")
    SECURITY_GUARD = "security_guard", _("Security guard")
    RIDE_HAILING_DRIVER = "ride_hailing_driver", _("Ride-hailing driver")
    STREAMER = "streamer", _("Online streamer")
    OTHER = "other", _("Other new employment form")


EIGHT_GROUPS = (
    NewEmploymentCategory.TRUCK_DRIVER,
    NewEmploymentCategory.COURIER,
    NewEmploymentCategory.CARE_WORKER,
    NewEmploymentCategory.DOMESTIC_WORKER,
    NewEmploymentCategory.MALL_PROMOTER,
    NewEmploymentCategory.DELIVERY_RIDER,
    NewEmploymentCategory.REAL_ESTATE_AGENT,
    NewEmploymentCategory.SECURITY_GUARD,
)


class Person(models.Model):
    name = models.CharField(_("Full name"), max_length=50)
    # Pinyin initials of the name ("zs" for 张三), for searching without an input method.
    name_initials = models.CharField(_("Initials"), max_length=50, blank=True)
    id_number = models.BinaryField(_("ID number (encrypted)"), editable=False)
    id_number_digest = models.BinaryField(_("ID number digest"), unique=True, editable=False)
    # With the name it narrows a search to one person ("张三1234"). A keyed digest, not the
    # characters: see ``members.crypto.last4_digest``.
    id_last4_digest = models.BinaryField(_("Last four ID characters (digest)"), editable=False)
    gender = models.CharField(_("Gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("Birth date"))
    ethnicity = models.CharField(_("Ethnicity"), max_length=20, blank=True)
    phone = models.BinaryField(_("Phone (encrypted)"), null=True, blank=True, editable=False)
    phone_digest = models.BinaryField(null=True, blank=True, editable=False, db_index=True)
    phone_last4 = models.CharField(_("Last four phone digits"), max_length=4, blank=True)
    education = models.CharField(
        _("Education level"), max_length=24, choices=Education.choices, blank=True
    )
    political_status = models.CharField(
        _("Political status"), max_length=24, choices=PoliticalStatus.choices, blank=True
    )
    hukou_type = models.CharField(
        _("Hukou type"), max_length=24, choices=HukouType.choices, blank=True
    )
    is_migrant_worker = models.BooleanField(_("Rural migrant worker"), default=False)
    new_employment_category = models.CharField(
        _("New employment form"),
        max_length=24,
        choices=NewEmploymentCategory.choices,
        blank=True,
    )
    is_eight_groups = models.GeneratedField(
        expression=Q(new_employment_category__in=[c.value for c in EIGHT_GROUPS]),
        output_field=models.BooleanField(_("One of the eight groups")),
        db_persist=True,
    )
    card_number = models.CharField(_("Member card number"), max_length=20, unique=True)
    # The membership that says where the person is now (or was last): scoping and the list
    # read it, the services keep it. Memberships are never deleted, and a database foreign key
    # here would be checked once per row at the commit of a million-row import, so the
    # services alone keep it right (tests check every write path).
    latest_membership = models.ForeignKey(
        "Membership",
        verbose_name=_("Membership"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    created_at = models.DateTimeField(_("Created"), default=timezone.now)
    updated_at = models.DateTimeField(_("Updated"), default=timezone.now)
    county = CountyField(via="latest_membership", back="person")

    class Meta:
        verbose_name = _("Member")
        verbose_name_plural = _("Members")
        permissions = [
            ("view_full_id_number", _("Can see full ID numbers and phones")),
            ("export_unmasked", _("Can export members without masking")),
        ]
        indexes = [
            models.Index(fields=["name", "id_last4_digest"], name="person_name_last4"),
            models.Index(
                fields=["name_initials"],
                name="person_initials",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    class Status(models.TextChoices):
        PROVISIONAL = "provisional", _("Provisional")
        ACTIVE = "active", pgettext_lazy("membership", "Active")
        RETAINED = "retained", _("Retained")
        TRANSFERRING = "transferring", _("Being transferred")
        LEFT = "left", _("Left")
        EXPELLED = "expelled", _("Expelled")

    CURRENT = (Status.PROVISIONAL, Status.ACTIVE, Status.RETAINED, Status.TRANSFERRING)

    person = models.ForeignKey(
        Person, verbose_name=_("Member"), on_delete=models.PROTECT, related_name="memberships"
    )
    # Indexed by ``membership_org_status`` (org first), which serves every org lookup.
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Union"),
        on_delete=models.PROTECT,
        related_name="memberships",
        db_index=False,
    )
    status = models.CharField(
        _("Membership status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    joined_on = models.DateField(_("Joined on"))
    ended_on = models.DateField(_("Ended on"), null=True, blank=True)
    status_changed_on = models.DateField(_("Status since"), null=True, blank=True)
    # An optional link to the workplace found by name at import; Django keeps PROTECT on
    # employer deletion, without a per-row database check at import time.
    employer = models.ForeignKey(
        "orgs.Employer",
        verbose_name=_("Employer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    employer_name = models.CharField(_("Workplace"), max_length=200, blank=True)
    note = models.CharField(_("Notes"), max_length=500, blank=True)
    # Opened by an accepted transfer (会员关系接转): the same member moving, not a new member.
    # A column rather than a look-up of the transfers, so "new members" is a plain condition
    # the indicators read in the same pass as the others (and in parallel).
    transferred_in = models.BooleanField(_("Came by transfer"), default=False, db_default=False)
    # Where the row came from, for tracing; import jobs are kept, never deleted.
    import_job = models.ForeignKey(
        "core.ImportJob",
        verbose_name=_("Imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    created_at = models.DateTimeField(_("Created"), default=timezone.now)
    county = CountyField()

    class Meta:
        verbose_name = _("Membership")
        verbose_name_plural = _("Memberships")
        ordering = ["-joined_on", "-id"]
        constraints = [
            # 一次入会、动态接转: one current membership per person, whoever writes it.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["provisional", "active", "retained", "transferring"]),
                name="one_current_membership_per_person",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("joined_on")),
                name="membership_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["org", "status"], name="membership_org_status")]

    def __str__(self):
        return f"{self.person} · {self.org} · {self.get_status_display()}"

    @property
    def is_current(self) -> bool:
        return self.status in self.CURRENT


class MembershipTransfer(models.Model):
    """会员关系接转: the sending union starts it, the receiving union accepts or refuses."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the receiving union")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        CANCELLED = "cancelled", _("Withdrawn")

    membership = models.ForeignKey(
        Membership, verbose_name=_("Membership"), on_delete=models.PROTECT, related_name="transfers"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("Member"), on_delete=models.PROTECT, related_name="transfers"
    )
    from_org = models.ForeignKey(
        "orgs.Org", verbose_name=_("From union"), on_delete=models.PROTECT, related_name="+"
    )
    to_org = models.ForeignKey(
        "orgs.Org", verbose_name=_("To union"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    reason = models.CharField(_("Reason for the transfer"), max_length=200, blank=True)
    answer = models.CharField(_("Answer"), max_length=200, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Started by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("Started at"), default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("Answered at"), null=True, blank=True)
    new_membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    county = CountyField(via="from_org")

    class Meta:
        verbose_name = _("Membership transfer")
        verbose_name_plural = _("Membership transfers")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=Q(status="pending"),
                name="one_pending_transfer_per_membership",
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.from_org} → {self.to_org}"
