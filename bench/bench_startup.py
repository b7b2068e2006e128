"""What the console script costs to start: ``tenderscore --help`` and ``tenderscore check-bid``, each in a fresh
interpreter, next to bare Python, ``import flask`` and building the whole web app.

    python bench/bench_startup.py [--rounds N]

Prints figures only; it asserts nothing about time (``tests/test_cli.py`` checks what the commands load). Setup,
once, in a temporary instance folder: the schema, the demo competition, and a response workbook for its published
tender, filled with the first demo bid. Then every round runs each command once, the order rotating from round to
round so that load from other processes falls on all alike; a figure is the median over the rounds of the child's
CPU time (user + system, from ``wait4``), with its wall time beside it. The commands run this checkout
(``python -c 'from tenderscore.cli import main; main()' ...``), whatever the installed console script points at.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONSOLE = "from tenderscore.cli import main; main()"


def child(command: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """(CPU seconds, wall seconds, exit code, what it printed) of one run of ``command``."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    assert process.stdout is not None
    printed = process.stdout.read().decode(errors="replace")
    process.stdout.close()
    return usage.ru_utime + usage.ru_stime, wall, process.returncode, printed


def prepare(folder: Path, env: dict[str, str]) -> tuple[str, Path]:
    """Schema and demo in ``folder``'s database; (a published tender's reference, a workbook filled for it)."""
    for arguments in (["db", "upgrade"], ["demo", "load"]):
        _cpu, _wall, code, printed = child([sys.executable, "-c", CONSOLE, *arguments], env)
        if code != 0:
            raise SystemExit(f"setup failed: tenderscore {' '.join(arguments)}\n{printed}")
    script = (
        "import sys\n"
        "from sqlmodel import Session, select\n"
        "try:\n    from tenderscore import create_command_app\n"
        "except ImportError:  # a checkout from before it (for the figures before)\n"
        "    from tenderscore import create_app as create_command_app\n"
        "from tenderscore.db import get_engine\n"
        "from tenderscore.db.models import Tender, TenderStatus\n"
        "from tenderscore.services.submissions import identity\n"
        "from tenderscore.services.tenders import rubric_of\n"
        "from tenderscore.sheets import demo_bids\n"
        "with create_command_app().app_context(), Session(get_engine()) as session:\n"
        "    tender = session.exec(select(Tender).where(Tender.status == TenderStatus.PUBLISHED)).first()\n"
        "    bid = demo_bids(rubric_of(tender), identity(session, tender))[0]\n"
        "    open(sys.argv[1], 'wb').write(bid.workbook)\n"
        "    print(tender.reference)\n"
    )
    workbook = folder / "bid.xlsx"
    _cpu, _wall, code, printed = child([sys.executable, "-c", script, str(workbook)], env)
    if code != 0:
        raise SystemExit(f"setup failed: no workbook for a published tender\n{printed}")
    return printed.strip().splitlines()[-1], workbook


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="runs of each command; the median is shown")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tenderscore-bench-") as temporary:
        folder = Path(temporary)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
            "TENDERSCORE_INSTANCE_PATH": str(folder),
            "TENDERSCORE_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        }
        reference, workbook = prepare(folder, env)
        python = sys.executable
        check_bid = f"tenderscore check-bid {reference} bid.xlsx"
        commands = {
            "python -c pass": [python, "-c", "pass"],
            "python -c 'import flask'": [python, "-c", "import flask"],
            "tenderscore --help": [python, "-c", CONSOLE, "--help"],
            check_bid: [python, "-c", CONSOLE, "check-bid", reference, str(workbook)],
            "the whole web app (create_app)": [python, "-c", "import tenderscore; tenderscore.create_app()"],
        }
        names = list(commands)
        cpu: dict[str, list[float]] = {name: [] for name in names}
        wall: dict[str, list[float]] = {name: [] for name in names}
        for number in range(args.rounds):
            for name in names[number % len(names) :] + names[: number % len(names)]:
                spent, elapsed, code, printed = child(commands[name], env)
                if code not in (0, 1) or (name == check_bid and "Self-check" not in printed):
                    raise SystemExit(f"{name} failed ({code}):\n{printed}")
                cpu[name].append(spent)
                wall[name].append(elapsed)
    median_cpu = {name: statistics.median(values) for name, values in cpu.items()}
    print(f"median of {args.rounds} alternating runs, each in a fresh interpreter (CPU = user + system):")
    for name in names:
        median_wall = statistics.median(wall[name])
        print(f"  {name:48} CPU {median_cpu[name] * 1000:6.0f} ms   wall {median_wall * 1000:6.0f} ms")
    flask, whole = median_cpu["python -c 'import flask'"], median_cpu["the whole web app (create_app)"]
    print(f"--help / import flask: {median_cpu['tenderscore --help'] / flask:.2f}x")
    check = median_cpu[check_bid]
    print(f"check-bid / import flask: {check / flask:.2f}x; check-bid / the whole web app: {check / whole:.2f}x")


if __name__ == "__main__":
    main()
