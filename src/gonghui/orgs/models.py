"""The union tree, the employers it covers and its service points (阵地)."""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from gonghui.core.validators import validate_region_code, validate_uscc

PATH_STEP = 10  # one zero-padded id per level: "0000000001/0000000042/"

code_validator = RegexValidator(
    re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$"),
    _("组织代码只能由大写字母、数字和短横线组成，长度 2 到 32 位。"),
)


class MakeYearsInterval(models.Func):
    # PostgreSQL's make_interval is immutable, so it may stand in a generated column.
    function = "make_interval"
    template = "%(function)s(years => %(expressions)s)"


class Org(models.Model):
    """A node of the union tree: a federation, a township union, a grassroots union, a group."""

    class Level(models.IntegerChoices):
        # The value is the depth rank: a child's level must be greater than its parent's.
        NATIONAL = 1, _("全国总工会")
        PROVINCE = 2, _("省总工会")
        CITY = 3, _("市总工会")
        COUNTY = 4, _("县（区）总工会")
        TOWNSHIP = 5, _("乡镇（街道）工会")
        GRASSROOTS = 6, _("基层工会")
        GROUP = 7, _("工会小组")

    class Kind(models.TextChoices):
        FEDERATION = "federation", _("地方总工会")
        TOWNSHIP = "township", _("乡镇（街道）工会")
        ENTERPRISE = "enterprise", _("企业工会")
        ORGAN = "organ", _("机关工会")
        INSTITUTION = "institution", _("事业单位工会")
        SCHOOL = "school", _("学校工会")
        HOSPITAL = "hospital", _("医院工会")
        JOINT = "joint", _("联合基层工会")
        REGIONAL = "regional", _("区域性工会联合会")
        INDUSTRY_UNION = "industry_union", _("产业（行业）工会")
        PARK = "park", _("开发区（园区）工会")
        VILLAGE = "village", _("村工会")
        COMMUNITY = "community", _("社区工会")
        NEW_EMPLOYMENT = "new_employment", _("新就业形态工会联合会")
        GROUP = "group", _("工会小组")
        OTHER = "other", _("其他")

    class TermYears(models.IntegerChoices):
        THREE = 3, _("3 年")
        FIVE = 5, _("5 年")

    code = models.CharField(
        _("组织代码"),
        max_length=32,
        unique=True,
        validators=[code_validator],
        help_text=_("稳定的人读编号，如 QS-TY-001；创建后一般不再修改。"),
    )
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path, maintained only by the services in orgs.services.
    path = models.CharField(_("路径"), max_length=255, unique=True, editable=False)
    region_code = models.CharField(
        _("行政区划代码"), max_length=6, blank=True, validators=[validate_region_code]
    )
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, validators=[validate_uscc]
    )
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    term_years = models.PositiveSmallIntegerField(
        _("届期（年）"),
        choices=TermYears.choices,
        null=True,
        blank=True,
    )
    term_started_on = models.DateField(_("本届委员会选举日期"), null=True, blank=True)
    term_ends_on = models.GeneratedField(
        verbose_name=_("本届届满日期"),
        expression=Cast(
            models.F("term_started_on") + MakeYearsInterval(models.F("term_years")),
            models.DateField(),
        ),
        output_field=models.DateField(),
        db_persist=True,
    )
    legal_person_certificate = models.CharField(_("工会法人资格证书号"), max_length=40, blank=True)
    chair_name = models.CharField(_("工会主席"), max_length=50, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("工会组织")
        verbose_name_plural = _("工会组织")
        ordering = ["path"]
        indexes = [
            models.Index(
                fields=["path"], name="org_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["level", "kind"], name="org_level_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_years__isnull=True) | models.Q(term_years__in=[3, 5]),
                name="org_term_years_3_or_5",
                violation_error_message=_("届期只能是 3 年或 5 年。"),
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=7),
                name="org_level_known",
            ),
            models.UniqueConstraint(
                fields=["uscc"],
                condition=~models.Q(uscc=""),
                name="org_uscc_unique",
                violation_error_message=_("已有组织使用这个统一社会信用代码。"),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def depth(self) -> int:
        return len(self.path) // (PATH_STEP + 1)

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]

    def is_within(self, other: Org) -> bool:
        """True when this org is ``other`` or lies beneath it."""
        return self.path.startswith(other.path)

    def clean(self):
        errors = {}
        if self.parent_id is not None:
            parent = self.parent
            if self.level is not None and self.level <= parent.level:
                errors["level"] = _(
                    "“%(child)s”的层级必须低于上级组织“%(parent)s”（%(plevel)s）。"
                ) % {
                    "child": self.get_level_display(),
                    "parent": parent.name,
                    "plevel": parent.get_level_display(),
                }
            if self.pk and self.path and parent.path.startswith(self.path):
                errors["parent"] = _("不能把组织移到它自己或它的下级组织之下。")
        if self.pk and self.level is not None:
            clash = Org.objects.filter(parent_id=self.pk, level__lte=self.level).first()
            if clash is not None:
                errors["level"] = _("下级组织“%(child)s”的层级不低于新层级，请先调整下级组织。") % {
                    "child": clash.name
                }
        if self.level is not None and self.level <= self.Level.COUNTY and self.term_years == 3:
            errors["term_years"] = _("地方总工会委员会每届任期为 5 年。")
        if bool(self.term_years) != bool(self.term_started_on):
            errors["term_started_on"] = _("届期和本届选举日期需同时填写。")
        if self.term_started_on and self.founded_on and self.term_started_on < self.founded_on:
            errors["term_started_on"] = _("本届选举日期不能早于成立日期。")
        if errors:
            raise ValidationError(errors)

    class ReelectionStatus(models.TextChoices):
        NONE = "none", _("未登记届期")
        OK = "ok", _("届中")
        DUE = "due", _("即将届满")
        OVERDUE = "overdue", _("超期未换届")

    def reelection_status(self, today: datetime.date) -> str:
        if not self.term_ends_on:
            return self.ReelectionStatus.NONE
        if self.term_ends_on < today:
            return self.ReelectionStatus.OVERDUE
        if (self.term_ends_on - today).days <= settings.REELECTION_DUE_WITHIN_DAYS:
            return self.ReelectionStatus.DUE
        return self.ReelectionStatus.OK


