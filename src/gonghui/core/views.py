"""The platform's error pages: Chinese, in the platform's colours, with a way back, and
rendered from nothing but what the handler passes (the database may be what failed)."""

from __future__ import annotations

import sys

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.translation import gettext_lazy as _

PAGES = {
    400: (
        _("The request could not be understood"),
        _("The page received something it cannot read. Go back and try again."),
    ),
    403: (
        _("Not allowed"),
        _(
            "Your role does not allow this page. If you need it, ask your federation's "
            "platform administrator."
        ),
    ),
    404: (
        _("Page not found"),
        _("The page or record does not exist, or it is outside your organisation."),
    ),
    413: (
        _("The upload is too large"),
        _(
            "The file is larger than the platform accepts. Split it into smaller files and "
            "upload them one by one."
        ),
    ),
    500: (
        _("Something went wrong"),
        _(
            "The platform could not finish this request; nothing was half-saved. Try again; "
            "if it happens again, tell the platform administrator the time it happened."
        ),
    ),
    503: (
        _("The database is unavailable"),
        _(
            "The platform cannot reach its database just now. Nothing you saved before is "
            "lost; wait a moment."
        ),
    ),
}


def error_response(request, status: int, *, message: str | None = None) -> HttpResponse:
    title, default = PAGES.get(status, PAGES[500])
    context = {
        "status": status,
        "title": title,
        "message": message or default,
        "retry": status == 503,
    }
    html = loader.get_template("gonghui/error.html").render(context)
    response = HttpResponse(html, status=status)
    if status == 503:
        response["Retry-After"] = "10"
    return response


def bad_request(request, exception=None):
    return error_response(request, 400)


def permission_denied(request, exception=None):
    return error_response(request, 403)


def page_not_found(request, exception=None):
    return error_response(request, 404)


def server_error(request):
    # Called inside the handler of the exception: a lost database is said as such, and the
    # page retries by itself until the database is back.
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return error_response(request, 503)
    return error_response(request, 500)
