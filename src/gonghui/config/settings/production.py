"""A federation's own server: a real PostgreSQL, keys from the environment, nothing demo."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

SECRET_KEY = os.environ.get("GONGHUI_SECRET_KEY", "")
if not SECRET_KEY or SECRET_KEY.startswith("demo-") or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured(
        "GONGHUI_SECRET_KEY 必须设置为至少 32 个字符的随机值，且不能使用演示密钥。"
    )
GONGHUI_ENCRYPTION_KEY = os.environ.get("GONGHUI_ENCRYPTION_KEY", "")
if not GONGHUI_ENCRYPTION_KEY:
    raise ImproperlyConfigured(
        "必须设置 GONGHUI_ENCRYPTION_KEY（加密身份证号等个人信息的密钥，"
        "例如 python -c 'import secrets; print(secrets.token_urlsafe(48))' 生成），"
        "并妥善备份：丢失后已加密的数据无法恢复。"
    )
if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("生产环境必须通过 DATABASE_URL 指定 PostgreSQL 服务器。")
if os.environ.get("GONGHUI_DEBUG"):
    raise ImproperlyConfigured("生产环境不允许开启 DEBUG。")

DEBUG = False
if not ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured("生产环境必须设置 GONGHUI_ALLOWED_HOSTS（以逗号分隔的域名）。")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("GONGHUI_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]
SESSION_COOKIE_SECURE = os.environ.get("GONGHUI_INSECURE_COOKIES") != "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
