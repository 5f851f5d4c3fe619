"""Load the demo county once per database."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from gonghui.accounts.models import User
from gonghui.demo import names
from gonghui.demo.generator import DEMO_PASSWORD, generate
from gonghui.orgs.models import Org


def ensure_demo(seed: int = 2025, progress: Callable[[str], None] | None = None):
    """Generate the demo county unless it is there; return (created, accounts to print)."""
    progress = progress or (lambda _msg: None)
    created = False
    if not Org.objects.filter(code=names.CITY["code"]).exists():
        progress("正在生成演示数据（首次启动约需一分钟）…")
        with transaction.atomic():
            generate(seed=seed, progress=progress)
        created = True
    logins = [
        (u.username, f"{u.get_role_display()} · {u.org.name}")
        for u in User.objects.filter(is_active=True)
        .select_related("org")
        .order_by("org__path", "username")
        if u.username in DEMO_USERNAMES
    ]
    return created, {"password": DEMO_PASSWORD, "logins": logins}


# The accounts the demo prints: one of each kind, not every township's.
DEMO_USERNAMES = (
    "admin",
    "city",
    "county",
    "county_aid",
    "town01",
    "town03",
    "clerk",
    "clerk_joint",
    "clerk_rider",
)
