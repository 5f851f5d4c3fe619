import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.county import CountyField

# Every amount of money: yuan with fen, up to a trillion.
MONEY = {"max_digits": 14, "decimal_places": 2}


class Event(models.Model):
    """One change made through a service, written in the same transaction as the change.

    The org is the organisation in whose subtree the change happened; it scopes who may read
    the event. Details never hold personal data in clear (services pass masked values only).
    """

    occurred_at = models.DateTimeField(_("Time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept as text too, so the log still reads right after an account is renamed.
    actor_name = models.CharField(_("Actor"), max_length=150, blank=True)
    action = models.CharField(_("Action"), max_length=64, db_index=True)
    target_type = models.ForeignKey(
        ContentType,
        verbose_name=_("Kind of record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    target_id = models.CharField(_("Record ID"), max_length=64, blank=True)
    target_repr = models.CharField(_("Record"), max_length=255, blank=True)
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Organisation"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    details = models.JSONField(_("Details"), default=dict, blank=True)
    county = CountyField()

    class Meta:
        verbose_name = _("Event log")
        verbose_name_plural = _("Event log")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        from gonghui.core.events import action_label

        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_name} {action_label(self.action)}"


class AccessLog(models.Model):
    """Who saw personal data in full, and when: every full ID number shown, every unmasked
    export, every download of an import's error rows (which carry the file's data back).

    Readable by platform administrators only. Rows are written, never changed.
    """

    class Action(models.TextChoices):
        VIEW_ID_NUMBER = "view_id_number", _("Viewed a full ID number")
        VIEW_HEALTH_DATA = "view_health_data", _("Viewed health data")
        VIEW_DISPUTE_DATA = "view_dispute_data", _("Viewed a labour dispute's claim and phone")
        VIEW_HOTLINE_CALL = "view_hotline_call", _("Viewed a hotline call's words and phone")
        EXPORT_UNMASKED = "export_unmasked", _("Exported without masking")
        DOWNLOAD_IMPORT_ERRORS = "download_import_errors", _("Downloaded the rows of an import")
        # 一次入会 needs one answer about people another union holds; each is on record.
        REGISTRY_ANSWER = "registry_answer", _("Was told about a person another union holds")

    occurred_at = models.DateTimeField(_("Time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("User"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("User"), max_length=150, blank=True)
    action = models.CharField(_("Action"), max_length=32, choices=Action.choices)
    target_type = models.ForeignKey(
        ContentType,
        verbose_name=_("Kind of record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    target_id = models.CharField(_("Record ID"), max_length=64, blank=True)
    target_repr = models.CharField(_("Record"), max_length=255, blank=True)
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    details = models.JSONField(_("Details"), default=dict, blank=True)
    county = CountyField()

    class Meta:
        verbose_name = _("Personal data access log")
        verbose_name_plural = _("Personal data access log")
        ordering = ["-occurred_at", "-id"]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()}"


class JobProgressMixin:
    """How far a background job (an import, an export) has come, for its progress page."""

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(self.rows_done * 100 / self.rows_total))

    def status_answer(self, stalled: bool) -> dict:
        """What the progress page's script polls (``import_progress.js``)."""
        return {
            "status": self.status,
            "status_label": self.get_status_display(),
            "finished": self.is_finished,
            "stalled": stalled,
            "percent": self.percent,
            "rows_done": self.rows_done,
            "rows_total": self.rows_total,
        }


class ImportJob(JobProgressMixin, models.Model):
    """One uploaded file on its way into a registry, with its progress and its outcome.

    The uploaded file and the workbook of refused rows hold personal data, so both are kept
    encrypted (``core.crypto``) and the upload is dropped as soon as the job has run.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Done")
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("Failed")

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all", _("Import only if every row is right")
        PARTIAL = "partial", _("Import the right rows, return the others")
        VALIDATE = "validate", _("Check only, import nothing")

    kind = models.CharField(_("Kind of import"), max_length=32)
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("Organisation"),
        on_delete=models.PROTECT,
        related_name="import_jobs",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Uploaded at"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("Started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("Finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(_("File"), max_length=255)
    file_size = models.BigIntegerField(_("Size (bytes)"), default=0)
    mode = models.CharField(
        _("Mode"), max_length=16, choices=Mode.choices, default=Mode.ALL_OR_NOTHING
    )
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    rows_total = models.IntegerField(_("Rows"), default=0)
    rows_done = models.IntegerField(_("Rows read"), default=0)
    counts = models.JSONField(_("Counts"), default=dict, blank=True)
    message = models.TextField(_("Message"), blank=True)
    # The first problems, for the screen; the workbook holds all of them. Never personal data:
    # row, column and reason only.
    problems = models.JSONField(default=list, blank=True)
    upload = models.BinaryField(null=True, blank=True, editable=False)
    error_workbook = models.BinaryField(null=True, blank=True, editable=False)
    county = CountyField()

    class Meta:
        verbose_name = _("Import")
        verbose_name_plural = _("Imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.REFUSED, self.Status.FAILED)


class ExportJob(JobProgressMixin, models.Model):
    """A large export written by the background worker (a county's roster), with its progress
    like an import's; the finished workbook is kept encrypted for its owner to download until
    it expires, then dropped."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("Kind of export"), max_length=32)
    title = models.CharField(_("Export"), max_length=100)
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("Organisation"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Asked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Asked at"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("Started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("Finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # What to write: the records' ids as the list showed them at the click (re-scoped when
    # written), and the export's own options (unmasked).
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    rows_total = models.IntegerField(_("Rows"), default=0)
    rows_done = models.IntegerField(_("Rows written"), default=0)
    message = models.TextField(_("Message"), blank=True)
    file_name = models.CharField(_("File"), max_length=255, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("Kept until"), null=True, blank=True)
    county = CountyField()

    class Meta:
        verbose_name = _("Export")
        verbose_name_plural = _("Exports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.title}（{self.get_status_display()}）"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class StoredFile(models.Model):
    """An uploaded file, checked by its first bytes (``core.files``) and kept encrypted in the
    database under a random id, in the transaction of the record it belongs to: a refused save
    leaves no file behind, and none is ever on disk in clear. Read only through the record
    that refers to it, within that record's scope."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The clerk's own file name, for the download; never part of any path.
    name = models.CharField(_("File name"), max_length=200)
    kind = models.CharField(_("Kind of file"), max_length=8)
    size = models.PositiveIntegerField(_("Size (bytes)"))
    content = models.BinaryField(editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("Uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("File")
        verbose_name_plural = _("Files")

    def __str__(self):
        return self.name


class Installation(models.Model):
    """Facts about this installation that must survive its processes: the fingerprint of the
    key that encrypts its personal data. ``gonghui serve``, ``worker`` and ``demo`` refuse to
    start with another key, which would read nothing and register every member anew."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    key_fingerprint = models.CharField(_("Encryption key fingerprint"), max_length=32)
    recorded_at = models.DateTimeField(_("Recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("Installation")
        verbose_name_plural = _("Installation")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="one_installation_row")
        ]

    def __str__(self):
        return self.key_fingerprint
