"""Functions run in render workers by the tests (importable by name, so they can be sent to another process)."""

from __future__ import annotations

import os
import signal
import time

from tenderscore.reports.worker import Rendered


def ignore_the_timer_and_sleep(seconds: float) -> Rendered:
    """A render stuck where no timer reaches it (as a C call might be)."""
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    signal.setitimer(signal.ITIMER_REAL, 0.01)
    time.sleep(seconds)
    return Rendered(b"", 0, ())


def die() -> Rendered:
    """A worker that crashes outright (as a segfault in a C library would)."""
    os._exit(3)


class Unpicklable(Exception):
    def __init__(self, handle: object) -> None:
        super().__init__("cannot cross a process boundary")
        self.handle = handle


def fail_badly() -> Rendered:
    """An error whose own class could not be sent back to the caller."""
    raise Unpicklable(lambda: None)
