"""The first administrator of a new installation, and the top org it belongs to."""

from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.accounts.models import Role, User
from gonghui.accounts.services import user_create
from gonghui.core.errors import DomainError
from gonghui.orgs.models import Org
from gonghui.orgs.services import org_create


def create_first_admin(
    *,
    username: str,
    password: str,
    org_code: str,
    org_name: str | None = None,
    region_code: str = "",
) -> User:
    """Create a platform administrator at ``org_code``; create that org as a county federation
    root when the tree is still empty and a name is given. Runs as the platform (no actor)."""
    with transaction.atomic():
        org = Org.objects.filter(code=org_code).first()
        if org is None:
            if not org_name:
                raise DomainError(
                    _(
                        "Organisation code %(code)s does not exist; on a first installation give "
                        "the federation's name with --org-name."
                    )
                    % {"code": org_code}
                )
            if Org.objects.exists():
                raise DomainError(
                    _(
                        "An organisation tree exists already; create new organisations under "
                        "their parent in the back office."
                    )
                )
            org = org_create(
                actor=None,
                parent=None,
                code=org_code,
                name=org_name,
                level=Org.Level.COUNTY,
                kind=Org.Kind.FEDERATION,
                region_code=region_code,
            )
        return user_create(
            actor=None,
            username=username,
            password=password,
            org=org,
            role=Role.PLATFORM_ADMIN,
            name=_("Platform administrator"),
        )
