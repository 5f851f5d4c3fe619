"""The home page of the back office: an overview of the signed-in user's part of the tree."""

from django.utils import timezone

from gonghui.orgs.selectors import org_overview


def dashboard_callback(request, context):
    user = request.user
    if getattr(user, "org", None) is not None:
        context["overview"] = org_overview(user, timezone.localdate())
    return context
