from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "gonghui.members"
    verbose_name = _("Member registry")

    def ready(self):
        from gonghui.core.crypto import KEY_PROBES
        from gonghui.members.crypto import ID_PURPOSE

        # Every person's ID number is encrypted with the installation's key: one proves it.
        KEY_PROBES.append(("members.Person", "id_number", ID_PURPOSE))
