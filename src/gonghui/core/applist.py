"""The admin's list of every app and model, built only on a page that shows it.

Django's admin puts ``available_apps`` (``get_app_list``: each registered model with its
permissions and two reversed URLs) into the context of every page, for a sidebar that lists
them. This back office's sidebar is the work areas' own menu (``core.workareas.navigation``)
and Unfold's "all applications" list is switched off, so no page shows the app list, yet every
page built it: about 70 model admins, on every request. Handed out as a lazy object instead, it
is built the first time a template reads it, and on our pages never.
"""

from __future__ import annotations

from functools import wraps


def lazy_app_list() -> None:
    """Make the admin site's ``get_app_list`` answer with a list built on first use."""
    from django.utils.functional import SimpleLazyObject
    from unfold.sites import UnfoldAdminSite

    original = UnfoldAdminSite.get_app_list
    if getattr(original, "lazy", False):
        return

    @wraps(original)
    def get_app_list(self, request, app_label=None):
        return SimpleLazyObject(lambda: original(self, request, app_label))

    get_app_list.lazy = True
    UnfoldAdminSite.get_app_list = get_app_list
