"""A federation's own server: a real PostgreSQL, keys from the environment, nothing demo.

Every value is checked here, when the settings are read, so that ``gonghui serve`` and
``gonghui worker`` refuse to start on anything unsafe, each with a Chinese message that says
what to set, instead of failing later or, worse, running.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from gonghui.core.crypto import decode_key

from .base import *  # noqa: F403
from .base import GONGHUI_HOME

_MAKE_KEY = "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"


def _secret_key() -> str:
    key = os.environ.get("GONGHUI_SECRET_KEY", "")
    demo_file = GONGHUI_HOME / "secret_key"
    demo = demo_file.read_text().strip() if demo_file.is_file() else None
    if (
        len(key) < 32
        or key.startswith("demo-")
        or (demo and key in (demo, "demo-" + demo))
        or len(set(key)) < 12
    ):
        raise ImproperlyConfigured(
            "GONGHUI_SECRET_KEY 必须是至少 32 个字符的随机值，不能是演示密钥或其去掉前缀的"
            f"形式，也不能是重复的字符。可用以下命令生成：{_MAKE_KEY}"
        )
    return key


def _encryption_key() -> str:
    key = os.environ.get("GONGHUI_ENCRYPTION_KEY", "")
    if not key:
        raise ImproperlyConfigured(
            "必须设置 GONGHUI_ENCRYPTION_KEY（加密身份证号等个人信息的密钥，至少 32 字节随机"
            f"数据，例如用 {_MAKE_KEY} 生成），并妥善备份：丢失后已加密的数据无法恢复。"
        )
    decode_key(key)  # refuses, in Chinese, what is not 32 random bytes or more
    return key


def _allowed_hosts() -> list[str]:
    hosts = [h.strip() for h in os.environ.get("GONGHUI_ALLOWED_HOSTS", "").split(",") if h.strip()]
    if not hosts:
        raise ImproperlyConfigured("生产环境必须设置 GONGHUI_ALLOWED_HOSTS（以逗号分隔的域名）。")
    if any(h == "*" for h in hosts):
        raise ImproperlyConfigured(
            "GONGHUI_ALLOWED_HOSTS 不能是 *：请写出本平台对外使用的域名或地址，以逗号分隔。"
        )
    return hosts


SECRET_KEY = _secret_key()
GONGHUI_ENCRYPTION_KEY = _encryption_key()
if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("生产环境必须通过 DATABASE_URL 指定 PostgreSQL 服务器。")
if os.environ.get("GONGHUI_DEBUG"):
    raise ImproperlyConfigured("生产环境不允许开启 DEBUG，请删除 GONGHUI_DEBUG。")

DEBUG = False
ALLOWED_HOSTS = _allowed_hosts()
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("GONGHUI_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]
# HTTPS unless the federation says its intranet has none (GONGHUI_HTTPS=0; the older
# GONGHUI_INSECURE_COOKIES=1 means the same): then nothing may insist on it.
HTTPS = (
    os.environ.get("GONGHUI_HTTPS", "1") != "0"
    and os.environ.get("GONGHUI_INSECURE_COOKIES") != "1"
)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
# A year, once the site is known to answer on HTTPS; subdomains are the federation's to decide.
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
# Behind a proxy that ends TLS and says so.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
