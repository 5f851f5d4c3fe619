"""Skills (技能): labour and skills competitions (劳动和技能竞赛), worker training (职工技能培训)
and innovation results (五小创新).

A ``Competition`` is one contest as the organiser runs it: held by the union itself, or held
above it (a provincial or national final) with the union's entrants sent there. Its
``CompetitionEntry`` rows are the named entrants (a member, or a team of members) with their
result: a rank within a named field ("全省第一", "男子组第三名") or a prize grade (一等奖); an
entry that continues a lower competition's entry (``advanced_from``) is the same entrant sent
upward, so "获得全省第一、全国第十八" is the result of one county entrant. Mass rounds are
head-counts (``participants``), never fewer than the named entries.

A ``TrainingCourse`` is a programme for one target group (产业工人, 农民工, 搬迁群众…), given in
sessions (期). A ``TrainingSession`` holds its named trainees (members, from the roster) and
the head-counts of those who are not members; its totals (trainees, certificates, jobs found)
are kept by the services whenever a trainee changes, so a figure is one sum.

An ``Innovation`` is one result (小发明、小创造、小革新、小设计、小建议, a rationalisation
proposal, a patent) with its team, the benefit it brought and the studio it came from.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.county import CountyField
from gonghui.core.models import MONEY
from gonghui.ledger.models import LedgerEntry

# The same words for a head-count known only roughly (3000余人) as the work ledger's.
Approximation = LedgerEntry.Approximation


class SkillLevel(models.TextChoices):
    # Lowest first: an entrant is sent upward, never down.
    ENTERPRISE = "enterprise", _("Enterprise")
    COUNTY = "county", _("County")
    CITY = "city", _("City")
    PROVINCIAL = "provincial", _("Provincial")
    NATIONAL = "national", _("National")


LEVEL_RANK = {level: rank for rank, level in enumerate(SkillLevel.values)}
# The field a placing is won in when the clerk names none ("全省第一").
FIELD_OF_LEVEL = {
    SkillLevel.ENTERPRISE: "",
    SkillLevel.COUNTY: "全县",
    SkillLevel.CITY: "全市",
    SkillLevel.PROVINCIAL: "全省",
    SkillLevel.NATIONAL: "全国",
}


class CompetitionKind(models.TextChoices):
    LABOUR = "labour", _("Labour competition")
    SKILLS = "skills", _("Vocational skills competition")
    INNOVATION = "innovation", _("Innovation competition")


class CompetitionStatus(models.TextChoices):
    PLANNED = "planned", _("In preparation")
    RUNNING = "running", _("Under way")
    FINISHED = "finished", _("Results published")
    CANCELLED = "cancelled", _("Called off")


class Prize(models.TextChoices):
    FIRST = "first", _("First prize")
    SECOND = "second", _("Second prize")
    THIRD = "third", _("Third prize")
    MERIT = "merit", _("Prize of merit")


PRIZE_WORDS = {
    Prize.FIRST: "一等奖",
    Prize.SECOND: "二等奖",
    Prize.THIRD: "三等奖",
    Prize.MERIT: "优秀奖",
}


class Competition(models.Model):
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Union"),
        on_delete=models.PROTECT,
        related_name="competitions",
        help_text=_("The union that holds the competition, or that sends its entrants to it."),
    )
    name = models.CharField(_("Competition"), max_length=120)
    kind = models.CharField(_("Kind of competition"), max_length=12, choices=CompetitionKind)
    level = models.CharField(_("Level"), max_length=12, choices=SkillLevel)
    trade = models.CharField(_("Trade or occupation"), max_length=60, blank=True)
    # Held above the union (a provincial final): the union records it to follow its entrants.
    held_above = models.BooleanField(
        _("Held by a higher body (our entrants sent)"),
        default=False,
        help_text=_("Tick when another body holds it and this union sends entrants to it."),
    )
    organisers = models.CharField(
        _("Organisers"),
        max_length=200,
        blank=True,
        help_text=_("The organisers and co-organisers, as the notice names them."),
    )
    starts_on = models.DateField(_("Starts on"))
    ends_on = models.DateField(_("Ends on"))
    participants = models.PositiveIntegerField(
        _("Participants (person-times)"),
        default=0,
        help_text=_(
            "Everyone who took part, mass rounds included; never fewer than the named entries."
        ),
    )
    participants_approx = models.CharField(
        _("The participant count is"),
        max_length=10,
        choices=Approximation.choices,
        default=Approximation.EXACT,
        blank=True,
    )
    cost = models.DecimalField(_("Cost (yuan)"), default=Decimal(0), **MONEY)
    status = models.CharField(
        _("Status"),
        max_length=12,
        choices=CompetitionStatus,
        default=CompetitionStatus.PLANNED,
        editable=False,
    )
    closed_reason = models.CharField(_("Reason"), max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(_("Created"), default=timezone.now, editable=False)
    county = CountyField()

    class Meta:
        verbose_name = _("Competition")
        verbose_name_plural = _("Competitions")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="competition_dates_in_order"
            ),
            models.CheckConstraint(condition=Q(cost__gte=0), name="competition_cost_not_negative"),
            models.UniqueConstraint(
                fields=["org", "name", "starts_on"], name="one_competition_per_name_and_day"
            ),
        ]
        indexes = [models.Index(fields=["starts_on"], name="competition_starts_on")]

    def __str__(self):
        return self.name

    @property
    def field_word(self) -> str:
        return FIELD_OF_LEVEL[self.level]


class CompetitionEntry(models.Model):
    """A named entrant of a competition: a member, or a team of members, with the result."""

    competition = models.ForeignKey(
        Competition,
        verbose_name=_("Competition"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Entrant's union"),
        on_delete=models.PROTECT,
        related_name="competition_entries",
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("Member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    team_name = models.CharField(_("Team"), max_length=80, blank=True)
    team_size = models.PositiveSmallIntegerField(_("Team members"), default=1)
    # A member's name is copied from the registry, a team's is its name.
    name = models.CharField(_("Entrant"), max_length=80, editable=False)
    reached_final = models.BooleanField(_("Reached the final"), default=False)
    rank = models.PositiveSmallIntegerField(_("Rank"), null=True, blank=True)
    field = models.CharField(
        _("Ranked among"),
        max_length=20,
        blank=True,
        help_text=_("全省, 全国, 男子组 …; the competition's own field when left empty."),
    )
    prize = models.CharField(_("Prize"), max_length=8, choices=Prize, blank=True)
    # The title that follows the result (县技术能手) is an honour conferred: recorded once, in
    # the honours area, and linked here, so the honours figures count it and nothing twice.
    award = models.OneToOneField(
        "honors.HonorAward",
        verbose_name=_("Title earned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="competition_entry",
    )
    advanced_from = models.OneToOneField(
        "self",
        verbose_name=_("Sent on from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="advanced_to",
    )
    created_at = models.DateTimeField(_("Created"), default=timezone.now, editable=False)
    county = CountyField()

    class Meta:
        verbose_name = _("Competition entry")
        verbose_name_plural = _("Competition entries")
        ordering = ["competition", "rank", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "person"],
                condition=Q(person__isnull=False),
                name="one_entry_per_member",
            ),
            models.UniqueConstraint(
                fields=["competition", "team_name"],
                condition=Q(person__isnull=True),
                name="one_entry_per_team",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False, team_name="")
                | Q(person__isnull=True) & ~Q(team_name=""),
                name="entry_is_a_member_or_a_team",
            ),
            models.CheckConstraint(
                condition=Q(rank__isnull=True) | Q(rank__gte=1), name="entry_rank_positive"
            ),
            models.CheckConstraint(condition=Q(team_size__gte=1), name="entry_team_size_positive"),
        ]

    def __str__(self):
        return f"{self.name} · {self.competition}"

    @property
    def placed(self) -> bool:
        return self.rank is not None or bool(self.prize)


class TargetGroup(models.TextChoices):
    INDUSTRIAL = "industrial", _("Industrial workers")
    MIGRANT = "migrant", _("Rural migrant workers")
    RELOCATED = "relocated", _("Relocated residents")
    NEW_EMPLOYMENT = "new_employment", _("Workers in new forms of employment")
    CADRES = "cadres", _("Union officers")
    WOMEN = "women", _("Women workers")


class Funding(models.TextChoices):
    UNION = "union", _("Union funds")
    GOVERNMENT = "government", _("Government training subsidy")
    EMPLOYER = "employer", _("The employer")
    HIGHER_UNION = "higher_union", _("Higher-level union")
    OTHER = "other", _("Other source")


class TrainingCourse(models.Model):
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Union"),
        on_delete=models.PROTECT,
        related_name="training_courses",
    )
    name = models.CharField(_("Training course"), max_length=120)
    target_group = models.CharField(_("Target group"), max_length=16, choices=TargetGroup)
    trade = models.CharField(_("Trade or occupation"), max_length=60, blank=True)
    provider = models.CharField(_("Training provider"), max_length=120, blank=True)
    funded_by = models.CharField(
        _("Funded by"), max_length=16, choices=Funding, default=Funding.UNION
    )
    created_at = models.DateTimeField(_("Created"), default=timezone.now, editable=False)
    county = CountyField()

    class Meta:
        verbose_name = _("Training course")
        verbose_name_plural = _("Training courses")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="one_course_name_per_union")
        ]

    def __str__(self):
        return self.name


class TrainingSession(models.Model):
    """One session (期) of a course: its dates, hours and site, and its trainees."""

    course = models.ForeignKey(
        TrainingCourse,
        verbose_name=_("Training course"),
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    number = models.PositiveSmallIntegerField(_("Session number"))
    starts_on = models.DateField(_("Starts on"))
    ends_on = models.DateField(_("Ends on"))
    hours = models.DecimalField(_("Class hours"), max_digits=6, decimal_places=1)
    site = models.CharField(_("Site"), max_length=120, blank=True)
    # Trainees who are not members (搬迁群众, 农民工 before they join) are counted, not named.
    unnamed_trainees = models.PositiveIntegerField(_("Trainees not named"), default=0)
    unnamed_certificates = models.PositiveIntegerField(
        _("Certificates among those not named"), default=0
    )
    unnamed_jobs = models.PositiveIntegerField(_("Jobs found among those not named"), default=0)
    trainees_approx = models.CharField(
        _("The trainee count is"),
        max_length=10,
        choices=Approximation.choices,
        default=Approximation.EXACT,
        blank=True,
    )
    cost = models.DecimalField(_("Cost (yuan)"), default=Decimal(0), **MONEY)
    # Named and not named together, kept by the services in the same transaction as any
    # trainee's change, so that a figure over thousands of sessions is one sum.
    trainees = models.PositiveIntegerField(_("Trainees"), default=0, editable=False)
    certificates = models.PositiveIntegerField(_("Certificates"), default=0, editable=False)
    jobs = models.PositiveIntegerField(_("Jobs found"), default=0, editable=False)
    county = CountyField(via="course")

    class Meta:
        verbose_name = _("Training session")
        verbose_name_plural = _("Training sessions")
        ordering = ["-starts_on", "course", "number"]
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="one_session_number"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="session_dates_in_order"
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="session_hours_positive"),
            models.CheckConstraint(condition=Q(cost__gte=0), name="session_cost_not_negative"),
            models.CheckConstraint(
                condition=Q(unnamed_certificates__lte=F("unnamed_trainees"))
                & Q(unnamed_jobs__lte=F("unnamed_trainees")),
                name="session_unnamed_within_trainees",
            ),
            models.CheckConstraint(
                condition=Q(certificates__lte=F("trainees")) & Q(jobs__lte=F("trainees")),
                name="session_totals_within_trainees",
            ),
        ]
        indexes = [models.Index(fields=["starts_on"], name="session_starts_on")]

    def __str__(self):
        return f"{self.course.name} 第{self.number}期"


class Certificate(models.TextChoices):
    NONE = "", _("None")
    LEVEL5 = "level5", _("Skill level 5 (junior)")
    LEVEL4 = "level4", _("Skill level 4 (intermediate)")
    LEVEL3 = "level3", _("Skill level 3 (senior)")
    LEVEL2 = "level2", _("Skill level 2 (technician)")
    LEVEL1 = "level1", _("Skill level 1 (senior technician)")
    SPECIAL = "special", _("Special operations certificate")
    COMPLETION = "completion", _("Training completion certificate")


SKILL_LEVELS = (
    Certificate.LEVEL5,
    Certificate.LEVEL4,
    Certificate.LEVEL3,
    Certificate.LEVEL2,
    Certificate.LEVEL1,
)


class Trainee(models.Model):
    """A member on a session's roster."""

    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("Training session"),
        on_delete=models.PROTECT,
        related_name="roster",
    )
    person = models.ForeignKey(
        "members.Person", verbose_name=_("Member"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("Full name"), max_length=50, editable=False)
    completed = models.BooleanField(_("Completed the session"), default=True)
    certificate = models.CharField(
        _("Certificate"), max_length=12, choices=Certificate, blank=True, default=""
    )
    certificate_no = models.CharField(_("Certificate number"), max_length=40, blank=True)
    found_job = models.BooleanField(_("Found a job after the training"), default=False)
    county = CountyField(via="session")

    class Meta:
        verbose_name = _("Trainee")
        verbose_name_plural = _("Trainees")
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="one_place_per_trainee"),
            models.CheckConstraint(
                condition=Q(certificate="") | Q(completed=True),
                name="certificate_needs_completion",
            ),
        ]

    def __str__(self):
        return f"{self.name} · {self.session}"


