"""Two-level cache for pages keyed by their full version (the calendar feed, Today).

A key names everything the bytes depend on, so a copy can never be stale: each process keeps the most-asked
pages in its own memory up to a byte budget (no round trip), and Django's cache (Redis where configured) shares
the rest between processes. Keys include a fingerprint of the installed code and templates, so pages cached in
Redis by an older release are never served by a newer one.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import cache
from pathlib import Path

from django.core.cache import cache as shared_cache

import psoascare

# The bytes, and a number the caller gives meaning to (when they were built, or until when they hold).
Page = tuple[bytes, float]


@cache
def code_fingerprint() -> str:
    """Changes with the content of any file of the installed package (code, templates, routine data), and is the
    same on every machine that runs the same release, so they share what they cache (2.5 MB read once)."""
    root = Path(psoascare.__file__).parent
    digest = hashlib.sha256(psoascare.__version__.encode())
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


class PageCache:
    def __init__(self, name: str, local_bytes: int, timeout: int) -> None:
        self.name = name
        self.local_bytes = local_bytes
        self.timeout = timeout
        self._local: OrderedDict[str, Page] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def key(self, *parts: object) -> str:
        return ":".join([self.name, code_fingerprint(), *(str(part) for part in parts)])

    def get(self, key: str) -> Page | None:
        with self._lock:
            found = self._local.get(key)
            if found is not None:
                self._local.move_to_end(key)
                return found
        found = shared_cache.get(key)
        if found is not None:
            self._keep(key, found)
        return found

    def set(self, key: str, page: Page) -> None:
        shared_cache.set(key, page, self.timeout)
        self._keep(key, page)

    def get_or_build(self, key: str, build: Callable[[], Page]) -> Page:
        found = self.get(key)
        if found is None:
            found = build()
            self.set(key, found)
        return found

    def clear_local(self) -> None:
        with self._lock:
            self._local.clear()
            self._size = 0

    def _keep(self, key: str, page: Page) -> None:
        # A page set again under its key replaces the one kept: Today's page is set again when the copy kept
        # has expired (its next item opened), and an expired copy left in place would be found, refused and
        # rendered again on every request.
        with self._lock:
            replaced = self._local.pop(key, None)
            if replaced is not None:
                self._size -= len(replaced[0])
            self._local[key] = page
            self._size += len(page[0])
            while self._size > self.local_bytes and self._local:
                _, dropped = self._local.popitem(last=False)
                self._size -= len(dropped[0])
