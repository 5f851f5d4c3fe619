"""A work area added the way every new one is: this folder and one line in ``INSTALLED_APPS``
(here, the test settings'). It is the worked example of ``docs/new-work-area.md``: workers'
sports events (职工文体活动), with a model, a service, a selector, an admin, indicators, an
import and a demo part; the tests check it appears everywhere a work area should."""

from gonghui.core import workareas
from gonghui.core.workareas import (
    ALL,
    ROLES,
    DemoPart,
    ImportKind,
    MenuItem,
    WorkArea,
    crud,
)


class ExampleAreaConfig(workareas.WorkAreaApp):
    name = "tests.example_area"
    label = "example_area"
    verbose_name = "职工文体活动"

    work_area = WorkArea.CULTURE
    indicators = "tests.example_area.indicators.INDICATORS"
    imports = (ImportKind("sports", "tests.example_area.imports.EventListSpec", "职工文体活动"),)
    demo = (DemoPart("职工文体活动", "tests.example_area.demo.build", 70),)
    menu = (
        MenuItem(
            "职工文体活动",
            "sports_soccer",
            "admin:example_area_sportsevent_changelist",
            "example_area.view_sportsevent",
        ),
        MenuItem(
            "导入文体活动",
            "upload_file",
            "admin:core_importjob_upload",
            "example_area.add_sportsevent",
            args=("sports",),
        ),
    )
    grants = {role: crud("example_area.sportsevent", *ALL) for role in ROLES}