class InnovationKind(models.TextChoices):
    INVENTION = "invention", _("Small invention")
    CREATION = "creation", _("Small creation")
    RENOVATION = "renovation", _("Small renovation")
    DESIGN = "design", _("Small design")
    SUGGESTION = "suggestion", _("Small suggestion")
    RATIONALISATION = "rationalisation", _("Rationalisation proposal")
    PATENT = "patent", _("Patent")


class Innovation(models.Model):
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Union"),
        on_delete=models.PROTECT,
        related_name="innovations",
    )
    title = models.CharField(_("Innovation result"), max_length=120)
    kind = models.CharField(_("Kind of result"), max_length=16, choices=InnovationKind)
    achieved_on = models.DateField(_("Achieved on"))
    lead = models.ForeignKey(
        "members.Person",
        verbose_name=_("Lead member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    team = models.CharField(_("Team members"), max_length=200, blank=True)
    studio = models.ForeignKey(
        "orgs.ServicePoint",
        verbose_name=_("Innovation studio"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="innovations",
    )
    benefit = models.DecimalField(_("Economic benefit (yuan)"), default=Decimal(0), **MONEY)
    patent_no = models.CharField(_("Patent number"), max_length=40, blank=True)
    award = models.CharField(
        _("Award"),
        max_length=120,
        blank=True,
        help_text=_("The exhibition or selection that awarded it, such as 全省职工创新成果展."),
    )
    award_prize = models.CharField(_("Award prize"), max_length=8, choices=Prize, blank=True)
    created_at = models.DateTimeField(_("Created"), default=timezone.now, editable=False)
    county = CountyField()

    class Meta:
        verbose_name = _("Innovation result")
        verbose_name_plural = _("Innovation results")
        ordering = ["-achieved_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(benefit__gte=0), name="innovation_benefit_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(kind="patent") | ~Q(patent_no=""), name="patent_has_its_number"
            ),
            models.CheckConstraint(
                condition=Q(award_prize="") | ~Q(award=""), name="award_prize_names_the_award"
            ),
            models.UniqueConstraint(fields=["org", "title"], name="one_innovation_title"),
        ]
        indexes = [models.Index(fields=["achieved_on"], name="innovation_achieved_on")]

    def __str__(self):
        return self.title
