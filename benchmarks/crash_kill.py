"""Kill a process that is saving check-ins, many times, and count what survived.

    python benchmarks/crash_kill.py [--kills 200] [--seed N] [--keep FOLDER]

The longer version of tests/functional/test_store_faults.py's crash test: a worker saves
check-ins in a loop
and prints each id once `add_check_in` returned; it is SIGKILLed at random moments; after each
kill the store is opened again and every confirmed check-in must be there. Exit status 0 when
nothing was lost and the store always opened.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import store_worker  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--keep", metavar="FOLDER", help="use this store folder and keep it")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="okr-crash-") as scratch:
        folder = Path(args.keep) if args.keep else Path(scratch) / "store"
        store_worker.prepare(folder)
        started = time.perf_counter()
        counts = store_worker.kill_repeatedly(folder, args.kills, args.seed)
        seconds = time.perf_counter() - started

    print(f"kills:                {counts['kills']} of {args.kills}")
    print(f"check-ins confirmed:  {counts['confirmed']}")
    print(f"check-ins lost:       {counts['lost']}")
    print(f"store opened OK:      {counts['opened']} of {counts['kills']}")
    print(f"killed mid-save:      {counts['killed_mid_save']} (a temp file was left behind)")
    print(f"time:                 {seconds:.1f} s")
    if counts["error"]:
        print(f"error:                {counts['error']}")
    ok = not counts["error"] and counts["lost"] == 0 and counts["kills"] == args.kills
    print("result:               " + ("OK" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
