"""Values from data sources: the definitions, trust, each kind read for real (a command, a
loopback HTTP server, a temp CSV, a temp SQLite file), the concurrency bound, and the check-ins
a pull records (no confidence, for the coming meeting, one save)."""

from __future__ import annotations

import http.server
import json
import sqlite3
import sys
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from okr_tui.domain import cadence, progress
from okr_tui.domain.board import key_result_lines
from okr_tui.domain.models import CheckIn, Confidence, KeyResult, KrType, Status
from okr_tui.domain.sources import (
    CommandSource,
    CsvSource,
    HttpSource,
    Source,
    SqliteSource,
    Trust,
    source_digest,
    trust_of,
    value_from,
)
from okr_tui.pull import (
    OUTPUT_CAP,
    PlannedSource,
    Reading,
    SourceFailure,
    load_trust,
    plan,
    pull,
    read_all,
    read_source,
    trust_sources,
)
from okr_tui.store.store import OkrStore

MEETING = date(2026, 11, 23)
SOURCE = TypeAdapter(Source)


def _kr(kr_type: KrType = KrType.INCREASE, unit: str = "", **more) -> KeyResult:
    target = 1.0 if kr_type is KrType.MILESTONE else 100.0
    return KeyResult(
        cycle_id="c", objective_id="o", title="T", kr_type=kr_type, unit=unit, target=target, **more
    )


def _python(code: str) -> CommandSource:
    return CommandSource(argv=[sys.executable, "-c", code])


# --- definitions and values ------------------------------------------------------------------


def test_a_command_is_an_argument_list_and_a_url_must_be_http() -> None:
    with pytest.raises(ValidationError):
        SOURCE.validate_python({"kind": "command", "argv": "echo 1; rm -rf ~"})
    with pytest.raises(ValidationError, match="http"):
        SOURCE.validate_python({"kind": "http", "url": "file:///etc/passwd", "path": "a"})
    with pytest.raises(ValidationError, match="go together"):
        SOURCE.validate_python({"kind": "csv", "file": "a.csv", "column": "v", "key": "x"})


def test_values_are_read_as_a_typed_value_is() -> None:
    assert value_from("  45%\n", KrType.INCREASE, "%") == 45.0
    assert value_from("1,200", KrType.INCREASE) == 1200.0
    assert value_from(True, KrType.MILESTONE) == 1.0
    assert value_from("not done", KrType.MILESTONE) == 0.0
    for bad in ("", "1\n2", "nan", None, [1], True):
        with pytest.raises(ValueError):
            value_from(bad, KrType.INCREASE)


def test_trust_follows_the_exact_text_of_a_store_source() -> None:
    source = _python("print(1)")
    assert trust_of(source, own=True, trusted_digest=None) is Trust.OWN
    assert trust_of(source, own=False, trusted_digest=None) is Trust.UNTRUSTED
    assert trust_of(source, own=False, trusted_digest=source_digest(source)) is Trust.TRUSTED
    changed = _python("print(2)")
    assert trust_of(changed, own=False, trusted_digest=source_digest(source)) is Trust.CHANGED


def test_a_key_result_without_a_source_keeps_its_stored_form() -> None:
    assert "source" not in _kr().model_dump(mode="json")
    kr = _kr(source=_python("print(1)"))
    assert KeyResult.model_validate(kr.model_dump(mode="json")) == kr


# --- each kind, for real ------------------------------------------------------------------------


def test_a_command_prints_the_value(tmp_path: Path) -> None:
    assert read_source(_python("print(42)"), _kr(), timeout=10, base=tmp_path) == 42.0


