"""okr-tui benchmarks (issue 6), outside the test suite.

    python benchmarks/run.py            # full: 1/8/32-quarter stores, 5+ runs each, writes
                                        # docs/benchmarks.md and benchmarks/out/results-*.json
    python benchmarks/run.py --quick    # smoke: 1/8-quarter stores, 2 runs, prints the table

Machines are shared and noisy, so every figure is compared with a baseline measured in the same
run, runs of the two are interleaved, and each figure is a median with its min and max:

1. start-up: `okr --db STORE --at CLOCK`, unchanged, in a pseudo-terminal (120x40) with the
   .pyc written as after an install, from process start to the first output that shows a key
   result title (the first frame of data), then a cursor move (down arrow) typed once the output
   has settled, to its repaint; against benchmarks/bare_app.py (to its label) and
   benchmarks/floor_app.py --minimum, in the same rounds (15 by default); ratios are medians of
   the per-round ratios. benchmarks/instructions.py counts instructions to the first frame;
2. a durable check-in save (`OkrStore.add_check_in`, fsync included) on stores with 1, 8 and 32
   quarters of history, against an atomic write of the same bytes (benchmarks/out/ is on the
   same disk as the repository);
3. the walkthrough: from the Enter that saves a check-in to the first frame showing the next key
   result (App.run_test; the key goes straight to the driver and the frame is caught in
   `App._display`, because Pilot's press/pause sleep 20 ms or more each), against a key that
   only repaints (moving the confidence highlight); and the CPU time of a whole key result
   (value Enter, confidence key, all they set off until the app is idle: what someone typing
   ahead waits for) against the CPU time of a repaint-only key;
4. `okr due` and `okr export --format json` against a process that loads the same store files
   and dumps them with json and with orjson (benchmarks/json_baseline.py); and `okr list`
   against `okr due` (both read the active cycle: listing its key results with their values
   must not cost more than twice working out what is due);
5. peak RSS of the start-up runs (wait4's ru_maxrss), against the bare Textual app.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import fcntl
import gc
import json
import math
import os
import platform
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from first_frame import BARE_LABEL, DATA_TITLE  # noqa: E402
from generate import CLOCK_AT, OUT, Size, ensure_store  # noqa: E402

DOCS = ROOT / "docs" / "benchmarks.md"
PYTHON = sys.executable
COLUMNS, ROWS = 120, 40
TIMEOUT = 300.0

TARGETS = {
    "startup": 2.0,  # first data frame, paired median ratio to the bare app (8q and 32q)
    "startup-minimum": 1.45,  # ... and to floor_app.py --minimum
    "save-median-ms": 5.0,
    "save-ratio": 1.2,
    "walk-p95-ms": 30.0,
    "export-8-s": 1.0,
    "list-vs-due": 2.0,
    "rss-32-mb": 150.0,
}


# --- statistics -----------------------------------------------------------------------------


@dataclass
class Stats:
    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]

    @property
    def low(self) -> float:
        return min(self.samples)

    @property
    def high(self) -> float:
        return max(self.samples)

    def text(self, unit: str, digits: int = 2, p95: bool = False) -> str:
        def f(value: float) -> str:
            return f"{value:.{digits}f}"

        extra = f", p95 {f(self.p95)}" if p95 else ""
        return (
            f"{f(self.median)} {unit} ({f(self.low)}–{f(self.high)}{extra}, n={len(self.samples)})"
        )


@dataclass
class Row:
    number: str
    benchmark: str
    store: str
    measured: str
    baseline: str
    ratio: str
    target: str
    result: str


@dataclass
class Report:
    quick: bool
    rows: list[Row] = field(default_factory=list)
    raw: dict[str, object] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells: str) -> None:
        self.rows.append(Row(*cells))

    def table(self) -> str:
        header = (
            "| # | Benchmark | Store | Measured: median (min–max) | Baseline: median (min–max) "
            "| Ratio | Target | Result |\n|---|---|---|---|---|---|---|---|\n"
        )
        return header + "\n".join(
            f"| {r.number} | {r.benchmark} | {r.store} | {r.measured} | {r.baseline} | "
            f"{r.ratio} | {r.target} | {r.result} |"
            for r in self.rows
        )


def verdict(ok: bool) -> str:
    return "pass" if ok else "**MISS**"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- processes ------------------------------------------------------------------------------


def child_env(scratch: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "OKR_"))}
    env.update(
        TERM="xterm-256color",
        COLORTERM="truecolor",
        OKR_HOME=str(scratch / "okr-home"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


# What the start-up benchmark waits for: a key result title of the first team on the dashboard
# of every generated store (2026-Q4 is generated alike at 8 and 32 quarters), and the bare app's
# label. Found in the terminal's output, so the app carries no hook of any kind.
DATA_MARK = DATA_TITLE.encode()
BARE_MARK = BARE_LABEL.encode()
CURSOR_DOWN = b"\x1b[B"
QUIT = b"\x11"  # ctrl+q
QUIET = 0.3  # seconds without output before the key is sent: the first frame has settled


@dataclass
class DataRun:
    data: float  # seconds from process start to the output that shows `mark`
    key: float | None  # from writing the key to the first output after it (its repaint)
    rss_mb: float


def run_to_data_frame(
    command: Sequence[str], env: dict[str, str], mark: bytes, key: bytes | None = None
) -> DataRun:
    """Run a Textual app in a pseudo-terminal of COLUMNS x ROWS, unchanged (no exit hook): time
    the first output that shows `mark`, then (with `key`) wait for the output to settle, type
    the key and time its repaint; then quit with ctrl+q (the process group is killed if it
    does not go within 10 s)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    output = bytearray()
    chunks: list[float] = []  # arrival time of each read
    seen = threading.Event()
    marks: dict[str, float] = {}
    changed = threading.Condition()

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            now = time.perf_counter()
            with changed:
                output.extend(data)
                chunks.append(now)
                if not seen.is_set() and mark in output[-len(data) - len(mark) :]:
                    marks["data"] = now
                    seen.set()
                changed.notify_all()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    key_time = None
    try:
        if not seen.wait(TIMEOUT):
            raise RuntimeError("no data frame")
        if key is not None:
            with changed:
                while time.perf_counter() - chunks[-1] < QUIET:
                    changed.wait(QUIET)
                count = len(chunks)
                sent = time.perf_counter()
                os.write(master, key)
                if not changed.wait_for(lambda: len(chunks) > count, 10):
                    raise RuntimeError("no repaint after the key")
                key_time = chunks[count] - sent
        os.write(master, QUIT)
    except RuntimeError as error:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 9)
        process.wait()
        tail = bytes(output).decode("utf-8", "replace")[-3000:]
        raise RuntimeError(f"{' '.join(command)}: {error}:\n{tail}") from None
    timer = threading.Timer(10, lambda: os.killpg(process.pid, 9))
    timer.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
    reader.join(5)
    os.close(master)
    text = bytes(output).decode("utf-8", "replace")
    if "Traceback" in text:
        raise RuntimeError(f"{' '.join(command)} failed:\n{text[-3000:]}")
    return DataRun(marks["data"] - started, key_time, usage.ru_maxrss / 1024)


