"""The org picker every form uses: the user's subtree as an indented tree, searchable by name.

The choices are ``selectors.org_choices`` (the user's subtree, in path order); the search box
is the select2 that Django's admin and Unfold ship, told to speak Chinese.
"""

from __future__ import annotations

from unfold.widgets import UnfoldAdminSelect2Widget

INDENT = "\u3000"  # an ideographic space per level below the shallowest choice


class OrgTreeSelect(UnfoldAdminSelect2Widget):
    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-language": "zh-CN", **(attrs or {})}, choices)

    class Media:
        js = ("admin/js/vendor/select2/i18n/zh-CN.js",)

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        depths = [
            option["value"].instance.path.count("/")
            for _group, options, _index in groups
            for option in options
            if hasattr(option["value"], "instance")
        ]
        top = min(depths, default=0)
        for _group, options, _index in groups:
            for option in options:
                org = getattr(option["value"], "instance", None)
                if org is not None:
                    option["label"] = INDENT * (org.path.count("/") - top) + str(option["label"])
        return groups
