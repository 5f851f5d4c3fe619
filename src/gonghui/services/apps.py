from django.utils.translation import gettext_lazy as _

# The base class through its module: an apps.py must hold one AppConfig class only.
from gonghui.core import workareas
from gonghui.core.workareas import (
    ALL,
    FEDERATION_STAFF,
    GRASSROOTS_CLERK,
    PLATFORM_ADMIN,
    TOWNSHIP_STAFF,
    DemoPart,
    ImportKind,
    MenuItem,
    Todo,
    WorkArea,
    crud,
)

MODELS = (
    "recuperation",
    "recuperationquota",
    "recuperationparticipant",
    "childcareclass",
    "childcarechild",
    "startuploan",
    "memberoffer",
    "offeruse",
    "pointnomination",
)
EVERYTHING = frozenset().union(*(crud(f"services.{m}", *ALL) for m in MODELS))
# A grassroots union nominates its members on the places it is given and sees the services
# its members use; the federations and townships run them.
CLERK = frozenset().union(*(crud(f"services.{m}", "view") for m in MODELS)) | crud(
    "services.recuperationparticipant", "add", "delete"
)


class ServicesConfig(workareas.WorkAreaApp):
    name = "gonghui.services"
    verbose_name = _("Services to workers")

    work_area = WorkArea.SERVICES
    indicators = "gonghui.services.indicators.INDICATORS"
    report_section = "gonghui.services.report.section"
    imports = (
        ImportKind("offer_uses", "gonghui.services.imports.OfferUseSpec", "普惠服务使用明细"),
    )
    demo = (DemoPart(_("Services to workers"), "gonghui.services.demo.build", 95),)
    # Recuperation, childcare classes and member offers are records of their own now; the
    # ledger's counters stay for the past.
    supersedes = ("services.childcare", "services.offers", "honours.recuperation")
    menu = (
        MenuItem(
            _("Recuperation batches"),
            "beach_access",
            "admin:services_recuperation_changelist",
            "services.view_recuperation",
        ),
        MenuItem(
            _("Places given"),
            "confirmation_number",
            "admin:services_recuperationquota_changelist",
            "services.view_recuperationquota",
        ),
        MenuItem(
            _("Recuperation participants"),
            "groups",
            "admin:services_recuperationparticipant_changelist",
            "services.view_recuperationparticipant",
        ),
        MenuItem(
            _("Childcare classes"),
            "child_care",
            "admin:services_childcareclass_changelist",
            "services.view_childcareclass",
        ),
        MenuItem(
            _("Children enrolled"),
            "face",
            "admin:services_childcarechild_changelist",
            "services.view_childcarechild",
        ),
        MenuItem(
            _("Start-up loans"),
            "storefront",
            "admin:services_startuploan_changelist",
            "services.view_startuploan",
        ),
        MenuItem(
            _("Member offers"),
            "local_offer",
            "admin:services_memberoffer_changelist",
            "services.view_memberoffer",
        ),
        MenuItem(
            _("Offer uses"),
            "receipt_long",
            "admin:services_offeruse_changelist",
            "services.view_offeruse",
        ),
        MenuItem(
            _("Service point nominations"),
            "workspace_premium",
            "admin:services_pointnomination_changelist",
            "services.view_pointnomination",
        ),
    )
    todos = (
        Todo(
            "recuperation.nominations",
            _("Recuperation nominations to decide"),
            "gonghui.services.selectors.nominations_waiting",
            "admin:services_recuperationparticipant_changelist",
            "services.change_recuperationparticipant",
            order=10,
        ),
        Todo(
            "loans.overdue",
            _("Start-up loans with an instalment overdue"),
            "gonghui.services.selectors.loans_overdue",
            "admin:services_startuploan_changelist",
            "services.change_startuploan",
            order=20,
        ),
    )
    grants = {
        PLATFORM_ADMIN: EVERYTHING,
        FEDERATION_STAFF: EVERYTHING,
        TOWNSHIP_STAFF: EVERYTHING,
        GRASSROOTS_CLERK: CLERK,
    }
