"""Login, throttling, password hashing and what roles may hold."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from gonghui.accounts.models import Role, User
from gonghui.accounts.services import user_create, user_update
from gonghui.core.errors import DomainError
from tests.conftest import PASSWORD, snapshot


def test_production_hashes_passwords_with_argon2():
    from gonghui.config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_login_is_throttled_after_five_wrong_passwords(client, tree):
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": "town_a", "password": "wrong-password"})
        assert response.status_code == 200
    response = client.post(url, {"username": "town_a", "password": "wrong-password"})
    assert response.status_code == 429
    # Now even the right password is refused for a while.
    response = client.post(url, {"username": "town_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_right_password_signs_in(client, tree):
    response = client.post(reverse("admin:login"), {"username": "town_a", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(tree.town_a.pk)


def test_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_role_must_fit_the_orgs_level(tree):
    before = snapshot(User)
    with pytest.raises(DomainError, match="不能设在"):
        user_create(
            actor=tree.admin, username="x", password=PASSWORD, org=tree.a1, role=Role.TOWNSHIP_STAFF
        )
    assert snapshot(User) == before


def test_weak_password_is_refused(tree):
    with pytest.raises(ValidationError):
        user_create(
            actor=tree.admin,
            username="x",
            password="12345678",
            org=tree.a,
            role=Role.TOWNSHIP_STAFF,
        )


def test_only_platform_admins_create_accounts(tree):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        user_create(
            actor=tree.county_staff,
            username="x",
            password=PASSWORD,
            org=tree.a,
            role=Role.TOWNSHIP_STAFF,
        )


def test_admin_cannot_demote_themselves(tree):
    with pytest.raises(DomainError):
        user_update(actor=tree.admin, user=tree.admin, changes={"role": Role.FEDERATION_STAFF})


def test_permissions_follow_the_role(tree):
    assert tree.admin.has_perm("accounts.add_user")
    assert not tree.county_staff.has_perm("accounts.add_user")
    assert tree.town_a.has_perm("orgs.add_org")
    assert not tree.town_a.has_perm("orgs.delete_org")
    assert not tree.clerk_a1.has_perm("orgs.add_org")
