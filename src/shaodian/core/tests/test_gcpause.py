"""gc_paused: the collector is off inside, back on after the outermost pause, and left off if it was off."""

import gc
import threading

import pytest

from shaodian.core.gcpause import gc_paused


def test_nested_pauses_restore_the_collector_once():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause is still on
    assert gc.isenabled()


def test_an_exception_still_restores_the_collector():
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("inside the pause")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_pauses_in_two_threads():
    first_in, second_done = threading.Event(), threading.Event()
    seen = []

    def first():
        with gc_paused():
            first_in.set()
            second_done.wait(5)
            seen.append(gc.isenabled())  # the other thread's pause ended: still off for us

    t = threading.Thread(target=first)
    t.start()
    first_in.wait(5)
    with gc_paused():
        pass
    second_done.set()
    t.join(5)
    assert seen == [False] and gc.isenabled()