def compile_sources() -> None:
    """Write the .pyc of okr and of the benchmarks as an install does, so no run pays for
    compiling (the runs no longer set PYTHONDONTWRITEBYTECODE)."""
    subprocess.run(
        [PYTHON, "-m", "compileall", "-q", str(ROOT / "okr_tui"), str(HERE)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def run_timed(command: Sequence[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and peak RSS (MB) of a command, its output thrown away."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({code}): {process.stderr.read()}")
    process.stderr.close()
    return elapsed, usage.ru_maxrss / 1024


def generated_store(size: Size) -> Path:
    """The cached store of `size`, generated first, if missing, in a process of its own: a
    child's peak RSS counts the parent it was forked from, so generating the stores in this
    process (to 120 MB) made the bare app and okr both read 121 MB."""
    folder = OUT / size.name
    if not (folder / "okr.json").exists():
        command = [PYTHON, str(HERE / "generate.py"), "--quarters", str(size.quarters)]
        command += ["--teams", str(size.teams), "--seed", str(size.seed)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        log(f"generated {folder.name}")
    return ensure_store(size, log=log)  # only checks now; generates if the child could not


def okr(store: Path, *args: str) -> list[str]:
    return [PYTHON, "-m", "okr_tui", "--db", str(store), "--at", CLOCK_AT, *args]


def interleaved(runs: int, jobs: dict[str, Callable[[], object]]) -> dict[str, list]:
    """Run each job `runs` times, round-robin, so noise spreads evenly over all of them."""
    results: dict[str, list] = {name: [] for name in jobs}
    for index in range(runs):
        for name, job in jobs.items():
            results[name].append(job())
        log(f"  run {index + 1}/{runs} done")
    return results


# --- 1 and 5: start-up and memory -----------------------------------------------------------


def bench_startup(report: Report, stores: dict[str, Path], runs: int, scratch: Path) -> None:
    """`okr` on each store, the bare app and `floor_app.py --minimum`, round-robin: to the first
    frame that shows data (a key result title / the bare app's label), and for okr a cursor
    move's repaint. Ratios are of paired runs (the same round), then their median."""
    log("start-up: first data frame of okr vs a bare Textual app")
    compile_sources()
    env = child_env(scratch, PYTHONDONTWRITEBYTECODE="")
    env.pop("PYTHONDONTWRITEBYTECODE")
    bare_cmd = [PYTHON, str(HERE / "bare_app.py"), "--stay"]
    minimum_cmd = [PYTHON, str(HERE / "floor_app.py"), "--minimum", "--stay"]
    jobs: dict[str, Callable[[], object]] = {
        "bare": lambda: run_to_data_frame(bare_cmd, env, BARE_MARK),
        "floor-minimum": lambda: run_to_data_frame(minimum_cmd, env, BARE_MARK),
    }
    for label, folder in stores.items():
        jobs[label] = lambda folder=folder: run_to_data_frame(
            okr(folder), env, DATA_MARK, CURSOR_DOWN
        )
    run_to_data_frame(bare_cmd, env, BARE_MARK)  # warm the file cache, untimed
    for folder in stores.values():
        run_to_data_frame(okr(folder), env, DATA_MARK)
    results = interleaved(runs, jobs)
    report.raw["startup"] = {name: [asdict(r) for r in rs] for name, rs in results.items()}
    bare = Stats([r.data for r in results["bare"]])
    bare_rss = Stats([r.rss_mb for r in results["bare"]])
    minimum = Stats([r.data for r in results["floor-minimum"]])

    def paired(name: str, base: str) -> Stats:
        return Stats([a.data / b.data for a, b in zip(results[name], results[base], strict=True)])

    for label in stores:
        data = Stats([r.data for r in results[label]])
        ratio = paired(label, "bare")
        to_minimum = paired(label, "floor-minimum")
        target = TARGETS["startup"]
        report.add(
            "1",
            "start to first data frame (`okr`, a key result title on screen)",
            label,
            data.text("s"),
            f"bare Textual app {bare.text('s')}",
            f"{ratio.median:.2f}x paired ({ratio.low:.2f}–{ratio.high:.2f}); "
            f"{to_minimum.median:.2f}x `floor_app.py --minimum`",
            f"≤ {target}x bare, ≤ {TARGETS['startup-minimum']}x minimum",
            verdict(ratio.median <= target and to_minimum.median <= TARGETS["startup-minimum"]),
        )
        keys = Stats([r.key * 1000 for r in results[label] if r.key is not None])
        report.add(
            "1",
            "cursor move (↓) to its repaint, after the first data frame settles",
            label,
            keys.text("ms", 1, p95=True),
            "–",
            "–",
            "–",
            "–",
        )
    floor = paired("floor-minimum", "bare")
    report.add(
        "1",
        "bare app importing pydantic and pendulum (`floor_app.py --minimum`, reference)",
        "–",
        minimum.text("s"),
        f"bare Textual app {bare.text('s')}",
        f"{floor.median:.2f}x paired",
        "–",
        "–",
    )
    for label in stores:
        rss = Stats([r.rss_mb for r in results[label]])
        target = TARGETS["rss-32-mb"] if label == "32q" else None
        report.add(
            "5",
            "peak RSS of the app (first frame and one key)",
            label,
            rss.text("MB", 0),
            f"bare Textual app {bare_rss.text('MB', 0)}",
            f"{rss.median / bare_rss.median:.2f}x",
            f"< {target:.0f} MB" if target else "–",
            verdict(rss.median < target) if target else "–",
        )


# --- 4: okr due and okr export --------------------------------------------------------------


def bench_cli(report: Report, stores: dict[str, Path], runs: int, scratch: Path) -> None:
    log("okr due / okr export vs plain json / orjson")
    env = child_env(scratch)
    baseline = str(HERE / "json_baseline.py")
    for label, folder in stores.items():
        log(f" store {label}")
        jobs: dict[str, Callable[[], object]] = {
            "due": lambda f=folder: run_timed(okr(f, "due"), env),
            "export": lambda f=folder: run_timed(okr(f, "export", "--format", "json"), env),
        }
        for lib in ("json", "orjson"):
            for scope in ("current", "all"):
                jobs[f"{lib}-{scope}"] = lambda f=folder, lib=lib, scope=scope: run_timed(
                    [PYTHON, baseline, str(f), "--lib", lib, "--scope", scope], env
                )
        run_timed(okr(folder, "due"), env)  # warm the file cache, untimed
        # The first export on a machine checks every cycle as an import would; it remembers the
        # closed ones it checked (exchange/export_check.py), so the timed runs are the later
        # exports of the same store. The first is timed once, here, and said in the notes.
        shutil.rmtree(Path(env["OKR_HOME"]), ignore_errors=True)
        first_export, _ = run_timed(okr(folder, "export", "--format", "json"), env)
        results = interleaved(runs, jobs)
        report.raw[f"cli-{label}"] = results
        wall = {name: Stats([r[0] for r in rs]) for name, rs in results.items()}
        for command, scope in (("due", "current"), ("export", "all")):
            measured = wall[command]
            plain, fast = wall[f"json-{scope}"], wall[f"orjson-{scope}"]
            target = TARGETS["export-8-s"] if (command, label) == ("export", "8q") else None
            what = "root + active cycle file" if scope == "current" else "every store file"
            report.add(
                "4",
                f"`okr {command}`" + (" `--format json`" if command == "export" else ""),
                label,
                measured.text("s"),
                f"load+dump {what}: json {plain.text('s')}; orjson {fast.text('s')}",
                f"{measured.median / plain.median:.2f}x json, "
                f"{measured.median / fast.median:.2f}x orjson",
                f"< {target} s" if target else "–",
                verdict(measured.median < target) if target else "–",
            )
        export_rss = Stats([r[1] for r in results["export"]])
        report.notes.append(
            f"`okr export` {label}: peak RSS {export_rss.median:.0f} MB; the first export on the "
            f"machine (no closed cycle remembered as checked) {first_export:.2f} s, once."
        )


def bench_list(report: Report, stores: dict[str, Path], runs: int, scratch: Path) -> None:
    """`okr list` and `okr prep` against `okr due`, interleaved: all three read the active
    cycle, and neither listing its key results nor preparing the coming meeting may cost more
    than twice working out what is due."""
    log("okr list / okr prep vs okr due")
    env = child_env(scratch)
    for label, folder in stores.items():
        log(f" store {label}")
        jobs: dict[str, Callable[[], object]] = {
            "due": lambda f=folder: run_timed(okr(f, "due"), env),
            "list": lambda f=folder: run_timed(okr(f, "list"), env),
            "prep": lambda f=folder: run_timed(okr(f, "prep"), env),
        }
        run_timed(okr(folder, "list"), env)  # warm the file cache, untimed
        results = interleaved(runs, jobs)
        report.raw[f"list-{label}"] = results
        due = Stats([r[0] for r in results["due"]])
        for command in ("list", "prep"):
            measured = Stats([r[0] for r in results[command]])
            ratio = Stats(
                [a[0] / b[0] for a, b in zip(results[command], results["due"], strict=True)]
            )
            report.add(
                "4",
                f"`okr {command}`",
                label,
                measured.text("s"),
                f"`okr due` {due.text('s')}",
                f"{ratio.median:.2f}x due (paired)",
                f"≤ {TARGETS['list-vs-due']}x due",
                verdict(ratio.median <= TARGETS["list-vs-due"]),
            )


# --- 2: durable check-in save ---------------------------------------------------------------


def bench_save(report: Report, stores: dict[str, Path], saves: int, scratch: Path) -> None:
    from okr_tui.domain.cadence import current_meeting
    from okr_tui.domain.clock import FixedClock
    from okr_tui.domain.models import CheckIn, Confidence
    from okr_tui.store.storage import write_atomically
    from okr_tui.store.store import OkrStore

    log("durable check-in save vs history")
    clock = FixedClock(CLOCK_AT)
    opened = {}
    for label, folder in stores.items():
        copy = scratch / f"save-{label}"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(folder, copy)
        store = OkrStore(copy, clock)
        cycle = store.current_cycle()
        assert cycle is not None
        day = current_meeting(cycle, clock.now()).date()
        krs = [kr for kr in store.key_results(cycle.id) if kr.is_active]
        store.check_ins(cycle.id)  # the app has the cycle loaded before anyone saves
        opened[label] = (store, cycle, day, krs)
    payload = (scratch / "save-1q" / "cycles").glob("*.json")
    payload_bytes = next(iter(payload)).read_bytes() if "1q" in stores else b"x" * 2_000_000
    times: dict[str, list[float]] = {label: [] for label in stores}
    times["atomic write"] = []
    for index in range(saves + 1):
        for label, (store, cycle, day, krs) in opened.items():
            kr = krs[index % len(krs)]
            check_in = CheckIn(
                cycle_id=cycle.id,
                kr_id=kr.id,
                meeting_date=day,
                value=kr.baseline,
                confidence=Confidence.AT_RISK,
                note="Benchmark check-in",
                author="bench",
                recorded_at=clock.now(),
            )
            started = time.perf_counter()
            store.add_check_in(check_in)
            if index:  # the first save of each store is a warm-up
                times[label].append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        write_atomically(scratch / "atomic-baseline.json", payload_bytes)
        if index:
            times["atomic write"].append((time.perf_counter() - started) * 1000)
    report.raw["save-ms"] = times
    base = Stats(times["atomic write"])
    first = Stats(times[next(iter(stores))])
    for label in stores:
        stats = Stats(times[label])
        ratio = stats.median / first.median
        report.add(
            "2",
            "durable check-in save (`add_check_in`)",
            label,
            stats.text("ms", 1, p95=True),
            f"atomic write of the 1q cycle file {base.text('ms', 1)}",
            f"{stats.median / base.median:.2f}x write; {ratio:.2f}x 1q",
            f"median < {TARGETS['save-median-ms']:.0f} ms",
            verdict(stats.median < TARGETS["save-median-ms"]),
        )
    if "1q" in stores and "32q" in stores:
        ratio = Stats(times["32q"]).median / Stats(times["1q"]).median
        report.add(
            "2",
            "save cost vs history (median 32q / 1q)",
            "32q vs 1q",
            f"{ratio:.2f}x",
            "1q store",
            f"{ratio:.2f}x",
            f"< {TARGETS['save-ratio']}x",
            verdict(ratio < TARGETS["save-ratio"]),
        )


# --- 3: walkthrough -------------------------------------------------------------------------


async def _walk(
    folder: Path, teams: int, profiler: cProfile.Profile | None = None
) -> dict[str, list[float]]:
    """The walk benchmark's steps; `profiler` (profile_cpu.py --walk) runs during the steps only."""
    from textual import events

    from okr_tui.app import OkrApp
    from okr_tui.domain.clock import FixedClock
    from okr_tui.domain.walkthrough import WalkSettings
    from okr_tui.screens.walk.walkthrough import ConfidencePicker, WalkthroughScreen
    from okr_tui.store.store import OkrStore

    store = OkrStore(folder, FixedClock(CLOCK_AT))
    # As `okr` starts the app (cli._run): the collector paused until the first frame, then what
    # start-up made frozen (OkrApp.resume_collector). Without it, this process's own objects
    # (the harness, every import) made each full collection of the walk take 40-125 ms.
    gc.disable()
    app = OkrApp(store, cursor_blink=False)
    steps: list[float] = []
    repaints: list[float] = []
    # CPU time (this process) of one key result's two keys and all they set off until the app
    # is idle again: what a facilitator typing ahead waits for, beyond the frame that is timed.
    key_result_cpus: list[float] = []
    repaint_cpus: list[float] = []
    async with app.run_test(size=(COLUMNS, ROWS)) as pilot:
        await pilot.pause()
        painted = asyncio.Event()
        condition: list[Callable[[], bool]] = [lambda: False]
        stamp: list[float] = [0.0]
        display = app._display

        def spy(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is not None and not painted.is_set() and condition[0]():
                stamp[0] = time.perf_counter()
                painted.set()

        app._display = spy  # type: ignore[method-assign]

        async def timed(key: str, done: Callable[[], bool]) -> float:
            painted.clear()
            condition[0] = done
            started = time.perf_counter()
            app._driver.send_message(events.Key(key, "\r" if key == "enter" else None))
            await asyncio.wait_for(painted.wait(), 30)
            condition[0] = lambda: False
            return (stamp[0] - started) * 1000

        for team in store.teams()[:teams]:
            screen = WalkthroughScreen(WalkSettings(team_id=team.id))
            await app.push_screen(screen)
            await pilot.pause()
            if profiler is not None:
                profiler.enable()
            for _ in range(len(screen.order) - 1):
                cpu = time.process_time()
                await pilot.press("enter")  # value -> confidence (untimed)
                picker = screen.query_one(ConfidencePicker)
                assert screen.focused is picker, "Enter on the value should focus confidence"
                cpu = time.process_time() - cpu
                shown = picker.confidence
                if shown is not None:  # move the highlight away and back: repaints only
                    repaint_cpu = time.process_time()
                    repaints.append(
                        await timed("right", lambda p=picker, c=shown: p.confidence != c)
                    )
                    repaints.append(
                        await timed("left", lambda p=picker, c=shown: p.confidence == c)
                    )
                    await pilot.pause()
                    repaint_cpus.append((time.process_time() - repaint_cpu) * 500)  # per key
                before = screen.current_kr_id
                key = "enter" if picker.confidence is not None else "1"
                step_cpu = time.process_time()
                steps.append(await timed(key, lambda s=screen, b=before: s.current_kr_id != b))
                await pilot.pause()
                key_result_cpus.append((cpu + time.process_time() - step_cpu) * 1000)
            if profiler is not None:
                profiler.disable()
            app.pop_screen()
            await pilot.pause()
    return {
        "step": steps,
        "repaint": repaints,
        "key_result_cpu": key_result_cpus,
        "repaint_cpu": repaint_cpus,
    }


@contextlib.contextmanager
def cpu_hog(enabled: bool) -> Iterator[None]:
    """With `enabled`, one process spinning on a core beside the benchmark (a pure-Python busy
    loop at normal priority: a video call or a build on the facilitator's laptop)."""
    if not enabled:
        yield
        return
    hog = subprocess.Popen([PYTHON, "-c", "while True: pass"])
    try:
        yield
    finally:
        hog.kill()
        hog.wait()


def bench_walkthrough(
    report: Report, stores: dict[str, Path], teams: int, scratch: Path, hog: bool = False
) -> None:
    log("walkthrough: Enter to the next key result shown" + (" (CPU hog beside)" if hog else ""))
    loaded = " (a CPU hog beside it)" if hog else ""
    for label, folder in stores.items():
        copy = scratch / f"walk-{label}"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(folder, copy)
        with cpu_hog(hog):
            result = asyncio.run(_walk(copy, teams))
        report.raw[f"walk-{label}{'-hog' if hog else ''}"] = result
        step, repaint = Stats(result["step"]), Stats(result["repaint"])
        target = TARGETS["walk-p95-ms"]
        report.add(
            "3",
            f"walkthrough: Enter (save) to next KR shown{loaded}",
            label,
            step.text("ms", 1, p95=True),
            f"key that only repaints {repaint.text('ms', 1)}",
            f"{step.median / repaint.median:.2f}x",
            f"p95 ≤ {target:.0f} ms",
            verdict(step.p95 <= target),
        )
        cpu, repaint_cpu = Stats(result["key_result_cpu"]), Stats(result["repaint_cpu"])
        report.add(
            "3",
            "walkthrough: CPU time of one key result (value Enter, confidence key, until idle)",
            label,
            cpu.text("ms", 1),
            f"CPU of a key that only repaints {repaint_cpu.text('ms', 1)}",
            f"{cpu.median / repaint_cpu.median:.2f}x",
            "–",
            "–",
        )


# --- the machine and the document -----------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    others = 0
    for comm in Path("/proc").glob("[0-9]*/comm"):
        with contextlib.suppress(OSError):
            name = comm.read_text().strip()
            if name.startswith(("python", "pytest")) and int(comm.parent.name) != os.getpid():
                others += 1
    return {
        "nproc": str(os.cpu_count()),
        "python": sys.version.replace("\n", " "),
        "cpu": cpu,
        "platform": platform.platform(),
        "load": " / ".join(f"{x:.2f}" for x in os.getloadavg()),
        "other python processes": str(others),
    }


KEEP_MARK = "<!-- Written by hand: run.py keeps everything below this line. -->"


def write_docs(report: Report, command: str, before: dict, after: dict, elapsed: float) -> None:
    misses = [r for r in report.rows if "MISS" in r.result]
    kept = ""
    if DOCS.exists() and KEEP_MARK in DOCS.read_text():
        kept = DOCS.read_text().split(KEEP_MARK, 1)[1]
    sizes = ", ".join(f"{q}q {Size(q).check_ins_expected():,} check-ins" for q in (1, 8, 32))
    lines = [
        "# Benchmarks",
        "",
        "Results of the last full run of `benchmarks/run.py` (see benchmarks/README.md for what",
        "each benchmark measures and how). Every figure is a median over interleaved runs, with",
        "min and max, and is compared with a baseline measured in the same run.",
        "",
        "Stores (benchmarks/generate.py): 50 teams × 3 objectives × 4 key results, weekly"
        f" check-ins, the last quarter active at week 8: {sizes}.",
        "",
        f"Command: `{command}` (took {elapsed / 60:.1f} min)",
        "",
        "Machine:",
        f"- `nproc`: {before['nproc']}",
        f"- `python -VV`: {before['python']}",
        f"- CPU: {before['cpu']} ({before['platform']})",
        f"- load average (1/5/15 min) at start: {before['load']}, at end: {after['load']}",
        f"- other Python processes at start: {before['other python processes']} — the machine is"
        " shared with other engineers running tests, so absolute times are noisy; the ratios"
        " are the figures to compare.",
        "",
        report.table(),
        "",
        f"Targets missed: {len(misses)} of {sum(1 for r in report.rows if r.result != '–')}."
        if misses
        else "All targets met.",
        "",
        "Notes:",
        *[f"- {note}" for note in report.notes],
        "",
        KEEP_MARK,
    ]
    DOCS.write_text("\n".join(lines) + (kept or "\n"))
    log(f"wrote {DOCS}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="okr-tui benchmarks (see the module docstring)")
    parser.add_argument("--quick", action="store_true", help="small smoke run (no 32q store)")
    parser.add_argument("--runs", type=int, help="process runs per figure (default 5, quick 2)")
    parser.add_argument(
        "--only",
        default="startup,cli,list,save,walk",
        help="comma-separated subset of: startup,cli,list,save,walk",
    )
    parser.add_argument(
        "--hog", action="store_true", help="walkthrough with a CPU hog beside it (as well)"
    )
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/benchmarks.md")
    args = parser.parse_args(argv)
    runs = args.runs or (2 if args.quick else 5)
    chosen = set(args.only.split(","))
    command = "python benchmarks/run.py" + (" --quick" if args.quick else "")
    if args.runs:
        command += f" --runs {args.runs}"
    if args.only != parser.get_default("only"):
        command += f" --only {args.only}"
    started = time.perf_counter()
    before = machine()
    report = Report(args.quick)
    quarters = (1, 8) if args.quick else (1, 8, 32)
    stores = {f"{q}q": generated_store(Size(q)) for q in quarters}
    big = {label: folder for label, folder in stores.items() if label != "1q"}
    # A scratch folder of this run's own: two runs at once (two checkouts linking the same
    # benchmarks/out) must not delete each other's store copies.
    OUT.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="scratch-", dir=OUT))
    try:
        if "startup" in chosen:
            bench_startup(report, big, args.runs or (2 if args.quick else 15), scratch)
        if "cli" in chosen:
            bench_cli(report, big, runs, scratch)
        if "list" in chosen:
            bench_list(report, big, runs, scratch)
        if "save" in chosen:
            bench_save(report, stores, 10 if args.quick else 60, scratch)
        if "walk" in chosen:
            bench_walkthrough(report, big, 1 if args.quick else 3, scratch)
            if args.hog:
                bench_walkthrough(report, big, 1 if args.quick else 3, scratch, hog=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    after = machine()
    elapsed = time.perf_counter() - started
    report.rows.sort(key=lambda row: row.number)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    results = {"command": command, "machine": before, "machine_after": after, **report.raw}
    results["rows"] = [asdict(row) for row in report.rows]
    (OUT / f"results-{stamp}.json").write_text(json.dumps(results, indent=1, default=str))
    print(report.table())
    for note in report.notes:
        print(f"- {note}")
    if not args.quick and not args.no_docs and chosen == set(parser.get_default("only").split(",")):
        write_docs(report, command, before, after, elapsed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
