"""Field encryption and blind indexes for personal data (ID numbers, phones, bank accounts).

One small interface, so that an SM4/SM3 (国密) implementation can be added beside AES-GCM
without touching the apps: ``encrypt``/``decrypt`` for values stored at rest, ``digest`` for the
keyed hash that lets the database find and deduplicate a value it cannot read.

Every token starts with a version byte naming the algorithm and key; a new algorithm or a key
rotation gets a new byte and old tokens stay readable. The ``purpose`` is bound into each token
(AES-GCM associated data, HMAC message prefix), so a value copied from one column into another
does not decrypt, and the same ID number has unrelated digests in unrelated registries.
"""

from __future__ import annotations

import base64
import hmac
import os
import re
import threading
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

AES_GCM_V1 = 1
NONCE_BYTES = 12
NONCES_PER_DRAW = 512

# Bumped in a forked child: a pool of nonces the parent also holds must not be used twice (a
# repeated AES-GCM nonce under one key gives the key's authentication away). Python's own fork
# (os.fork, multiprocessing, gunicorn's workers) runs the hook; a server that forks from C
# without telling Python (uWSGI without --py-call-osafterfork) would not, and is not supported.
_fork_generation = 0


def _forked() -> None:
    global _fork_generation
    _fork_generation += 1


os.register_at_fork(after_in_child=_forked)


class _NoncePool(threading.local):
    """Random nonces drawn from the system 6 KB at a time, per thread.

    ``os.urandom`` is a system call, 8 µs each on the build machine; a roster of a million
    people asks for two million nonces (16 s). Random 96-bit nonces stay random whether drawn
    one by one or many at once; what matters is that none is handed out twice, hence one pool
    per thread and a fresh pool after a fork."""

    def __init__(self):
        self.data = b""
        self.at = 0
        self.generation = -1

    def take(self) -> bytes:
        at = self.at
        if at >= len(self.data) or self.generation != _fork_generation:
            self.data = os.urandom(NONCE_BYTES * NONCES_PER_DRAW)
            self.generation = _fork_generation
            at = 0
        self.at = at + NONCE_BYTES
        return self.data[at : at + NONCE_BYTES]


_nonces = _NoncePool()


class FieldCipher:
    def __init__(self, master_key: bytes):
        if len(master_key) < 32:
            raise ImproperlyConfigured("GONGHUI_ENCRYPTION_KEY 至少需要 32 字节的随机数据。")
        self._aead = AESGCM(_derive(master_key, b"gonghui field encryption v1"))
        self._index = hmac.new(_derive(master_key, b"gonghui blind index v1"), digestmod="sha256")

    def encrypt(self, plaintext: str, purpose: str) -> bytes:
        return self.encrypt_bytes(plaintext.encode(), purpose)

    def decrypt(self, token: bytes, purpose: str) -> str:
        return self.decrypt_bytes(token, purpose).decode()

    def encrypt_bytes(self, data: bytes, purpose: str) -> bytes:
        nonce = _nonces.take()
        return bytes((AES_GCM_V1,)) + nonce + self._aead.encrypt(nonce, data, purpose.encode())

    def decrypt_bytes(self, token: bytes, purpose: str) -> bytes:
        token = bytes(token)
        if not token or token[0] != AES_GCM_V1:
            raise ValueError("unknown cipher version")
        return self._aead.decrypt(
            token[1 : 1 + NONCE_BYTES], token[1 + NONCE_BYTES :], purpose.encode()
        )

    def digest(self, value: str, purpose: str) -> bytes:
        """A keyed hash of a normalised value: equal values, equal digests; nothing to invert."""
        # Copying a keyed HMAC is cheaper than keying a new one (a million rows per import).
        h = self._index.copy()
        h.update(_prefix(purpose) + value.encode())
        return h.digest()


@cache
def _prefix(purpose: str) -> bytes:
    return purpose.encode() + b"\x00"


def _derive(master: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)


_HEX = re.compile(r"^[0-9a-fA-F]+$")
_URLSAFE_B64 = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")


def decode_key(text: str) -> bytes:
    """The configured key: hex, or URL-safe base64 (what ``read_or_create_key`` writes), of
    32 random bytes or more. Anything else is refused, with what to do, in Chinese: a key with
    a stray character, cut short or made by hand must not start and fail later."""
    text = (text or "").strip()
    raw = b""
    if _HEX.match(text) and len(text) % 2 == 0:
        raw = bytes.fromhex(text)
    elif _URLSAFE_B64.match(text):
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text.rstrip("=")) % 4))
        except ValueError:
            raw = b""
    # 32 bytes at least, and not a pattern typed by hand (a random key has many distinct bytes).
    if len(raw) < 32 or len(set(raw)) < 16:
        raise ImproperlyConfigured(
            "GONGHUI_ENCRYPTION_KEY 必须是至少 32 字节随机数据的 URL 安全 base64 或十六进制编码，"
            "例如用 python3 -c 'import secrets; print(secrets.token_urlsafe(48))' 生成。"
        )
    return raw


@cache
def cipher() -> FieldCipher:
    return FieldCipher(decode_key(settings.GONGHUI_ENCRYPTION_KEY))


def key_fingerprint() -> str:
    """A short, non-secret name of the configured key, to tell installations' keys apart: a
    keyed hash of a fixed text, from which nothing about the key can be learnt."""
    master = decode_key(settings.GONGHUI_ENCRYPTION_KEY)
    return hmac.new(master, b"gonghui key fingerprint v1", "sha256").hexdigest()[:16]


# Columns that hold values encrypted with the installation's key, as (model label, field,
# purpose): an app that encrypts a column adds it in its ``AppConfig.ready``, so that a key
# can be proved on data it encrypted before (``core.services.installation_key_verify``).
KEY_PROBES: list[tuple[str, str, str]] = []
