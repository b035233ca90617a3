"""CPU profile of one `okr` command, to find the cause of a slow benchmark.

    python benchmarks/profile_cpu.py --pty -- --db STORE --at 2026-11-23T10:00:00Z
    python benchmarks/profile_cpu.py -- --db STORE --at 2026-11-23T10:00:00Z export --format json

cProfile timed by this process's CPU time (`time.process_time`), so other processes on a shared
machine do not skew the figures. With `--pty` the app runs in a pseudo-terminal and quits after
its first frame (benchmarks/first_frame.py), like the start-up benchmark. Prints the functions
with the most cumulative time, then the most own time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def show(stats_file: str, limit: int) -> None:
    for order in ("cumulative", "tottime"):
        buffer = io.StringIO()
        stats = pstats.Stats(stats_file, stream=buffer)
        stats.strip_dirs().sort_stats(order).print_stats(limit)
        text = buffer.getvalue()
        print(text[text.find("   ncalls") :] if "   ncalls" in text else text)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pty", action="store_true", help="run the app in a pseudo-terminal")
    parser.add_argument("--limit", type=int, default=35)
    parser.add_argument("--stats", help=argparse.SUPPRESS)  # the child under --pty writes here
    parser.add_argument("okr_args", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    okr_args = [a for a in args.okr_args if a != "--"]
    if args.pty:
        sys.path.insert(0, str(HERE))
        from run import DATA_MARK, child_env, run_to_data_frame

        with tempfile.TemporaryDirectory() as scratch:
            stats_file = os.path.join(scratch, "okr.pstats")
            command = [sys.executable, __file__, "--stats", stats_file, "--", *okr_args]
            result = run_to_data_frame(command, child_env(Path(scratch)), DATA_MARK)
            print(f"first data frame after {result.data:.2f} s wall (profiled, so slower)\n")
            show(stats_file, args.limit)
        return 0
    from okr_tui.cli import main as okr_main

    if args.stats is not None:  # the child under --pty: quit after the first frame
        sys.path.insert(0, str(HERE))
        from first_frame import install_in_okr

        install_in_okr()

    profiler = cProfile.Profile(time.process_time)
    stdout = sys.stdout
    if args.stats is None:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - the command's own output
    try:
        profiler.runcall(okr_main, okr_args)
    finally:
        if sys.stdout is not stdout:
            sys.stdout.close()
            sys.stdout = stdout
    stats_file = args.stats or tempfile.mktemp(suffix=".pstats")
    profiler.dump_stats(stats_file)
    if args.stats is None:
        show(stats_file, args.limit)
        os.unlink(stats_file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
