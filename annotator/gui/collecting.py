"""Pausing Python's garbage collector while an article's spans and relations are read by the thousand."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No collection while tens of thousands of objects are made that all live on: each one would scan them again,
    and a full one (it comes now and then, after enough of them) took longer than reading the relations. They are
    collected once, afterwards, as usual."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
