"""The models and the migrations say the same thing."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:
        pytest.fail(f"models changed without a migration:\n{out.getvalue()} ({exc})")


@pytest.mark.django_db(transaction=True)
def test_files_kept_on_disk_by_earlier_versions_move_into_the_database(settings, tmp_path):
    """Attachments and relief photos of earlier versions (clear files under MEDIA_ROOT, with
    the orphans failed saves left there) end as encrypted rows, and the disk is empty."""
    import datetime

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from gonghui.core.selectors import stored_file_content
    from tests.conftest import build_tree

    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "ledger" / "2026" / "01").mkdir(parents=True)
    (tmp_path / "ledger" / "2026" / "01" / "a1b2.pdf").write_bytes(b"%PDF-1.4 sign-in sheet")
    (tmp_path / "relief" / "2026").mkdir(parents=True)
    (tmp_path / "relief" / "2026" / "visit.jpg").write_bytes(b"\xff\xd8\xff photo")
    (tmp_path / "relief" / "2026" / "page.html").write_bytes(b"<script>alert(1)</script>")
    (tmp_path / "relief" / "2026" / "orphan.jpg").write_bytes(b"\xff\xd8\xff orphan")
    tree = build_tree()
    before = [("ledger", "0004_attachments"), ("assistance", "0001_initial")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    org = old.get_model("orgs", "Org").objects.get(pk=tree.a1.pk)
    # An earlier transactional test may have flushed the seeded categories.
    category, _created = old.get_model("ledger", "LedgerCategory").objects.get_or_create(
        code="culture.sports",
        defaults={"work_area": "culture", "name": "文体活动", "unit": "sessions"},
    )
    entry = old.get_model("ledger", "LedgerEntry").objects.create(
        org=org, category=category, title="培训", starts_on=datetime.date(2026, 1, 5), people=3
    )
    old.get_model("ledger", "LedgerAttachment").objects.create(
        entry=entry, file="ledger/2026/01/a1b2.pdf", name="签到表.pdf", size=22
    )
    Campaign = old.get_model("assistance", "Campaign")
    campaign = Campaign.objects.create(
        org_id=tree.county.pk,
        code="W26",
        name="冬送温暖",
        kind="winter",
        year=2026,
        budget=100000,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 2, 28),
    )
    Relief = old.get_model("assistance", "GroupRelief")
    for photo in ("relief/2026/visit.jpg", "relief/2026/page.html"):
        Relief.objects.create(
            campaign=campaign, org=org, date=datetime.date(2026, 1, 9), headcount=5, photo=photo
        )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from gonghui.assistance.models import GroupRelief
    from gonghui.ledger.models import LedgerAttachment

    attachment = LedgerAttachment.objects.select_related("stored").get()
    assert attachment.stored.name == "签到表.pdf"
    assert stored_file_content(attachment.stored) == b"%PDF-1.4 sign-in sheet"
    photos = {r.photo.name if r.photo_id else None for r in GroupRelief.objects.all()}
    assert photos == {"visit.jpg", None}  # the page posing as a photo is not kept
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
