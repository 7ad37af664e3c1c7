"""BLAKE2b, the digest tillint's caches are keyed with.

``hashlib.blake2b`` is CPython's ``_blake2.blake2b``, but importing ``hashlib`` also loads its
OpenSSL bindings: about 4 ms, which every run (a one-file run included) would pay for a digest
it does not use. Pythons without ``_blake2`` get it from ``hashlib``.
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # not CPython
    from hashlib import blake2b

__all__ = ["blake2b"]
