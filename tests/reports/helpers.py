"""Functions run in render workers by the tests (importable by name, so they can be sent to another process)."""

from __future__ import annotations

import signal
import time

from tenderscore.reports.worker import Rendered


def ignore_the_timer_and_sleep(seconds: float) -> Rendered:
    """A render stuck where no timer reaches it (as a C call might be)."""
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    signal.setitimer(signal.ITIMER_REAL, 0.01)
    time.sleep(seconds)
    return Rendered(b"", 0, ())
