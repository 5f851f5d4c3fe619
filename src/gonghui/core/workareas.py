"""The work-area contract: what an app brings to the platform, declared once in its AppConfig.

A work area (组织建设, 会员, 帮扶, 劳模, 技能, 维权, …) is a Django app whose ``AppConfig`` is a
``WorkAreaApp``. It declares:

- ``work_area``: which of the eleven areas of domain.md it serves (``WorkArea``);
- ``indicators``: the dotted path of its list of indicators (``<app>.indicators.INDICATORS``),
  or of a function that builds them from the database (with ``indicators_version``);
- ``imports``: the files it takes in (``ImportKind``: the CLI name and the spec class);
- ``report_section``: the dotted path of its section of the work report, a function
  ``(writer, org, start, end) -> (heading, paragraphs) | None``; without one, the generic
  section writes the area's indicators from their phrases;
- ``demo``: its parts of the demo county (``DemoPart``: label, function, order);
- ``menu``: its entries in the sidebar (``MenuItem``), grouped by work area;
- ``grants``: what each role may do with its records (role → permissions);
- ``supersedes``: the ledger categories its records replace (no longer offered for new entries,
  old entries still read and reported, never counted twice);
- ``todos``: what waits on a user in its area, for the home page (``Todo``), and ``actions``:
  its quick actions there (``MenuItem``).

Every shared place (indicator registry, import registry and ``gonghui import``, sidebar, roles,
demo runner, report writer, home page, the cross-org test) reads ``work_area_apps()`` instead of
a list of its own, so adding an area is one folder and one line in ``INSTALLED_APPS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.apps import AppConfig, apps
from django.db import models
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


class WorkArea(models.TextChoices):
    """The eleven work areas of domain.md, in the order a work report takes them. The one
    vocabulary of the platform: indicators, ledger categories, menus and reports use it."""

    ORGANISATION = "organisation", _("Organisation building")
    MEMBERS = "members", _("Member registry")
    FUNDS = "funds", _("Union funds")
    ASSISTANCE = "assistance", _("Assistance")
    MUTUAL_AID = "mutual_aid", _("Mutual medical aid")
    HONOURS = "honours", _("Model workers and honours")
    SKILLS = "skills", _("Skills and competitions")
    RIGHTS = "rights", _("Rights")
    SERVICES = "services", _("Services to workers")
    CULTURE = "culture", _("Culture and publicity")
    STATISTICS = "statistics", _("Statistics and reporting")


# Not a work area: where the platform's own pages (accounts, logs) sit in the menu, last.
ADMINISTRATION = "administration"
MENU_GROUPS = (*WorkArea.values, ADMINISTRATION)
MENU_TITLES = {
    **{area.value: area.label for area in WorkArea},
    WorkArea.STATISTICS.value: _("Statistics and reports"),
    ADMINISTRATION: _("Administration"),
}


def crud(model: str, *actions: str) -> frozenset[str]:
    """``crud("ledger.ledgerentry", "view", "add")`` → the permission names."""
    app, name = model.split(".")
    return frozenset(f"{app}.{action}_{name}" for action in actions)


ALL = ("view", "add", "change", "delete")

# The roles (``accounts.Role`` values), here so that declarations need no model import.
PLATFORM_ADMIN = "platform_admin"
FEDERATION_STAFF = "federation_staff"
TOWNSHIP_STAFF = "township_staff"
GRASSROOTS_CLERK = "grassroots_clerk"
ROLES = (PLATFORM_ADMIN, FEDERATION_STAFF, TOWNSHIP_STAFF, GRASSROOTS_CLERK)


@dataclass(frozen=True)
class MenuItem:
    title: object
    icon: str
    url: str  # a URL name
    permission: str = ""
    args: tuple = ()
    # The menu group (a work area, or ADMINISTRATION) when not the app's own area.
    group: str = ""
    # Place within the group; items of equal order keep their apps' order.
    order: int = 100
    # Roles whose sidebar leaves the entry out although they may open the page: reference
    # pages they read from where the work uses them (the amount standards on the application
    # form), so the grassroots clerk's menu lists the day's work only.
    hidden_for: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportKind:
    kind: str  # ``gonghui import <kind>`` and the upload page's address
    spec: str  # the dotted path of the ``ImportSpec`` class
    help: str  # one line of the command's help, in Chinese


@dataclass(frozen=True)
class ExportKind:
    """An export large enough to be written by the background worker (``core.exportjobs``)."""

    kind: str
    # The dotted path of ``write(job, target, progress) -> rows``: writes the job's workbook
    # to ``target``, calling ``progress(done, total)`` as it goes.
    write: str
    title: str  # 会员名册: the job's name and the file's
    permission: str


@dataclass(frozen=True)
class DemoPart:
    label: str  # what the demo prints while it builds the part, in Chinese
    build: str  # the dotted path of ``build(generator, demo_county)``
    # When it runs: the tree first (10), accounts (20), members (30), the areas after them.
    order: int


@dataclass(frozen=True)
class Todo:
    """What waits on a user in an area: a count on the home page and the list behind it.

    ``waiting`` names a selector ``waiting(actor, key, today) -> QuerySet`` answering, for
    this to-do, the records the actor must act on now. The home page counts it, and the list
    at ``url`` filters by it (``?todo=<key>``, the 待办 filter every scoped list has), so the
    count and the list it opens cannot disagree."""

    key: str  # "grants.review": unique over the platform, the list's filter value
    title: object  # 待审核的帮扶申请
    waiting: str
    url: str  # the URL name of the list (a changelist)
    permission: str = ""
    # Shown at zero too: a reminder of routine work (this month's ledger), not a backlog.
    always: bool = False
    order: int = 100


class WorkAreaApp(AppConfig):
    """The base of every app that brings a work area (or the platform's own pages)."""

    work_area: str = ""
    indicators: str = ""
    imports: tuple[ImportKind, ...] = ()
    exports: tuple[ExportKind, ...] = ()
    report_section: str = ""
    demo: tuple[DemoPart, ...] = ()
    menu: tuple[MenuItem, ...] = ()
    grants: dict[str, frozenset[str]] = {}
    supersedes: tuple[str, ...] = ()
    todos: tuple[Todo, ...] = ()
    # The home page's quick actions beside the to-dos (登记会员, 登记台账): the area's most
    # frequent first steps, shown to whoever holds their permission.
    actions: tuple[MenuItem, ...] = ()

    # A callable saying what the indicators depend on in the database (the ledger's
    # categories), when ``indicators`` names a function that builds them from it.
    indicators_version: str = ""
    # The dotted path of a list of ``core.indicators.Rate`` between indicators.
    rates: str = ""
    # The dotted path of ``post(*, actor, batch, account, memo)``, called when a payment
    # batch of any app is paid (``core.payments``): the funds area posts it to its journal.
    payment_posting: str = ""

    def indicator_list(self) -> list:
        if not self.indicators:
            return []
        found = import_string(self.indicators)
        return list(found() if callable(found) else found)

    def rate_list(self) -> list:
        return list(import_string(self.rates)) if self.rates else []

    def indicator_version(self):
        return import_string(self.indicators_version)() if self.indicators_version else None


def work_area_apps() -> list[WorkAreaApp]:
    """The installed apps that declare a work area or pages, in ``INSTALLED_APPS`` order."""
    return [c for c in apps.get_app_configs() if isinstance(c, WorkAreaApp)]


def app_of_area(area: str) -> list[WorkAreaApp]:
    return [c for c in work_area_apps() if c.work_area == area]


def _declared_kinds(attribute: str, what: str) -> dict:
    """The installed apps' declarations of ``attribute`` (imports, exports), by kind; a kind
    two apps declare is refused."""
    kinds: dict = {}
    for config in work_area_apps():
        for kind in getattr(config, attribute):
            if kind.kind in kinds:
                raise RuntimeError(f"two apps declare the {what} kind {kind.kind!r}")
            kinds[kind.kind] = kind
    return kinds


def export_kinds() -> dict[str, ExportKind]:
    """Every declared background export, by kind."""
    return _declared_kinds("exports", "export")


def import_kinds() -> dict[str, ImportKind]:
    """``gonghui import <kind>`` and the upload pages: every declared import, by kind."""
    return _declared_kinds("imports", "import")


def demo_parts() -> list[DemoPart]:
    parts = [part for config in work_area_apps() for part in config.demo]
    return sorted(parts, key=lambda p: p.order)


def todos() -> list[tuple[WorkAreaApp, Todo]]:
    """Every declared to-do with the app declaring it, in work-area order then ``order``."""
    found = [(config, todo) for config in work_area_apps() for todo in config.todos]
    keys = [todo.key for _config, todo in found]
    if len(keys) != len(set(keys)):
        raise RuntimeError("two to-dos share a key")
    areas = list(MENU_GROUPS)
    return sorted(
        found,
        key=lambda pair: (areas.index(pair[0].work_area or ADMINISTRATION), pair[1].order),
    )


def quick_actions(user) -> list[dict]:
    """The home page's quick actions the user may take, in work-area order."""
    from django.urls import reverse

    return [
        {"title": item.title, "icon": item.icon, "link": reverse(item.url, args=item.args)}
        for config in work_area_apps()
        for item in config.actions
        if not item.permission or user.has_perm(item.permission)
    ]


def superseded_ledger_categories() -> dict[str, WorkAreaApp]:
    """Ledger category code → the installed app whose own records now take its entries."""
    return {code: config for config in work_area_apps() for code in config.supersedes}


@cache
def role_permissions() -> dict[str, frozenset[str]]:
    """role → every permission the installed apps grant it."""
    granted: dict[str, set[str]] = {role: set() for role in ROLES}
    for config in work_area_apps():
        for role, permissions in config.grants.items():
            granted[role] |= set(permissions)
    return {role: frozenset(perms) for role, perms in granted.items()}


def navigation(request) -> list[dict]:
    """The sidebar (Unfold's ``SIDEBAR.navigation``): each group of the installed apps' menu
    entries, in work-area order; entries the user may not use are left out by Unfold through
    their ``permission``."""
    groups: dict[str, list[tuple[int, int, MenuItem]]] = {g: [] for g in MENU_GROUPS}
    for index, config in enumerate(work_area_apps()):
        for item in config.menu:
            group = item.group or config.work_area or ADMINISTRATION
            groups[group].append((item.order, index, item))
    sidebar = []
    for group in MENU_GROUPS:
        items = [item for _order, _index, item in sorted(groups[group], key=lambda t: t[:2])]
        if items:
            sidebar.append(
                {
                    "title": MENU_TITLES[group],
                    "separator": True,
                    "items": [_nav_item(item) for item in items],
                }
            )
    return sidebar


def _nav_item(item: MenuItem) -> dict:
    from django.urls import reverse

    entry = {"title": item.title, "icon": item.icon, "link": reverse(item.url, args=item.args)}
    if item.permission or item.hidden_for:
        entry["permission"] = _shown(item)
    return entry


def _shown(item: MenuItem) -> Callable:
    def shown(request) -> bool:
        user = request.user
        if item.permission and not user.has_perm(item.permission):
            return False
        return getattr(user, "role", "") not in item.hidden_for

    return shown


def menu_for(user) -> list[str]:
    """The titles of the sidebar entries ``user`` sees, in order (for tests and the docs)."""
    request = type("R", (), {"user": user})()
    return [
        str(entry["title"])
        for group in navigation(None)
        for entry in group["items"]
        if "permission" not in entry or entry["permission"](request)
    ]
