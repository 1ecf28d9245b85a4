"""Pause Python's cyclic garbage collector while a batch builds tens of thousands of short-lived objects.

A 5,000-item batch makes parsed items, insert rows and result dicts that survive until the response is
sent. Each time enough of them pile up the collector walks every long-lived object of the process (the
whole loaded application) and finds nothing to free: a quarter of a batch's time went there. Reference
counting still frees everything as usual; cycles made meanwhile are collected once the pause ends.

Pauses nest and may overlap between threads: the collector runs again when the last one ends, and only
if it was running when the first began.
"""

import gc
import threading
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def gc_paused():
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
