"""`okr pull` over 600 sources with one slow one (issue 16: about 10 s, since sources run
concurrently with a bound), outside the test suite.

    python benchmarks/pull.py [--runs N] [--slow SECONDS]

The one-quarter synthetic store (benchmarks/generate.py: 50 teams x 3 objectives x 4 key
results = 600) gets one source per key result, in the user's config (a copy of the store and a
fresh OKR_HOME per run, so the real ones are never touched): 200 HTTP sources on a loopback
server, 200 CSV sources (one 600-row file, each matched by key), 150 SQLite queries on one file,
49 commands (`python3 -c` would cost 30 ms of CPU each; `printf` is what a cheap script costs),
and one slow command that sleeps past the 10 s timeout. Each run times `okr pull` as a user
types it, from process start to exit, and once without the slow source as the baseline.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import CLOCK_AT, Size, ensure_store  # noqa: E402


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        number = int(self.path.rsplit("/", 1)[-1])
        body = json.dumps({"data": {"value": number}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def _toml_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a TOML basic string for this text


def _value(index: int, milestone: bool) -> int:
    return index % 2 if milestone else index


def _config(krs: list[tuple[str, bool]], folder: Path, url: str, slow: float | None) -> str:
    """One source per key result (id, is a milestone), each giving a value it takes."""
    kr_ids = [kr for kr, _ in krs]
    values = [_value(i, milestone) for i, (_, milestone) in enumerate(krs)]
    csv_file, db_file = folder / "values.csv", folder / "values.db"
    csv_file.write_text(
        "kr,value\n" + "".join(f"{k},{v}\n" for k, v in zip(kr_ids, values, strict=True))
    )
    with sqlite3.connect(db_file) as connection:
        connection.execute("create table v (kr text primary key, value real)")
        connection.executemany(
            "insert into v values (?, ?)", list(zip(kr_ids, values, strict=True))
        )
    connection.close()
    lines = ["source_timeout = 10"]
    for index, kr in enumerate(kr_ids):
        lines.append(f'[sources."{kr}"]')
        if index == 0 and slow is not None:
            code = f"import time; time.sleep({slow}); print(1)"
            lines += ['kind = "command"', f"argv = {json.dumps([sys.executable, '-c', code])}"]
        elif index < 200:
            lines += [
                'kind = "http"',
                f"url = {_toml_string(f'{url}/{values[index]}')}",
                'path = "data.value"',
            ]
        elif index < 400:
            lines += [
                'kind = "csv"',
                f"file = {_toml_string(str(csv_file))}",
                'column = "value"',
                'key_column = "kr"',
                f"key = {_toml_string(kr)}",
            ]
        elif index < 550:
            query = f"select value from v where kr = '{kr}'"
            lines += [
                'kind = "sqlite"',
                f"file = {_toml_string(str(db_file))}",
                f"query = {_toml_string(query)}",
            ]
        else:
            lines += ['kind = "command"', f"argv = {json.dumps(['printf', str(values[index])])}"]
    return "\n".join(lines) + "\n"


def _one_run(template: Path, url: str, slow: float | None) -> tuple[float, str, str]:
    with tempfile.TemporaryDirectory(prefix="okr-pull-bench-") as temporary:
        folder = Path(temporary)
        store = folder / "store"
        shutil.copytree(template, store)
        sys.path.insert(0, str(HERE.parent))
        from okr_tui.domain.clock import FixedClock
        from okr_tui.store.store import OkrStore

        okr = OkrStore(store, FixedClock(CLOCK_AT))
        cycle = okr.current_cycle()
        assert cycle is not None
        krs = [
            (kr.id, kr.kr_type.value == "milestone")
            for kr in okr.key_results(cycle.id)
            if kr.is_active
        ]
        config = folder / "home" / "config" / "config.toml"
        config.parent.mkdir(parents=True)
        config.write_text(_config(krs, folder, url, slow))
        env = {**os.environ, "OKR_HOME": str(folder / "home")}
        env.pop("OKR_DB", None)
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "okr_tui", "--db", str(store), "--at", CLOCK_AT, "pull"],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        elapsed = time.perf_counter() - started
        if done.returncode not in (0, 1):
            raise SystemExit(f"okr pull failed: {done.stderr.strip()}")
        summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
        return elapsed, summary, done.stderr.strip()[:300]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slow", type=float, default=30.0, help="the slow source's sleep (s)")
    args = parser.parse_args()
    template = ensure_store(Size(1))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    with_slow, without = [], []
    try:
        for run in range(args.runs):
            for slow, samples in ((args.slow, with_slow), (None, without)):
                elapsed, summary, errors = _one_run(template, url, slow)
                samples.append(elapsed)
                label = "with the slow source" if slow else "without it"
                print(f"run {run + 1} {label}: {elapsed:.2f} s  {summary}")
                if errors:
                    print(f"    stderr: {errors}")
    finally:
        httpd.shutdown()
    print(
        f"\nokr pull, 600 sources: median {statistics.median(with_slow):.2f} s with one source "
        f"past the 10 s timeout (min {min(with_slow):.2f}, max {max(with_slow):.2f}); "
        f"{statistics.median(without):.2f} s without it; {os.cpu_count()} CPUs"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
