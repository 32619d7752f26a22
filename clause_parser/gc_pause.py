"""Building many objects at once (a parse, or unpickling a parse result) without the cycle
collector scanning them over and over."""
from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused():
    """Pause Python's cycle collector while a document is parsed (or a parsed result unpickled).

    A parse builds some 100 000 objects (clauses, hits, evidence, fields) that all stay alive until
    it returns, and no reference cycles: every pass of the cycle collector during the parse scans
    them (and the rest of the heap, spaCy's model included) and frees nothing — 15-20 % of the
    parse time. Reference counting still frees everything as usual. The collector is resumed even
    on error, and only if it was running (another thread or the caller may have paused it).

    Re-enabled as it is, the collector would at once scan the whole result, still counted as
    young (~10 % of a rules-only parse), only to promote it. ``freeze()`` + ``unfreeze()`` hands
    every tracked object to the oldest generation in constant time instead: a result lives as
    long as the caller keeps it, which is where the oldest generation's rare full collections
    look. Skipped when the caller froze objects of their own (``unfreeze`` would thaw them).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()
