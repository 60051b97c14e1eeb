"""no_grad() is per thread and per asyncio task, as PyTorch's grad mode is per thread."""
from __future__ import annotations

import asyncio
import threading

from micrograd_plus import Value, grad, no_grad


def build_and_differentiate() -> float:
    x = Value(3.0)
    (x * x + x).backward()
    return x.grad  # 2x + 1 = 7


def test_a_graph_built_in_another_thread_is_recorded_while_one_thread_is_inside_no_grad():
    inside, done = threading.Event(), threading.Event()
    results = {}

    def evaluator():
        with no_grad():
            inside.set()
            done.wait(timeout=10)
            results["evaluator"] = (Value(2.0) * 3)._children  # still off here

    thread = threading.Thread(target=evaluator)
    thread.start()
    assert inside.wait(timeout=10)
    results["trainer"] = build_and_differentiate()  # this thread is not inside no_grad
    done.set()
    thread.join(timeout=10)
    assert results == {"trainer": 7.0, "evaluator": ()}
    assert (Value(1.0) * 2)._children != ()


def test_blocks_that_end_in_the_other_order_than_they_began_leave_recording_on():
    def block():
        with no_grad():
            yield

    first, second = block(), block()
    next(first)
    next(second)
    assert (Value(1.0) + 1)._children == ()
    for generator in (first, second):  # end the first one first: crossed, not nested
        try:
            next(generator)
        except StopIteration:
            pass
    assert (Value(1.0) + 1)._children != ()
    assert build_and_differentiate() == 7.0


def test_no_grad_in_one_asyncio_task_leaves_another_task_recording():
    async def evaluate(inside: asyncio.Event, release: asyncio.Event):
        with no_grad():
            inside.set()
            await release.wait()
            return (Value(2.0) * 3)._children

    async def train(inside: asyncio.Event, release: asyncio.Event):
        await inside.wait()  # the other task is parked inside its no_grad block
        grads = build_and_differentiate()
        release.set()
        return grads

    async def main():
        inside, release = asyncio.Event(), asyncio.Event()
        return await asyncio.gather(evaluate(inside, release), train(inside, release))

    assert asyncio.run(main()) == [(), 7.0]


def test_create_graph_records_even_inside_no_grad_and_the_block_stays_in_force():
    x = Value(2.0)
    y = x * x * x
    with no_grad():
        (first,) = grad(y, [x], create_graph=True)
        assert first._children != ()  # a graph was asked for, so one was recorded
        assert (x * 2)._children == ()  # and the block is still in force afterwards
    assert grad(first, [x]) == [12.0]


def test_no_grad_works_as_a_decorator():
    @no_grad()
    def evaluate(v: Value) -> Value:
        return v * 2

    assert evaluate(Value(1.0))._children == ()
    assert (Value(1.0) * 2)._children != ()