def test_a_command_is_never_run_through_a_shell(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    source = CommandSource(argv=[sys.executable, "-c", "print(7)", f"; touch {marker}"])
    assert read_source(source, _kr(), timeout=10, base=tmp_path) == 7.0
    assert not marker.exists()


def test_a_failing_slow_or_chatty_command_gives_one_reason(tmp_path: Path) -> None:
    kr = _kr()
    with pytest.raises(SourceFailure, match="exited with status 3: broken"):
        read_source(
            _python("import sys; print('broken', file=sys.stderr); sys.exit(3)"),
            kr,
            timeout=10,
            base=tmp_path,
        )
    with pytest.raises(SourceFailure, match="timed out after 0.5 s"):
        read_source(_python("import time; time.sleep(30)"), kr, timeout=0.5, base=tmp_path)
    with pytest.raises(SourceFailure, match="more than 64 KiB"):
        read_source(_python(f"print('1' * {OUTPUT_CAP * 4})"), kr, timeout=10, base=tmp_path)
    with pytest.raises(SourceFailure, match="no program"):
        read_source(CommandSource(argv=["no-such-okr-program"]), kr, timeout=10, base=tmp_path)


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path == "/missing":
            self.send_error(404)
            return
        body = (
            b"not json"
            if self.path == "/html"
            else json.dumps(
                {"data": {"activation": {"rate": 37.5}, "items": [1, {"n": "done"}]}}
            ).encode()
        )
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    """A JSON server on loopback, for this test only."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_url_answers_json_and_the_path_finds_the_value(server: str, tmp_path: Path) -> None:
    rate = HttpSource(url=f"{server}/stats", path="data.activation.rate")
    assert read_source(rate, _kr(unit="%"), timeout=10, base=tmp_path) == 37.5
    done = HttpSource(url=f"{server}/stats", path="data.items.1.n")
    assert read_source(done, _kr(KrType.MILESTONE), timeout=10, base=tmp_path) == 1.0
    with pytest.raises(SourceFailure, match="nothing at data.nope"):
        read_source(HttpSource(url=server, path="data.nope.x"), _kr(), timeout=10, base=tmp_path)
    with pytest.raises(SourceFailure, match="HTTP 404"):
        read_source(HttpSource(url=f"{server}/missing", path="a"), _kr(), timeout=10, base=tmp_path)
    with pytest.raises(SourceFailure, match="did not answer JSON"):
        read_source(HttpSource(url=f"{server}/html", path="a"), _kr(), timeout=10, base=tmp_path)


def test_a_csv_gives_its_last_row_or_the_row_of_a_key(tmp_path: Path) -> None:
    (tmp_path / "weekly.csv").write_text("week,team,signups\n46,growth,120\n47,sales,80\n")
    last = CsvSource(file="weekly.csv", column="signups")  # relative to the store folder
    assert read_source(last, _kr(), timeout=10, base=tmp_path) == 80.0
    growth = CsvSource(file="weekly.csv", column="signups", key_column="team", key="growth")
    assert read_source(growth, _kr(), timeout=10, base=tmp_path) == 120.0
    with pytest.raises(SourceFailure, match="no column 'churn'"):
        read_source(CsvSource(file="weekly.csv", column="churn"), _kr(), timeout=10, base=tmp_path)
    with pytest.raises(SourceFailure, match="no file"):
        read_source(CsvSource(file="none.csv", column="x"), _kr(), timeout=10, base=tmp_path)


def test_a_sqlite_query_gives_one_number_and_cannot_write(tmp_path: Path) -> None:
    path = tmp_path / "metrics.db"
    with sqlite3.connect(path) as connection:
        connection.execute("create table signups (day text, n integer)")
        connection.executemany("insert into signups values (?, ?)", [("a", 3), ("b", 39)])
    connection.close()
    total = SqliteSource(file=str(path), query="select sum(n) from signups")
    assert read_source(total, _kr(), timeout=10, base=tmp_path) == 42.0
    with pytest.raises(SourceFailure, match="the query failed"):
        read_source(
            SqliteSource(file=str(path), query="delete from signups"),
            _kr(),
            timeout=10,
            base=tmp_path,
        )
    with sqlite3.connect(path) as connection:
        assert connection.execute("select count(*) from signups").fetchone() == (2,)
    connection.close()


# --- many at once ------------------------------------------------------------------------------


def test_sources_run_concurrently_within_the_bound_and_a_slow_one_holds_none_back(
    tmp_path: Path,
) -> None:
    """50 sources on 8 workers: 8 are in flight together (a barrier they all reach), never
    more, and the 49 fast ones all finish while the slow one is still running."""
    workers = 8
    in_flight = 0
    most = 0
    lock = threading.Lock()
    barrier = threading.Barrier(workers, timeout=30)
    slow_release = threading.Event()
    fast_done = threading.Semaphore(0)
    krs = [_kr(id=f"kr-{i:03d}") for i in range(50)]
    slow_id = krs[0].id

    def reader(source: Source, kr: KeyResult, *, timeout: float, base: Path) -> float:
        nonlocal in_flight, most
        with lock:
            in_flight += 1
            most = max(most, in_flight)
        try:
            if kr.id == slow_id:
                barrier.wait()
                assert slow_release.wait(30), "the fast sources waited for the slow one"
                return 1.0
            if int(kr.id[3:]) < workers:
                barrier.wait()  # the first eight are running at the same time
            fast_done.release()
            return 2.0
        finally:
            with lock:
                in_flight -= 1

    def release_when_the_fast_ones_are_done() -> None:
        for _ in range(49):
            fast_done.acquire(timeout=30)
        slow_release.set()

    threading.Thread(target=release_when_the_fast_ones_are_done, daemon=True).start()
    planned = [PlannedSource(kr, _python("print(1)"), True, Trust.OWN) for kr in krs]
    readings = read_all(planned, base=tmp_path, workers=workers, reader=reader)
    assert [r.error for r in readings] == [None] * 50
    assert most == workers
    assert [r.value for r in readings] == [1.0] + [2.0] * 49


def test_an_untrusted_source_is_reported_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    kr = _kr(source=_python(f"open({str(marker)!r}, 'w'); print(1)"))
    [item] = plan([kr], {}, trusted={})
    assert item.trust is Trust.UNTRUSTED
    [reading] = read_all([item], base=tmp_path)
    assert reading.value is None and "untrusted" in (reading.error or "")
    assert not marker.exists()


# --- recording ----------------------------------------------------------------------------------


def _with_sources(store: OkrStore, sources: dict[str, Source]) -> dict[str, KeyResult]:
    cycle = store.current_cycle()
    assert cycle is not None
    by_title = {kr.title: kr for kr in store.key_results(cycle.id)}
    chosen = {}
    for title_start, source in sources.items():
        kr = next(k for t, k in by_title.items() if t.startswith(title_start))
        chosen[title_start] = store.save_key_result(
            kr.model_copy(update={"source": source}), expected=kr
        )
    return chosen


def test_a_pull_records_each_value_for_the_coming_meeting_without_confidence(
    demo_store: OkrStore, tmp_path: Path
) -> None:
    cycle = demo_store.current_cycle()
    assert cycle is not None
    krs = _with_sources(
        demo_store,
        {"Increase activation": _python("print('41.5%')"), "Reach 500": _python("print(1/0)")},
    )
    activation = krs["Increase activation"]
    trust_sources(plan(demo_store.key_results(cycle.id), {}, {}))
    now = demo_store.clock.now()
    result = pull(demo_store, cycle, {}, now=now)
    assert [r.item.kr.id for r in result.recorded] == [activation.id]
    [failed] = result.failed
    assert "exited with status 1: ZeroDivisionError" in (failed.error or "")
    day = cadence.update_meeting(cycle, now).date()
    [check_in] = [c for c in demo_store.check_ins(cycle.id, activation.id) if c.meeting_date == day]
    assert (check_in.value, check_in.confidence, check_in.author) == (41.5, None, "source")
    # The owner still owes the confidence: the key result is due, showing the one last given.
    [line] = [
        line
        for line in key_result_lines(
            cycle,
            demo_store.objectives(cycle.id),
            demo_store.key_results(cycle.id),
            demo_store.check_ins(cycle.id),
            now,
        )
        if line.kr.id == activation.id
    ]
    assert line.value == 41.5 and not line.checked_in_this_meeting
    assert line.confidence is not None
    # Pulling again records nothing new.
    again = pull(demo_store, cycle, {}, now=now)
    assert (again.recorded, len(again.unchanged)) == ([], 1)


def test_a_pulled_value_keeps_the_confidence_the_owner_gave_for_that_meeting(
    demo_store: OkrStore,
) -> None:
    cycle = demo_store.current_cycle()
    assert cycle is not None
    kr = _with_sources(demo_store, {"Increase activation": _python("print(44)")})[
        "Increase activation"
    ]
    now = demo_store.clock.now()
    day = cadence.update_meeting(cycle, now).date()
    demo_store.add_check_in(
        CheckIn(
            cycle_id=cycle.id,
            kr_id=kr.id,
            meeting_date=day,
            value=40,
            confidence=Confidence.AT_RISK,
            note="waiting for the data",
            recorded_at=now,
        )
    )
    result = pull(demo_store, cycle, {}, now=now, trusted={kr.id: source_digest(kr.source)})
    assert len(result.recorded) == 1
    latest = progress.history(kr.id, demo_store.check_ins(cycle.id))[-1]
    assert (latest.value, latest.confidence, latest.note) == (
        44.0,
        Confidence.AT_RISK,
        "waiting for the data",
    )


def test_a_source_in_the_users_config_runs_without_trust(demo_store: OkrStore) -> None:
    cycle = demo_store.current_cycle()
    assert cycle is not None
    kr = next(k for k in demo_store.key_results(cycle.id) if k.title.startswith("Reach 500"))
    result = pull(demo_store, cycle, {kr.id: _python("print(433)")}, now=demo_store.clock.now())
    assert [(r.item.kr.id, r.value) for r in result.recorded] == [(kr.id, 433.0)]
    assert load_trust() == {}


def test_a_dry_run_reads_and_records_nothing(demo_store: OkrStore) -> None:
    cycle = demo_store.current_cycle()
    assert cycle is not None
    kr = next(k for k in demo_store.key_results(cycle.id) if k.title.startswith("Reach 500"))
    before = demo_store.check_ins(cycle.id)
    result = pull(
        demo_store, cycle, {kr.id: _python("print(433)")}, now=demo_store.clock.now(), dry_run=True
    )
    assert len(result.recorded) == 1 and result.dry_run
    assert demo_store.check_ins(cycle.id) == before


# --- in the app -----------------------------------------------------------------------------------


async def test_the_palette_pull_runs_in_the_background_while_the_app_answers_keys(
    demo_store: OkrStore, make_app, isolated_home: Path, tmp_path: Path
) -> None:
    """A source that waits for a file: while it runs, the app opens help and closes it; once
    the file appears the value is recorded and the app says so."""
    from okr_tui.screens.dashboard import DashboardScreen
    from okr_tui.screens.dialogs.help import HelpScreen

    cycle = demo_store.current_cycle()
    assert cycle is not None
    kr = next(k for k in demo_store.key_results(cycle.id) if k.title.startswith("Reach 500"))
    go = tmp_path / "go"
    code = f"import os, time\nwhile not os.path.exists({str(go)!r}): time.sleep(0.02)\nprint(444)"
    config = isolated_home / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    argv = json.dumps([sys.executable, "-c", code])
    config.write_text(
        f'source_timeout = 60\n[sources."{kr.id}"]\nkind = "command"\nargv = {argv}\n'
    )
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *"Pull values from sources")
        await app.workers.wait_for_complete()  # the palette's search
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        [worker] = [w for w in app.workers if w.name == "Pull"]
        assert worker.is_running
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)  # the app answers keys meanwhile
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen) and worker.is_running
        go.write_text("")
        await worker.wait()
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert any(m.startswith("Recorded 1 value(s) for the ") for m in said), said
    values = [c.value for c in demo_store.check_ins(cycle.id, kr.id) if c.author == "source"]
    assert values == [444.0]


async def test_a_shared_tab_runs_no_source(demo_store: OkrStore, make_app, tmp_path: Path) -> None:
    cycle = demo_store.current_cycle()
    assert cycle is not None
    marker = tmp_path / "ran"
    _with_sources(demo_store, {"Reach 500": _python(f"open({str(marker)!r}, 'w'); print(1)")})
    trust_sources(plan(demo_store.key_results(cycle.id), {}, {}))
    app = make_app(demo_store, served=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.action_pull()
        await app.workers.wait_for_complete()
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert any(m.startswith("A shared tab runs no sources") for m in said)
    assert not marker.exists()


def test_many_check_ins_are_saved_all_or_none(demo_store: OkrStore) -> None:
    from okr_tui.store.errors import RuleViolation

    cycle = demo_store.current_cycle()
    assert cycle is not None
    first, second = demo_store.key_results(cycle.id)[:2]
    demo_store.save_key_result(
        second.model_copy(update={"status": Status.RETIRED, "retired_reason": "dropped"}),
        expected=second,
    )
    before = demo_store.check_ins(cycle.id)
    pulled = [
        CheckIn(
            cycle_id=cycle.id,
            kr_id=kr.id,
            meeting_date=MEETING,
            value=1,
            confidence=None,
            author="source",
            recorded_at=demo_store.clock.now(),
        )
        for kr in (first, second)
    ]
    with pytest.raises(RuleViolation, match="retired"):
        demo_store.add_check_ins(cycle.id, pulled)
    assert demo_store.check_ins(cycle.id) == before


def test_no_escape_sequence_of_a_store_source_reaches_the_terminal() -> None:
    for bad in (
        {"kind": "command", "argv": ["echo", "\x1b[2J"]},
        {"kind": "http", "url": "http://x.example/\x1b[31m", "path": "a"},
        {"kind": "http", "url": "http://x.example/", "path": "a\x1b[31m"},
        {"kind": "sqlite", "file": "a.db", "query": "select 1 -- \x9b31m"},
    ):
        with pytest.raises(ValidationError, match="control characters"):
            SOURCE.validate_python(bad)
    query = SOURCE.validate_python({"kind": "sqlite", "file": "a.db", "query": "select\n  1"})
    assert query.describe() == "sqlite a.db: select 1"


def test_a_source_that_never_answers_is_given_up_on_and_the_others_are_kept(
    tmp_path: Path,
) -> None:
    """A reader blocked where its own timeout cannot reach (a DNS lookup) is reported as timed
    out once its timeout and the grace have passed; the pull does not wait for it."""
    krs = [_kr(id=f"kr-{n}") for n in range(3)]
    stuck = threading.Event()

    def reader(source: Source, kr: KeyResult, *, timeout: float, base: Path) -> float:
        if kr.id == "kr-1":
            stuck.wait()  # never set while the pull runs
        return 5.0

    planned = [PlannedSource(kr, _python("print(1)"), True, Trust.OWN) for kr in krs]
    progress: list[tuple[int, int]] = []
    outcome: list[list[Reading]] = []
    pull_thread = threading.Thread(
        target=lambda: outcome.append(
            read_all(
                planned,
                base=tmp_path,
                timeout=0.05,
                grace=0.05,
                reader=reader,
                on_progress=lambda done, total: progress.append((done, total)),
            )
        ),
        daemon=True,
    )
    pull_thread.start()
    pull_thread.join(60)
    stuck.set()
    assert not pull_thread.is_alive(), "the pull waited for a source that never answered"
    [readings] = outcome
    assert [r.value for r in readings] == [5.0, None, 5.0]
    assert readings[1].error == "timed out after 0.05 s (no answer)"
    assert progress[-1] == (3, 3) and len(progress) == 3
