"""A process that saves check-ins into a store, and the harness that kills it, for the crash and
concurrency tests (tests/functional/test_store_faults.py) and benchmarks/crash_kill.py.

    python tests/store_worker.py STORE --tag T [--count N] [--start S] [--step K]

It opens the store (prepared with `prepare`), prints `ready`, then saves check-ins with the ids
`ci-T-0`, `ci-T-1`, ... and prints each id (flushed) only after `add_check_in` returned: a printed
id is a check-in the store promised to keep. Check-in i goes to the (key result, meeting) pair
number `start + i * step` (wrapping around), so two workers with different starts write mostly
different pairs; a pair written twice is a correction, which is fine. Without --count it runs
until it is killed.
"""

from __future__ import annotations

import argparse
import itertools
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from okr_tui.domain.cadence import meeting_dates
from okr_tui.domain.clock import FixedClock
from okr_tui.domain.models import (
    CheckIn,
    Confidence,
    Cycle,
    CycleState,
    KeyResult,
    Objective,
    Team,
)
from okr_tui.store.errors import StoreError
from okr_tui.store.storage import TEMP_MARK
from okr_tui.store.store import OkrStore

CLOCK_AT = "2026-11-23T10:00:00Z"  # inside CYCLE, like the tests' clock
CYCLE = {
    "id": "cycle-q4",
    "name": "2026-Q4",
    "start": "2026-10-01",
    "end": "2026-12-31",
    "timezone": "Europe/Berlin",
    "meeting_weekday": 0,
    "meeting_time": "09:30",
    "state": CycleState.ACTIVE,
}


def prepare(folder: Path, key_results: int = 1) -> OkrStore:
    """A store with one active cycle around CLOCK_AT, one team, one objective, `key_results` KRs."""
    store = OkrStore(folder, FixedClock(CLOCK_AT))
    team = store.save_team(Team(id="team-a", name="Growth"))
    cycle = store.save_cycle(Cycle.model_validate(CYCLE))
    objective = store.save_objective(
        Objective(id="obj-a", cycle_id=cycle.id, team_id=team.id, title="Grow")
    )
    for number in range(key_results):
        store.save_key_result(
            KeyResult(
                id=f"kr-{number:03d}",
                cycle_id=cycle.id,
                objective_id=objective.id,
                title=f"Key result {number}",
                baseline=0,
                target=100,
                order=number,
            )
        )
    return store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("store")
    parser.add_argument("--tag", required=True)
    parser.add_argument("--count", type=int, default=None)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--step", type=int, default=1)
    args = parser.parse_args(argv)

    clock = FixedClock(CLOCK_AT)
    store = OkrStore(args.store, clock)
    cycle = store.cycle(CYCLE["id"])
    pairs = [(kr.id, day) for day in meeting_dates(cycle) for kr in store.key_results(cycle.id)]
    print("ready", flush=True)
    numbers = range(args.count) if args.count is not None else itertools.count()
    for number in numbers:
        kr_id, day = pairs[(args.start + number * args.step) % len(pairs)]
        check_in = CheckIn(
            id=f"ci-{args.tag}-{number}",
            cycle_id=cycle.id,
            kr_id=kr_id,
            meeting_date=day,
            value=number % 100,
            confidence=Confidence.ON_TRACK,
            recorded_at=clock.now(),
        )
        stored = store.add_check_in(check_in)
        sys.stdout.write(stored.id + "\n")
        sys.stdout.flush()
    return 0


class Worker:
    """This script running in a subprocess; a thread collects the check-in ids it prints."""

    def __init__(self, folder: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__)), str(folder), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self.stderr = ""
        self.ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            line = line.strip()
            if line == "ready":
                self.ready.set()
            elif line:
                self.lines.append(line)
        self.ready.set()  # it ended (or was killed): nobody should wait any longer

    def kill(self) -> list[str]:
        self.process.send_signal(signal.SIGKILL)
        return self.finish()

    def finish(self, timeout: float = 120) -> list[str]:
        """Wait for the end; the ids it printed (every one a confirmed check-in)."""
        self.process.wait(timeout=timeout)
        self._reader.join(timeout=10)
        assert self.process.stderr is not None
        self.stderr = self.process.stderr.read()
        self.process.stderr.close()
        return self.lines


def kill_repeatedly(folder: Path, kills: int, seed: int) -> dict[str, int | str]:
    """Start a saving worker and SIGKILL it at a random moment, `kills` times. After each kill
    open the store as a new process would and look for every check-in the workers confirmed.

    Stops at the first store that does not open or a worker that dies on its own, and says why
    in "error". Counts: kills, confirmed, lost, opened, killed_mid_save (a temp file was left).
    """
    rng = random.Random(seed)
    confirmed: set[str] = set()
    lost: set[str] = set()
    counts: dict[str, int | str] = {"kills": 0, "opened": 0, "killed_mid_save": 0, "error": ""}
    for run in range(kills):
        worker = Worker(folder, "--tag", f"r{run}")
        if rng.random() < 0.1:
            time.sleep(rng.uniform(0, 0.4))  # sometimes while it is still opening the store
        else:
            worker.ready.wait(timeout=60)
            time.sleep(rng.choice([0.0, rng.uniform(0, 0.05), rng.uniform(0, 0.3)]))
        if worker.process.poll() is not None:
            worker.finish()
            counts["error"] = f"the worker died on its own: {worker.stderr.strip()[-300:]}"
            break
        confirmed.update(worker.kill())
        counts["kills"] = int(counts["kills"]) + 1
        if any(folder.rglob(f".*{TEMP_MARK}*")):
            counts["killed_mid_save"] = int(counts["killed_mid_save"]) + 1
        try:
            store = OkrStore(folder, FixedClock(CLOCK_AT))
            stored = {check_in.id for check_in in store.check_ins(CYCLE["id"])}
        except StoreError as error:
            counts["error"] = f"after kill {run + 1} the store does not open: {error}"
            break
        if any(folder.rglob(f".*{TEMP_MARK}*")):
            counts["error"] = "opening the store left stale temp files behind"
            break
        counts["opened"] = int(counts["opened"]) + 1
        lost |= confirmed - stored
    counts["confirmed"] = len(confirmed)
    counts["lost"] = len(lost)
    return counts


if __name__ == "__main__":
    raise SystemExit(main())
