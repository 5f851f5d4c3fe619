"""The list pages' column headers, worked out once per page instead of once per row.

django-unfold 0.91 (the latest) renders each row of a list by calling ``result_headers(cl)``
again, to label the row's cells on a phone: the headers (each column's sort links, built with
``urlencode``) are recomputed for every one of a page's 50 rows. Measured on the demo county,
that is 40 to 45% of a list page's time on the server (``bench/load.py``'s profile in the
README). The headers depend on the list and the request only, so the same list object gives
the same headers: they are kept on it for the rest of the page.
"""

from __future__ import annotations

from functools import wraps


def memoise_list_headers() -> None:
    """Replace unfold's ``result_headers`` by one that remembers its answer per list."""
    from unfold.templatetags import unfold_list

    original = unfold_list.result_headers
    if getattr(original, "per_list", False):
        return

    @wraps(original)
    def result_headers(cl):
        headers = getattr(cl, "_gh_headers", None)
        if headers is None:
            headers = list(original(cl))
            cl._gh_headers = headers
        return iter(headers)

    result_headers.per_list = True
    unfold_list.result_headers = result_headers
