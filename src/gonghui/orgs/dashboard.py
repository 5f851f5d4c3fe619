"""The home page of the back office (工作台): what waits on the signed-in user today, their
quick actions, this year's key figures of their part of the tree, and, for a union with unions
beneath it, the overview of that part of the tree."""

import datetime

from django.utils import timezone

from gonghui.core.figures import figure
from gonghui.core.selectors import home_todos
from gonghui.core.workareas import quick_actions
from gonghui.orgs.selectors import org_overview

# The year's figures every home page shows: the registry's and the assistance's first.
KEY_FIGURES = ("members.current", "members.joined", "assistance.grants", "assistance.grants_amount")


def dashboard_callback(request, context):
    user = request.user
    org = getattr(user, "org", None)
    if org is None:
        return context
    from gonghui.reports.registry import all_indicators
    from gonghui.reports.selectors import figures

    today = timezone.localdate()
    registry = all_indicators()
    keys = [k for k in KEY_FIGURES if k in registry]
    year = figures(user, org, datetime.date(today.year, 1, 1), today, keys=keys, previous=False)
    context.update(
        todos=home_todos(user, today),
        actions=quick_actions(user),
        year_figures=[
            {
                "name": f.name,
                "text": figure(f.value, f.unit),
                "completion": f.completion,
            }
            for f in year
        ],
        year=today.year,
        has_unions_beneath=org.children.filter(is_active=True).exists(),
        overview=org_overview(user, today),
    )
    return context
