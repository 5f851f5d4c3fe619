"""Field encryption's nonces: drawn in batches, never handed out twice (threads, forks)."""

from __future__ import annotations

import os
import threading

from gonghui.core.crypto import NONCE_BYTES, NONCES_PER_DRAW, cipher


def _nonce(token: bytes) -> bytes:
    return token[1 : 1 + NONCE_BYTES]


def test_no_nonce_is_used_twice_across_threads_and_draws():
    c = cipher()
    seen: list[bytes] = []
    lock = threading.Lock()

    def work():
        tokens = [c.encrypt(f"530524199203150{n:03d}", "id") for n in range(NONCES_PER_DRAW * 3)]
        with lock:
            seen.extend(_nonce(t) for t in tokens)
        assert c.decrypt(tokens[-1], "id").startswith("530524")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    work()
    for t in threads:
        t.join()
    assert len(seen) == 5 * 3 * NONCES_PER_DRAW
    assert len(set(seen)) == len(seen)


def test_a_forked_child_does_not_reuse_its_parents_nonces():
    c = cipher()
    c.encrypt("first", "id")  # the pool is drawn; most of it is still to be handed out
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next nonce, to the parent
        try:
            os.write(write, _nonce(c.encrypt("child", "id")))
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    child = os.read(read, NONCE_BYTES)
    os.close(read)
    parent = _nonce(c.encrypt("parent", "id"))
    assert len(child) == NONCE_BYTES
    assert child != parent
