"""Finding the org a spreadsheet row names, among the orgs beneath the import's own.

Shared by every import: a code, a full name, a short name or the name without its "工会委员会"
ending all find the org; a near miss is refused with a suggestion; an org outside the subtree
is answered exactly like one that does not exist.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

from django.utils.translation import gettext as _

from gonghui.core.cleaning import strip_all_blanks, to_halfwidth
from gonghui.core.imports.spec import CellError
from gonghui.orgs.models import Org

_UNION_SUFFIXES = ("工会委员会", "工会联合会", "联合工会", "工会")


def org_key(text: str) -> str:
    return strip_all_blanks(to_halfwidth(text)).replace("(", "").replace(")", "")


class OrgResolver:
    """Find the union a row names, among the unions beneath the import's org only."""

    def __init__(self, root: Org, accept: Callable[[Org], str | None] | None = None):
        self.root = root
        self.accept = accept or member_union
        self.by_code: dict[str, Org] = {}
        self.by_name: dict[str, list[Org]] = {}
        orgs = Org.objects.filter(path__startswith=root.path, is_active=True).only(
            "id", "code", "name", "short_name", "level", "path", "region_code"
        )
        for org in orgs:
            self.by_code[org.code.upper()] = org
            keys = {org_key(org.name), org_key(org.short_name) if org.short_name else ""}
            stem = org_key(org.name)
            for suffix in _UNION_SUFFIXES:
                if stem.endswith(suffix):
                    keys.add(stem[: -len(suffix)])
                    break
            for key in keys - {""}:
                self.by_name.setdefault(key, []).append(org)
        self._cache: dict[str, Org | str] = {}

    def resolve(self, text: str) -> Org:
        found = self._cache.get(text)
        if found is None:
            found = self._resolve(text)
            self._cache[text] = found
        if isinstance(found, str):
            raise CellError(found)
        return found

    def _resolve(self, text: str) -> Org | str:
        org = self.by_code.get(text.upper())
        if org is None:
            key = org_key(text)
            candidates = self.by_name.get(key)
            if candidates is None:
                for suffix in _UNION_SUFFIXES:
                    if key.endswith(suffix):
                        candidates = self.by_name.get(key[: -len(suffix)])
                        break
            if candidates and len({c.pk for c in candidates}) > 1:
                return _("More than one union is named “%(name)s”; write its code instead.") % {
                    "name": text
                }
            org = candidates[0] if candidates else None
        if org is None:
            close = difflib.get_close_matches(org_key(text), list(self.by_name), n=1, cutoff=0.8)
            hint = (
                _(" Did you mean “%(name)s”?") % {"name": self.by_name[close[0]][0].name}
                if close
                else ""
            )
            return (
                _("No union “%(name)s” under %(root)s.") % {"name": text, "root": self.root.name}
                + hint
            )
        refusal = self.accept(org)
        return refusal if refusal is not None else org


def member_union(org: Org) -> str | None:
    """Members belong to a township or grassroots union (not a group, not a federation)."""
    if org.level == Org.Level.GROUP:
        return _("“%(name)s” is a union group; write its grassroots union.") % {"name": org.name}
    if org.level < Org.Level.TOWNSHIP:
        return _(
            "Members are registered with a township or grassroots union, not with %(name)s."
        ) % {"name": org.name}
    return None


def any_org(org: Org) -> str | None:
    return None
