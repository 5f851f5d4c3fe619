"""How password guessing is slowed down, on top of django-axes.

Two limits: five wrong passwords for one account from one address lock that pair (a user who
mistypes is not locked out by someone else), and twenty wrong passwords from one address, over
any accounts, lock the address (one address trying account after account). Both for 30 minutes.

Behind a reverse proxy every request comes from the proxy's address, so anyone could lock a
real user out and every address limit would be shared by the whole county: with
``GONGHUI_TRUSTED_PROXIES`` set to the number of proxies in front of the platform, the client's
address is read from ``X-Forwarded-For`` as the outermost of those proxies saw it. Without it
the header is ignored, so nobody can choose their address by sending it.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

ADDRESS_FAILURE_LIMIT = 20


def client_ip(request) -> str:
    trusted = int(getattr(settings, "GONGHUI_TRUSTED_PROXIES", 0) or 0)
    if trusted > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= trusted:
            # The proxies append; the nearest ``trusted`` entries are theirs to vouch for.
            return hops[-trusted]
    return request.META.get("REMOTE_ADDR", "")


class AddressAwareHandler(AxesDatabaseHandler):
    """axes' database handler, with the address limit beside the account-and-address one.

    axes compares one failure count with one limit; the address's failures are counted against
    that limit in proportion (twenty failures of an address weigh as much as five of a pair), so
    axes' own lockout page, cool-off and reset on success serve both limits."""

    def get_failures(self, request, credentials=None) -> int:
        pair = super().get_failures(request, credentials)
        address = getattr(request, "axes_ip_address", None) or client_ip(request)
        since = timezone.now() - timezone.timedelta(hours=settings.AXES_COOLOFF_TIME)
        total = (
            AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
                n=Sum("failures_since_start")
            )["n"]
            or 0
        )
        return max(pair, total * settings.AXES_FAILURE_LIMIT // ADDRESS_FAILURE_LIMIT)
