from django.db.models import QuerySet

from gonghui.accounts.models import User
from gonghui.core.scoping import scope


def users_visible_to(actor) -> QuerySet[User]:
    return scope(User.objects.select_related("org"), actor)
