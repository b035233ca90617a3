"""Instructions to the first frame (valgrind's callgrind), which the machine's load does not
move: the bare Textual app, `floor_app.py --minimum` and `okr` on the 8q (and 32q) store.

    python benchmarks/instructions.py                 # bare, minimum, okr 8q
    python benchmarks/instructions.py --only okr-8q   # one of them
    python benchmarks/instructions.py --okr-root DIR  # okr from another checkout (a baseline)
    python benchmarks/instructions.py --main-thread   # also the main thread's own count

`--main-thread` counts each thread apart (callgrind's --separate-threads) and prints the main
thread's figure beside the total: the work the first frame waits for. okr starts its workers
(the dashboard's prep lane, the full check of the file) once its first frame is drawn, so they
hardly run before the exit; before 4 December evening they started earlier and were counted.

Each runs in a pseudo-terminal of 120x40 with its exit hook (benchmarks/first_frame.py,
FIRST_FRAME_HARD_EXIT: `os._exit` right after the first frame, so shutdown is not counted) and
the .pyc written. okr's output must show a key result title (run.DATA_MARK), or the count is
refused: a first frame without data would count less than okr does.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import CLOCK_AT, OUT  # noqa: E402
from run import BARE_MARK, DATA_MARK, PYTHON, ROOT, child_env, compile_sources  # noqa: E402

STORES = {"8q": "store-8q-50t-seed20261123-v2", "32q": "store-32q-50t-seed20261123-v2"}


def count(
    command: list[str],
    env: dict[str, str],
    mark: bytes,
    keep: Path | None = None,
    *,
    main_thread: bool = False,
) -> tuple[int, int | None]:
    """Instructions of `command` under callgrind, in a pseudo-terminal: all threads', and
    (`main_thread`) the main thread's alone, else None; `keep` saves the callgrind output
    there (for callgrind_annotate; with `main_thread`, one file per thread, KEEP-01 ...)."""
    import fcntl
    import struct
    import termios

    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "callgrind.out"
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        output = bytearray()

        def drain() -> None:
            while True:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    return
                if not data:
                    return
                output.extend(data)

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        valgrind = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
        if main_thread:
            valgrind.append("--separate-threads=yes")
        process = subprocess.Popen(
            valgrind + command, stdin=slave, stdout=slave, stderr=slave, env=env
        )
        os.close(slave)
        process.wait(timeout=1200)
        reader.join(5)
        os.close(master)
        if mark not in output:
            tail = bytes(output[-2000:]).decode("utf-8", "replace")
            raise RuntimeError(f"{' '.join(command)}: no {mark!r} on screen:\n{tail}")
        if not main_thread:
            if keep is not None:
                keep.write_bytes(out.read_bytes())
            return _total(out), None
        # One file per thread, "callgrind.out-01" for the main thread (the first).
        per_thread = sorted(out.parent.glob(f"{out.name}-*"))
        assert per_thread, "callgrind wrote no per-thread file"
        if keep is not None:
            for path in per_thread:
                keep.with_name(keep.name + path.name[len(out.name) :]).write_bytes(
                    path.read_bytes()
                )
        return sum(_total(path) for path in per_thread), _total(per_thread[0])


def _total(path: Path) -> int:
    totals = re.search(r"^(?:summary|totals): (\d+)", path.read_text(), re.MULTILINE)
    assert totals is not None
    return int(totals[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated: bare,minimum,okr-8q,okr-32q")
    parser.add_argument("--okr-root", type=Path, default=ROOT, help="checkout okr runs from")
    parser.add_argument(
        "--keep", type=Path, help="folder to keep each run's callgrind output in (NAME.callgrind)"
    )
    parser.add_argument(
        "--main-thread", action="store_true", help="also count the main thread's instructions"
    )
    args = parser.parse_args()
    compile_sources()
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(args.okr_root / "okr_tui")], check=True)
    with tempfile.TemporaryDirectory() as scratch:
        env = child_env(Path(scratch), FIRST_FRAME_HARD_EXIT="1")
        env.pop("PYTHONDONTWRITEBYTECODE")
        env["PYTHONPATH"] = str(args.okr_root)
        jobs = {
            "bare": ([PYTHON, str(HERE / "bare_app.py")], BARE_MARK),
            "minimum": ([PYTHON, str(HERE / "floor_app.py"), "--minimum"], BARE_MARK),
        }
        for label, name in STORES.items():
            command = [PYTHON, str(HERE / "first_frame.py"), "--db", str(OUT / name)]
            jobs[f"okr-{label}"] = ([*command, "--at", CLOCK_AT], DATA_MARK)
        chosen = args.only.split(",") if args.only else ["bare", "minimum", "okr-8q"]
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
        counts = {
            name: count(
                jobs[name][0],
                env,
                jobs[name][1],
                args.keep / f"{name}.callgrind" if args.keep else None,
                main_thread=args.main_thread,
            )
            for name in chosen
        }
    base = counts["bare"][0] if "bare" in counts else None
    for name, (instructions, main) in counts.items():
        ratio = f"  {instructions / base:.2f}x bare" if base else ""
        own = f"  (main thread {main / 1e6:.1f} M)" if main is not None else ""
        print(f"{name:10} {instructions / 1e6:9.1f} M{ratio}{own}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
