"""CPU profile of one `okr` command, to find the cause of a slow benchmark.

    python benchmarks/profile_cpu.py --pty -- --db STORE --at 2026-11-23T10:00:00Z
    python benchmarks/profile_cpu.py -- --db STORE --at 2026-11-23T10:00:00Z export --format json
    python benchmarks/profile_cpu.py --walk STORE   # the walk benchmark's steps (run.py, 3)

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
import shutil
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
    parser.add_argument(
        "--walk",
        metavar="STORE",
        help="profile the walk benchmark's steps on (a copy of) this store, and print the "
        "median CPU time of one key result",
    )
    parser.add_argument("--teams", type=int, default=3, help="teams walked with --walk")
    parser.add_argument("--keep", help="also save the --pty run's pstats file here (pstats.Stats)")
    parser.add_argument("--stats", help=argparse.SUPPRESS)  # the child under --pty writes here
    parser.add_argument("okr_args", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    okr_args = [a for a in args.okr_args if a != "--"]
    if args.walk:
        return profile_walk(Path(args.walk), args.teams, args.limit)
    if args.pty:
        sys.path.insert(0, str(HERE))
        from run import DATA_MARK, child_env, run_to_data_frame

        with tempfile.TemporaryDirectory() as scratch:
            stats_file = os.path.join(scratch, "okr.pstats")
            command = [sys.executable, __file__, "--stats", stats_file, "--", *okr_args]
            result = run_to_data_frame(command, child_env(Path(scratch)), DATA_MARK)
            print(f"first data frame after {result.data:.2f} s wall (profiled, so slower)\n")
            show(stats_file, args.limit)
            if args.keep:
                shutil.copyfile(stats_file, args.keep)
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


def profile_walk(store: Path, teams: int, limit: int) -> int:
    """The walk benchmark (run.py `_walk`) on a copy of `store`, profiled during its steps."""
    import asyncio
    import statistics

    sys.path.insert(0, str(HERE))
    from run import _walk

    profiler = cProfile.Profile(time.process_time)
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "store"
        shutil.copytree(store, copy)
        result = asyncio.run(_walk(copy, teams, profiler))
        stats_file = os.path.join(scratch, "walk.pstats")
        profiler.dump_stats(stats_file)
        cpu = result["key_result_cpu"]
        print(
            f"CPU time of one key result: median {statistics.median(cpu):.1f} ms "
            f"(min {min(cpu):.1f}, max {max(cpu):.1f}, {len(cpu)} key results); "
            f"Enter to next shown: median {statistics.median(result['step']):.1f} ms\n"
        )
        show(stats_file, limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