class Employer(models.Model):
    """A workplace (单位). It may have its own union, or none yet."""

    class UnitType(models.TextChoices):
        STATE_OWNED = "110", _("国有企业")
        COLLECTIVE = "120", _("集体企业")
        JOINT_STOCK_COOP = "130", _("股份合作企业")
        ASSOCIATED = "140", _("联营企业")
        STATE_SOLE_LLC = "151", _("国有独资公司")
        OTHER_LLC = "159", _("其他有限责任公司")
        STATE_HOLDING_CORP = "161", _("国有控股股份有限公司")
        OTHER_CORP = "169", _("其他股份有限公司")
        PRIVATE = "170", _("私营企业")
        OTHER_DOMESTIC = "190", _("其他内资企业")
        HK_MACAO_TAIWAN = "200", _("港澳台商投资企业")
        FOREIGN = "300", _("外商投资企业")
        PUBLIC_INSTITUTION = "400", _("事业单位")
        ORGAN = "500", _("机关")
        INDIVIDUAL = "600", _("个体经济组织")
        PRIVATE_NON_ENTERPRISE = "700", _("民办非企业单位")

    class IndustrySection(models.TextChoices):
        # GB/T 4754-2017 sections.
        A = "A", _("农、林、牧、渔业")
        B = "B", _("采矿业")
        C = "C", _("制造业")
        D = "D", _("电力、热力、燃气及水生产和供应业")
        E = "E", _("建筑业")
        F = "F", _("批发和零售业")
        G = "G", _("交通运输、仓储和邮政业")
        H = "H", _("住宿和餐饮业")
        I = "I", _("信息传输、软件和信息技术服务业")  # noqa: E741
        J = "J", _("金融业")
        K = "K", _("房地产业")
        L = "L", _("租赁和商务服务业")
        M = "M", _("科学研究和技术服务业")
        N = "N", _("水利、环境和公共设施管理业")
        O = "O", _("居民服务、修理和其他服务业")  # noqa: E741
        P = "P", _("教育")
        Q = "Q", _("卫生和社会工作")
        R = "R", _("文化、体育和娱乐业")
        S = "S", _("公共管理、社会保障和社会组织")
        T = "T", _("国际组织")

    org = models.ForeignKey(
        Org,
        verbose_name=_("属地工会"),
        on_delete=models.PROTECT,
        related_name="employers",
        help_text=_("负责联系这家单位的工会（通常是乡镇或街道工会）。"),
    )
    name = models.CharField(_("单位名称"), max_length=120)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, validators=[validate_uscc]
    )
    unit_type = models.CharField(_("单位类别"), max_length=3, choices=UnitType.choices)
    industry_section = models.CharField(
        _("行业门类"), max_length=1, choices=IndustrySection.choices, blank=True
    )
    headcount = models.PositiveIntegerField(_("职工人数"), default=0)
    monthly_payroll = models.DecimalField(
        _("月工资总额（元）"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    is_small_micro = models.BooleanField(_("小微企业"), default=False)
    region_code = models.CharField(
        _("行政区划代码"), max_length=6, blank=True, validators=[validate_region_code]
    )
    union = models.ForeignKey(
        Org,
        verbose_name=_("本单位工会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="covered_employers",
        help_text=_("尚未建会的单位留空。"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("在册"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"],
                condition=~models.Q(uscc=""),
                name="employer_uscc_unique",
                violation_error_message=_("已有单位使用这个统一社会信用代码。"),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.union_id and self.org_id and not self.union.is_within(self.org):
            raise ValidationError({"union": _("本单位工会必须是属地工会或其下级组织。")})


class ServicePoint(models.Model):
    """A service position (阵地): workers' home, nursing room, outdoor workers' station..."""

    class Kind(models.TextChoices):
        WORKERS_HOME = "workers_home", _("职工之家")
        SMALL_HOME = "small_home", _("职工小家")
        NURSING_ROOM = "nursing_room", _("妈咪小屋")
        OUTDOOR_STATION = "outdoor_station", _("户外劳动者服务站点")
        READING_ROOM = "reading_room", _("职工书屋")
        SERVICE_CENTER = "service_center", _("职工服务中心")
        RECUPERATION_BASE = "recuperation_base", _("疗休养基地")
        INNOVATION_STUDIO = "innovation_studio", _("劳模（工匠）创新工作室")

    class Recognition(models.TextChoices):
        NONE = "none", _("未评定")
        COUNTY = "county", _("县级示范")
        CITY = "city", _("市级示范")
        PROVINCE = "province", _("省级示范")
        NATIONAL = "national", _("全国示范")

    org = models.ForeignKey(
        Org, verbose_name=_("所属工会"), on_delete=models.PROTECT, related_name="service_points"
    )
    kind = models.CharField(_("阵地类型"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=120)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    recognition = models.CharField(
        _("命名级别"), max_length=10, choices=Recognition.choices, default=Recognition.NONE
    )
    opened_on = models.DateField(_("建成日期"), null=True, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("服务阵地")
        verbose_name_plural = _("服务阵地")
        ordering = ["org__path", "kind", "name"]

    def __str__(self):
        return self.name
