"""Grad mode: whether operations record a graph, per thread and per asyncio task (PyTorch's is
per thread). `no_grad()` turns recording off in the current context only.

The state is a ContextVar holding how many `no_grad` blocks are open in this context. Reading
a ContextVar for every node would cost time on the engine's fast path, so `open_blocks` counts
the blocks open anywhere: while it is 0, which is nearly always, the engine reads nothing else.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

depth: ContextVar[int] = ContextVar("micrograd_plus_no_grad_depth", default=0)
open_blocks = 0  # no_grad blocks open in every thread and task together
_lock = threading.Lock()


def is_recording() -> bool:
    return open_blocks == 0 or depth.get() == 0


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside this block, operations compute values but record no graph (for evaluation).

    Per thread and per asyncio task, as in PyTorch: a block in one thread leaves graphs built
    in other threads whole. (A task started inside the block inherits it, as context does.)
    """
    global open_blocks
    with _lock:
        open_blocks += 1
    depth.set(depth.get() + 1)
    try:
        yield
    finally:
        # Counted, not restored: two blocks that end in the other order than they began (two
        # generators, say) still leave recording on once both have ended.
        depth.set(depth.get() - 1)
        with _lock:
            open_blocks -= 1


@contextmanager
def recording() -> Iterator[None]:
    """Record even inside no_grad(): grad(..., create_graph=True) was asked for a graph."""
    token = depth.set(0)
    try:
        yield
    finally:
        depth.reset(token)
