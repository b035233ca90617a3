"""The JSON exchange format: exports are deterministic, imports are checked before anything is
written, and export -> import -> export gives back the same bytes.

The demo store is built at the fixed clock of conftest (2026-11-23T10:00Z).
"""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import orjson
import pytest

from okr_tui.demo import build_demo
from okr_tui.domain.clock import FixedClock
from okr_tui.domain.models import (
    CheckIn,
    Confidence,
    Cycle,
    Objective,
    Review,
    ReviewDecision,
    ReviewDecisionKind,
    Team,
)
from okr_tui.exchange.json_exchange import (
    MAX_IMPORT_BYTES,
    ImportProblem,
    apply_import,
    read_import,
)
from okr_tui.exchange.json_export import (
    FORMAT_VERSION,
    export_document,
    export_json,
    write_export,
)
from okr_tui.store.errors import RuleViolation, StoreError
from okr_tui.store.store import OkrStore

CLOCK_AT = "2026-11-23T10:00:00Z"
NOW = FixedClock(CLOCK_AT).now()


def okr(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OKR_HOME": str(home), "PYTHONIOENCODING": "utf-8"}
    env.pop("OKR_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "okr_tui", "--at", CLOCK_AT, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def _files(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under a folder with its bytes and mtime: 'nothing written' means equal."""
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def rich_store(demo_store: OkrStore) -> OkrStore:
    """The demo plus what it lacks: a correction, a review decision and a finished review."""
    cycle = demo_store.current_cycle()
    kr = demo_store.key_results(cycle.id)[0]
    for value in (40, 41):
        demo_store.add_check_in(
            CheckIn(
                cycle_id=cycle.id,
                kr_id=kr.id,
                meeting_date=date(2026, 11, 23),
                value=value,
                confidence=Confidence.AT_RISK,
                note="Ünïcode ✓ and [bold]markup[/] stay as typed",
                recorded_at=NOW,
            )
        )
    decision = demo_store.record_review_decision(
        ReviewDecision(
            cycle_id=cycle.id,
            kr_id=kr.id,
            decision=ReviewDecisionKind.ADJUST,
            new_target=kr.target * 0.9 if kr.target else 2,
            reason="the market is smaller",
            decided_at=NOW,
        )
    )
    assert decision is not None
    demo_store.complete_review(Review(cycle_id=cycle.id, completed_at=NOW))
    return demo_store


def _write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


# --- export -------------------------------------------------------------------------------------


def test_two_exports_of_the_same_store_are_byte_identical(rich_store: OkrStore) -> None:
    first = export_json(rich_store)
    second = export_json(rich_store)
    from_disk = export_json(OkrStore(rich_store.folder, FixedClock("2030-01-01T00:00:00Z")))

    assert first == second == from_disk
    document = json.loads(first)
    assert (document["format"], document["version"]) == ("okr-tui", FORMAT_VERSION)
    assert [c["cycle"]["name"] for c in document["cycles"]] == ["2026-Q3", "2026-Q4"]


@pytest.mark.parametrize(
    "case", ["every cycle", "one cycle", "a cycle with no file yet", "teams only", "empty store"]
)
def test_the_streamed_export_is_the_dump_of_the_whole_document(
    rich_store: OkrStore, tmp_path: Path, case: str
) -> None:
    """write_export splices cycle entries into the envelope by hand; the result must be what
    dumping the whole document at once gives (the export before streaming), byte for byte."""
    store, cycle_id = rich_store, None
    if case == "one cycle":
        cycle_id = rich_store.find_cycle("2026-Q3").id
    elif case == "a cycle with no file yet":
        rich_store.save_cycle(
            Cycle(id="cycle-next", name="2027-Q1", start=date(2027, 1, 1), end=date(2027, 3, 31))
        )
    elif case == "teams only":
        store = OkrStore(tmp_path / "teams", FixedClock(CLOCK_AT))
        store.save_team(Team(name="Platform"))
    elif case == "empty store":
        store = OkrStore(tmp_path / "empty", FixedClock(CLOCK_AT))
    buffer = io.BytesIO()

    write_export(store, buffer, cycle_id)

    document = export_document(store, cycle_id)
    expected = orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
    assert buffer.getvalue() == expected
    assert json.loads(buffer.getvalue()) == document
    cycles = [entry["cycle"]["name"] for entry in document["cycles"]]
    assert (
        cycles
        == {
            "every cycle": ["2026-Q3", "2026-Q4"],
            "one cycle": ["2026-Q3"],
            "a cycle with no file yet": ["2026-Q3", "2026-Q4", "2027-Q1"],
            "teams only": [],
            "empty store": [],
        }[case]
    )


def test_export_import_export_round_trips_byte_for_byte(rich_store: OkrStore, tmp_path: Path):
    exported = export_json(rich_store)
    path = tmp_path / "export.json"
    path.write_text(exported, encoding="utf-8")

    target = OkrStore(tmp_path / "copy", FixedClock(CLOCK_AT))
    apply_import(target, read_import(path))

    assert export_json(target) == exported
    assert export_json(OkrStore(tmp_path / "copy", FixedClock(CLOCK_AT))) == exported
    q4 = json.loads(exported)["cycles"][1]
    assert any(ci["supersedes"] for ci in q4["check_ins"])
    assert q4["review_decisions"] and q4["reviews"]
    # The imported store works like any other: the closed cycle stays closed.
    q3 = target.find_cycle("2026-Q3")
    with pytest.raises(RuleViolation, match="closed"):
        target.save_objective(target.objectives(q3.id)[0].model_copy(update={"title": "X"}))


def test_a_version_1_export_without_added_dates_still_imports(rich_store, tmp_path: Path):
    """Format 2 added `created_at` to key results; an export made before it still imports,
    its key results read as planned with their cycle."""
    document = json.loads(export_json(rich_store))
    assert document["version"] == FORMAT_VERSION
    document["version"] = 1
    for cycle in document["cycles"]:
        cycle["cycle"].pop("fiscal_start_month")
        for kr in cycle["key_results"]:
            kr.pop("created_at")
    path = tmp_path / "old.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    target = OkrStore(tmp_path / "copy", FixedClock(CLOCK_AT))
    apply_import(target, read_import(path))
    q4 = target.find_cycle("2026-Q4")
    assert target.key_results(q4.id)
    assert all(kr.created_at is None for kr in target.key_results(q4.id))


def test_the_cli_round_trip_gives_the_same_bytes(demo_store: OkrStore, tmp_path: Path) -> None:
    home = tmp_path / "home"
    export_file = tmp_path / "out" / "okr.json"
    export_file.parent.mkdir()

    exported = okr("--db", str(demo_store.folder), "export", "-o", str(export_file), home=home)
    assert exported.returncode == 0, exported.stderr
    assert exported.stderr == f"Exported to {export_file}\n"
    imported = okr("--db", str(tmp_path / "copy"), "import", str(export_file), home=home)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("Imported 2 teams, 2 cycles, 5 objectives, 14 key results")
    again = okr("--db", str(tmp_path / "copy"), "export", home=home)

    assert again.returncode == 0, again.stderr
    assert again.stdout == export_file.read_text(encoding="utf-8")
    assert again.stdout == export_json(demo_store)

    refused = okr("--db", str(demo_store.folder), "export", "-o", str(export_file), home=home)
    assert refused.returncode == 2
    assert refused.stderr == f"okr: {export_file} exists; use --force to overwrite it\n"


def test_an_export_that_fails_halfway_leaves_the_old_file(demo_store: OkrStore, tmp_path: Path):
    """-o writes beside the file and renames: a broken cycle file met halfway through the export
    leaves the previous export whole, and no temp file behind."""
    home = tmp_path / "home"
    folder = tmp_path / "out"
    folder.mkdir()
    export_file = folder / "okr.json"
    export_file.write_text("the previous export\n", encoding="utf-8")
    active = demo_store.current_cycle()
    assert demo_store.cycles()[-1] == active  # exported last, after the closed cycle
    (demo_store.folder / "cycles" / f"{active.id}.json").write_text('{"meta": ')

    result = okr(
        "--db", str(demo_store.folder), "export", "-o", str(export_file), "--force", home=home
    )

    assert result.returncode == 2
    assert "is not valid JSON" in result.stderr and "Traceback" not in result.stderr
    assert [path.name for path in folder.iterdir()] == ["okr.json"]
    assert export_file.read_text(encoding="utf-8") == "the previous export\n"


@pytest.mark.parametrize(
    "target",
    ["okr.json", "cycles/{cycle}.json", "cycles/new.json", "backup.json", ".", "link-into-store"],
)
def test_an_export_never_writes_inside_the_store_folder(
    demo_store: OkrStore, tmp_path: Path, target: str
) -> None:
    """`-o STORE/okr.json --force` replaced the store's own file with the export (issue 15,
    item 5): an export goes anywhere but into the store, even through a symlink."""
    folder = demo_store.folder
    (tmp_path / "link-into-store").symlink_to(folder / "okr.json")
    output = tmp_path / "link-into-store"
    if target != "link-into-store":
        output = folder / target.format(cycle=demo_store.current_cycle().id)
    before = _files(folder)

    result = okr("--db", str(folder), "export", "-o", str(output), "--force", home=tmp_path / "h")

    assert result.returncode == 2, result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr == (
        f"okr: {output} is inside the store folder {folder}; export elsewhere\n"
    )
    assert _files(folder) == before
    assert demo_store.teams()  # the store still opens


def test_force_replaces_the_file_and_writes_through_a_symlink(
    demo_store: OkrStore, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    real = tmp_path / "exports" / "okr.json"
    real.parent.mkdir()
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "latest.json"
    link.symlink_to(real)

    result = okr("--db", str(demo_store.folder), "export", "-o", str(link), "--force", home=home)

    assert result.returncode == 0, result.stderr
    assert result.stderr == f"Exported to {link}\n"
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == export_json(demo_store)
    assert [path.name for path in real.parent.iterdir()] == ["okr.json"]


def test_force_keeps_the_permissions_of_the_file_it_replaces(
    demo_store: OkrStore, tmp_path: Path
) -> None:
    """An export kept private (0600) or shared with a group (0640) stays so when replaced."""
    home = tmp_path / "home"
    export_file = tmp_path / "okr.json"
    export_file.write_text("old", encoding="utf-8")
    export_file.chmod(0o640)

    result = okr(
        "--db", str(demo_store.folder), "export", "-o", str(export_file), "--force", home=home
    )

    assert result.returncode == 0, result.stderr
    assert export_file.read_text(encoding="utf-8") == export_json(demo_store)
    assert export_file.stat().st_mode & 0o777 == 0o640


@pytest.mark.skipif(not Path("/dev/stdout").exists(), reason="needs /dev/stdout")
@pytest.mark.parametrize("stdout", ["pipe", "file"])
def test_export_to_dev_stdout_writes_into_stdout(
    demo_store: OkrStore, tmp_path: Path, stdout: str
) -> None:
    """-o /dev/stdout is written to as it is, never renamed over, even when the shell sent
    stdout to a file."""
    command = [sys.executable, "-m", "okr_tui", "--at", CLOCK_AT, "--db", str(demo_store.folder)]
    command += ["export", "-o", "/dev/stdout", "--force"]
    env = {**os.environ, "OKR_HOME": str(tmp_path / "home")}
    if stdout == "pipe":
        result = subprocess.run(command, capture_output=True, env=env, timeout=60)
        written = result.stdout
    else:
        target = tmp_path / "redirected.json"
        with open(target, "wb") as handle:
            inode = os.fstat(handle.fileno()).st_ino
            result = subprocess.run(command, stdout=handle, stderr=subprocess.PIPE, env=env)
        assert target.stat().st_ino == inode
        assert [path.name for path in tmp_path.iterdir() if path.is_file()] == [target.name]
        written = target.read_bytes()

    assert result.returncode == 0, result.stderr
    assert written == export_json(demo_store).encode()


def test_an_export_into_a_closed_pipe_ends_quietly(demo_store: OkrStore, tmp_path: Path) -> None:
    """`okr export | head -c 100`: the reader leaves early; no traceback, exit status 0."""
    assert len(export_json(demo_store).encode()) > 65536  # more than a pipe holds
    env = {**os.environ, "OKR_HOME": str(tmp_path / "home")}
    command = [sys.executable, "-m", "okr_tui", "--at", CLOCK_AT, "--db", str(demo_store.folder)]
    with subprocess.Popen(
        [*command, "export"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.read(100).startswith(b'{\n  "cycles": [')
        process.stdout.close()
        errors = process.stderr.read()
        status = process.wait(timeout=60)

    assert (status, errors) == (0, b"")


def test_the_in_app_export_writes_the_same_json(demo_store: OkrStore) -> None:
    from okr_tui.exchange.files import export_to_folder

    cycle = demo_store.current_cycle()

    path = export_to_folder(demo_store, cycle.id, "json")

    assert path.read_text(encoding="utf-8") == export_json(demo_store, cycle.id)
    assert [c["cycle"]["id"] for c in json.loads(path.read_text())["cycles"]] == [cycle.id]


@pytest.mark.parametrize("file_format", ["json", "md", "csv"])
def test_the_in_app_exports_are_readable_by_their_owner_only(
    demo_store: OkrStore, file_format: str
) -> None:
    """Exports hold blockers and notes: created 0600 in a 0700 folder, as the store is."""
    from okr_tui.exchange.files import export_to_folder

    path = export_to_folder(demo_store, demo_store.current_cycle().id, file_format)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


# --- import into a store that holds data --------------------------------------------------------


def test_import_into_a_store_with_data_needs_replace(rich_store: OkrStore, tmp_path: Path):
    path = tmp_path / "export.json"
    path.write_text(export_json(rich_store), encoding="utf-8")
    other = OkrStore(tmp_path / "other", FixedClock(CLOCK_AT))
    other.save_team(Team(name="Platform"))
    before = _files(other.folder)

    with pytest.raises(ImportProblem, match="already holds data; use --replace"):
        apply_import(other, read_import(path))
    assert _files(other.folder) == before

    result = okr("--db", str(other.folder), "import", str(path), home=tmp_path / "home")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert "already holds data; use --replace" in result.stderr
    assert _files(other.folder) == before


def test_replace_makes_the_store_hold_exactly_the_file(rich_store: OkrStore, tmp_path: Path):
    path = tmp_path / "export.json"
    path.write_text(export_json(rich_store), encoding="utf-8")
    other = OkrStore(tmp_path / "other", FixedClock(CLOCK_AT))
    other.save_team(Team(id="team-platform", name="Platform"))
    other.save_cycle(
        Cycle(id="cycle-old", name="Old", start=date(2025, 1, 1), end=date(2025, 3, 31))
    )
    other.save_objective(Objective(cycle_id="cycle-old", title="Old objective"))
    assert (other.folder / "cycles" / "cycle-old.json").exists()

    result = okr("--db", str(other.folder), "import", "--replace", str(path), home=tmp_path / "h")

    assert result.returncode == 0, result.stderr
    assert export_json(OkrStore(other.folder, FixedClock(CLOCK_AT))) == path.read_text("utf-8")
    assert not (other.folder / "cycles" / "cycle-old.json").exists()
    assert "team-platform" not in (other.folder / "okr.json").read_text()


def _tiny_export(tmp_path: Path) -> Path:
    """An export of a store holding one team."""
    tiny = OkrStore(tmp_path / "tiny", FixedClock(CLOCK_AT))
    tiny.save_team(Team(id="team-tiny", name="Tiny"))
    path = tmp_path / "tiny.json"
    path.write_text(export_json(tiny), encoding="utf-8")
    return path


def test_a_folder_with_cycle_files_but_no_okr_json_is_not_empty(
    demo_store: OkrStore, tmp_path: Path
) -> None:
    """With okr.json moved away, a plain import deleted every cycle file and exited 0 (issue 15,
    item 2): any store file makes the folder a store that holds data."""
    (demo_store.folder / "okr.json").rename(tmp_path / "okr.json.elsewhere")
    before = _files(demo_store.folder)
    assert len(list((demo_store.folder / "cycles").glob("*.json"))) == 2
    path = _tiny_export(tmp_path)

    result = okr("--db", str(demo_store.folder), "import", str(path), home=tmp_path / "home")

    assert result.returncode == 2, result.stdout
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "already holds data; use --replace" in result.stderr
    assert _files(demo_store.folder) == before
    dry = okr("--db", str(demo_store.folder), "import", "--dry-run", str(path), home=tmp_path / "h")
    assert "the real import needs --replace" in dry.stdout
    with pytest.raises(RuleViolation, match="already holds data"):
        build_demo(OkrStore(demo_store.folder, FixedClock(CLOCK_AT)))
    assert _files(demo_store.folder) == before


def test_replace_keeps_the_old_files_until_the_new_ones_are_written_and_checked(
    demo_store: OkrStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure after the new files are written (here: the read-back check) puts the old
    store back, byte for byte, and leaves no backup folder."""
    before = _files(demo_store.folder)
    seen: list[list[str]] = []

    from okr_tui.store import replacing as store_module

    real_check = store_module.check_written

    def fail_the_root_check(path: Path, kind: str, meant) -> None:
        real_check(path, kind, meant)
        if kind == "root":
            seen.append(sorted(p.name for p in demo_store.folder.iterdir()))
            assert json.loads(path.read_bytes())["teams"]  # the new root, with the file's team
            raise StoreError(path, "does not hold the teams written to it")

    monkeypatch.setattr(store_module, "check_written", fail_the_root_check)
    with pytest.raises(StoreError, match="could not be written .*the store is left as it was"):
        apply_import(demo_store, read_import(_tiny_export(tmp_path)), replace=True)

    assert seen and any(name.startswith(".import-backup-") for name in seen[0])
    assert _files(demo_store.folder) == before
    assert not list(demo_store.folder.glob(".import-backup-*"))
    assert [team.name for team in demo_store.teams()] == ["Growth", "Sales"]


def test_replace_that_fails_writing_a_file_puts_the_old_store_back(
    demo_store: OkrStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from okr_tui.store import storage

    before = _files(demo_store.folder)
    result_path = _tiny_export(tmp_path)
    real_write = storage.write_atomically

    def disk_full_at_the_root(path: Path, payload: bytes) -> None:
        if path.name == "okr.json":
            raise OSError(28, "No space left on device")
        real_write(path, payload)

    monkeypatch.setattr(storage, "write_atomically", disk_full_at_the_root)
    with pytest.raises(StoreError, match="No space left on device.*left as it was"):
        apply_import(demo_store, read_import(result_path), replace=True)

    assert _files(demo_store.folder) == before
    assert not list(demo_store.folder.glob(".import-backup-*"))


def test_replace_removes_the_backup_once_the_new_store_is_checked(
    demo_store: OkrStore, tmp_path: Path
) -> None:
    result = okr(
        "--db",
        str(demo_store.folder),
        "import",
        "--replace",
        str(_tiny_export(tmp_path)),
        home=tmp_path / "home",
    )

    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in demo_store.folder.iterdir()) == [".lock", "cycles", "okr.json"]
    assert list((demo_store.folder / "cycles").iterdir()) == []
    reopened = OkrStore(demo_store.folder, FixedClock(CLOCK_AT))
    assert [team.name for team in reopened.teams()] == ["Tiny"]


@pytest.mark.parametrize("holds_data", [False, True], ids=["empty store", "store with data"])
def test_dry_run_checks_the_file_and_writes_nothing(
    rich_store: OkrStore, tmp_path: Path, holds_data: bool
) -> None:
    path = tmp_path / "export.json"
    path.write_text(export_json(rich_store), encoding="utf-8")
    folder = rich_store.folder if holds_data else tmp_path / "new-store"
    before = _files(folder)

    result = okr("--db", str(folder), "import", "--dry-run", str(path), home=tmp_path / "home")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Dry run: the file is valid; would ")
    assert ("replace the store with" in result.stdout) is holds_data
    assert ("needs --replace" in result.stdout) is holds_data
    assert _files(folder) == before
    assert holds_data or not folder.exists()


# --- broken import files ------------------------------------------------------------------------


def _valid_document(store: OkrStore) -> dict:
    return json.loads(export_json(store))


def _break_format(document: dict) -> None:
    document["format"] = "okr-tool"


def _unknown_field(document: dict) -> None:
    document["teams"][1]["colour"] = "red"


def _duplicate_id(document: dict) -> None:
    check_ins = document["cycles"][1]["check_ins"]
    check_ins[3]["id"] = check_ins[2]["id"]


def _missing_objective(document: dict) -> None:
    document["cycles"][0]["key_results"][0]["objective_id"] = "obj-gone"


def _missing_key_result(document: dict) -> None:
    document["cycles"][1]["check_ins"][5]["kr_id"] = "kr-gone"


def _wrong_type(document: dict) -> None:
    document["cycles"][1]["check_ins"][0]["value"] = "lots"


def _escaping_cycle_id(document: dict) -> None:
    export = document["cycles"][1]
    old_id = export["cycle"]["id"]
    text = json.dumps(export).replace(old_id, "../../outside")
    document["cycles"][1] = json.loads(text)


def _overlapping_open_cycles(document: dict) -> None:
    """The closed Q3 reopened and stretched into Q4: two open cycles share October."""
    q3 = document["cycles"][0]["cycle"]
    q3["state"] = "active"
    q3["end"] = "2026-10-15"


def _same_team_twice(document: dict) -> None:
    document["teams"][1]["name"] = "growth "  # the first team is "Growth"


def _alignment_loop(document: dict) -> None:
    """The company objective aligned to one of the team objectives aligned to it."""
    objectives = document["cycles"][1]["objectives"]
    objectives[0]["parent_id"] = objectives[1]["id"]


def _check_in_outside_its_cycle(document: dict) -> None:
    document["cycles"][1]["check_ins"][0]["meeting_date"] = "2031-01-01"


def _line_break_in_a_title(document: dict) -> None:
    document["cycles"][1]["key_results"][0]["title"] = "Line\nbreak"


def _c1_control_in_a_team_name(document: dict) -> None:
    document["teams"][1]["name"] = "Sales\x9b31m"


def _tab_in_a_member(document: dict) -> None:
    document["teams"][0]["members"] = ["Amara\tBen"]


BROKEN_DOCUMENTS = {
    "wrong format name": (_break_format, "$.format", "not an okr-tui export"),
    "unknown field": (_unknown_field, "$.teams[1].colour", "Extra inputs are not permitted"),
    "duplicate id": (_duplicate_id, "$.cycles[1].check_ins[3].id", "already used at"),
    "key result of a missing objective": (
        _missing_objective,
        "$.cycles[0].key_results[0].objective_id",
        "no objective 'obj-gone' in this cycle",
    ),
    "check-in of a missing key result": (
        _missing_key_result,
        "$.cycles[1].check_ins[5].kr_id",
        "no key result 'kr-gone'",
    ),
    "text where a number belongs": (_wrong_type, "$.cycles[1].check_ins[0].value", "number"),
    "a cycle id that climbs out of the store": (
        _escaping_cycle_id,
        "$.cycles[1].cycle.id",
        "letters, digits",
    ),
    # The store's rules (issue 15, item 6): what the app and the CLI refuse, import refuses.
    "two open cycles with overlapping dates": (
        _overlapping_open_cycles,
        "$.cycles[1].cycle.start",
        "the dates overlap 2026-Q3",
    ),
    "teams Growth and 'growth '": (
        _same_team_twice,
        "$.teams[1].name",
        'there is already a team called "Growth"',
    ),
    "objectives aligned in a loop": (
        _alignment_loop,
        "$.cycles[1].objectives[0].parent_id",
        "loop of objectives",
    ),
    "a check-in dated 2031 in a 2026 cycle": (
        _check_in_outside_its_cycle,
        "$.cycles[1].check_ins[0].meeting_date",
        "2031-01-01 is outside 2026-Q4",
    ),
    # One-line fields (issue 15, item 7).
    "a line break in a key result title": (
        _line_break_in_a_title,
        "$.cycles[1].key_results[0].title",
        "must be one line",
    ),
    "a C1 control (U+009B) in a team name": (
        _c1_control_in_a_team_name,
        "$.teams[1].name",
        "must be one line",
    ),
    "a tab in a member's name": (_tab_in_a_member, "$.teams[0].members[0]", "must be one line"),
}


@pytest.mark.parametrize("case", list(BROKEN_DOCUMENTS), ids=list(BROKEN_DOCUMENTS))
def test_a_broken_document_is_refused_with_its_json_path(
    demo_store: OkrStore, tmp_path: Path, case: str
) -> None:
    breaker, json_path, message = BROKEN_DOCUMENTS[case]
    document = _valid_document(demo_store)
    breaker(document)
    path = _write(tmp_path / "broken.json", document)

    with pytest.raises(ImportProblem) as raised:
        read_import(path)

    assert any(where == json_path and message in text for where, text in raised.value.errors), (
        raised.value.errors
    )
    # In the validators' own words, without pydantic's "Value error, " before them.
    assert not any(text.startswith(("Value error", "Assertion")) for _, text in raised.value.errors)


def _cli_import_refuses(store: OkrStore, path: Path, home: Path) -> list[str]:
    """`okr import --replace` of a broken file: exit 2, `okr: ...` lines (a place in the file,
    `$.cycles[0]...`, when the problem has one), the store untouched."""
    outside = store.folder.parent
    before = _files(outside)
    result = okr("--db", str(store.folder), "import", "--replace", str(path), home=home)
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith("okr: ") and "$:" not in line for line in lines)
    assert _files(outside) == before
    return lines


@pytest.mark.parametrize(
    "case",
    [
        "unknown field",
        "duplicate id",
        "key result of a missing objective",
        "teams Growth and 'growth '",
        "a line break in a key result title",
    ],
)
def test_the_cli_refuses_a_broken_document_and_writes_nothing(
    demo_store: OkrStore, tmp_path: Path, case: str
) -> None:
    breaker, json_path, message = BROKEN_DOCUMENTS[case]
    document = _valid_document(demo_store)
    breaker(document)
    path = _write(tmp_path / "broken.json", document)

    lines = _cli_import_refuses(demo_store, path, tmp_path / "home")

    assert any(line.startswith(f"okr: {json_path}: ") and message in line for line in lines)


def test_an_escaping_cycle_id_writes_nothing_outside_the_store(
    demo_store: OkrStore, tmp_path: Path
) -> None:
    document = _valid_document(demo_store)
    _escaping_cycle_id(document)
    path = _write(tmp_path / "evil.json", document)

    _cli_import_refuses(demo_store, path, tmp_path / "home")

    assert not list(tmp_path.rglob("outside.json"))
    assert not list(tmp_path.parent.glob("outside.json"))


@pytest.mark.parametrize(
    ("content", "json_path", "message"),
    [
        (b'{"format": "okr-tui", "version": 1, "teams": [', "$", "not valid JSON"),
        (b"", "$", "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "$", "not valid JSON"),
        (b'{"format": "okr-tui", "version": NaN}', "$", "not valid JSON"),
        (b'{"format": "okr-tui", "version": 99}', "$.version", "version 99 is not supported"),
        (b'["okr-tui"]', "$.format", "not an okr-tui export"),
    ],
    ids=["truncated", "empty", "nested 100000 deep", "NaN", "newer version", "a list"],
)
def test_a_file_that_is_not_an_export_is_refused(
    demo_store: OkrStore, tmp_path: Path, content: bytes, json_path: str, message: str
) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(content)

    with pytest.raises(ImportProblem) as raised:
        read_import(path)

    assert len(raised.value.errors) == 1
    where, text = raised.value.errors[0]
    assert where == json_path
    assert message in text


def test_a_huge_number_is_refused_with_its_json_path(demo_store: OkrStore, tmp_path: Path):
    text = export_json(demo_store)
    document = json.loads(text)
    value = document["cycles"][1]["check_ins"][4]["value"]
    marker = f'"value": {json.dumps(value)}'
    # Put 1e400 where the fifth check-in of 2026-Q4 keeps its value.
    start = text.index(json.dumps(document["cycles"][1]["check_ins"][4]["id"]))
    position = text.index(marker, start)
    path = tmp_path / "huge.json"
    path.write_text(text[:position] + '"value": 1e400' + text[position + len(marker) :])

    with pytest.raises(ImportProblem) as raised:
        read_import(path)
    assert raised.value.errors == [("$.cycles[1].check_ins[4].value", "number is too large")]

    lines = _cli_import_refuses(demo_store, path, tmp_path / "home")
    assert lines == ["okr: $.cycles[1].check_ins[4].value: number is too large"]


def test_deep_nesting_through_the_cli_is_one_clear_line(demo_store: OkrStore, tmp_path: Path):
    path = tmp_path / "deep.json"
    path.write_bytes(b"[" * 100_000 + b"]" * 100_000)

    lines = _cli_import_refuses(demo_store, path, tmp_path / "home")

    assert len(lines) == 1
    assert lines[0].startswith("okr: not valid JSON")  # no "$:" for the whole document


def test_a_file_over_the_size_limit_is_refused_without_reading_it(
    demo_store: OkrStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.json"
    with open(path, "wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: 100 MiB that take no disk space
    assert path.stat().st_size > MAX_IMPORT_BYTES

    def no_reading(self: Path, *args, **kwargs):
        raise AssertionError(f"{self} was read")

    with monkeypatch.context() as patch:
        patch.setattr(Path, "read_bytes", no_reading)
        patch.setattr(Path, "read_text", no_reading)
        with pytest.raises(ImportProblem) as raised:
            read_import(path)
    assert raised.value.errors == [
        ("$", f"{path} is 100 MiB; imports are limited to 64 MiB"),
    ]

    lines = _cli_import_refuses(demo_store, path, tmp_path / "home")
    assert lines == [f"okr: {path} is 100 MiB; imports are limited to 64 MiB"]


def test_awkward_text_and_numbers_survive_a_round_trip_byte_for_byte(demo_store, tmp_path):
    """Newlines, tabs, quotes, emoji, right-to-left text, markup and extreme floats: the export
    parses back to exactly the stored values, and export -> import -> export is byte-identical."""
    from okr_tui.domain import cadence
    from okr_tui.domain.models import CheckIn, Confidence

    cycle = demo_store.current_cycle()
    kr = next(k for k in demo_store.key_results(cycle.id) if k.unit == "%")
    meeting = cadence.current_meeting(cycle, demo_store.clock.now()).date()
    awkward = [
        (1e-7, 'line one\nline two\ttab "quoted" back\\slash'),
        (12345678901.25, "emoji 👩‍💻 مرحبا \u2028 [bold]x[/]"),
    ]
    for value, note in awkward:
        demo_store.add_check_in(
            CheckIn(
                cycle_id=cycle.id,
                kr_id=kr.id,
                meeting_date=meeting,
                value=value,
                confidence=Confidence.AT_RISK,
                note=note,
                recorded_at=demo_store.clock.now(),
            )
        )
    text = export_json(demo_store)
    parsed = json.loads(text)
    (exported,) = [c for c in parsed["cycles"] if c["cycle"]["id"] == cycle.id]
    stored = {(c["value"], c["note"]) for c in exported["check_ins"]}
    assert set(awkward) <= stored

    path = tmp_path / "export.json"
    path.write_text(text, encoding="utf-8")
    fresh = OkrStore(tmp_path / "fresh", demo_store.clock)
    apply_import(fresh, read_import(path))
    assert export_json(fresh) == text
