"""The store folder as a git repository: commit what changed, pull and merge, push.

A team shares its store through any git remote it already has (a bare repository on a share, a
private repository on a forge): `okr sync` commits local changes with a message that says what
changed ("Sales: 12 check-ins for the 2026-11-30 meeting"), pulls, merges store files with okr's
own merge driver (okr_tui/store/merge.py, a three-way merge by record id), and pushes. It holds
the store's lock throughout, so no okr process saves while git replaces files. Git is needed only
here; nothing else in okr-tui runs it, and it runs only when the user asks for a sync.
"""

from __future__ import annotations

import getpass
import os
import shlex
import shutil
import socket
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from okr_tui.store.layout import CYCLES_FOLDER, ROOT_FILE
from okr_tui.store.store import OkrStore

ATTRIBUTES = "*.json merge=okr diff=okr"
IGNORED = (".lock", ".*.tmp-*")
BRANCH = "main"
PUSH_ATTEMPTS = 3
NOUNS = {
    "check_ins": "check-in",
    "key_results": "key result",
    "objectives": "objective",
    "meetings": "meeting record",
    "actions": "action",
    "review_decisions": "review decision",
    "reviews": "review",
    "scores": "score",
    "retrospectives": "retrospective",
    "teams": "team",
    "cycles": "cycle",
}


class SyncError(Exception):
    """What stopped a sync, in one line a person can act on."""


@dataclass(frozen=True)
class SyncResult:
    committed: str | None  # the commit message of the local changes, if there were any
    pulled: bool  # the remote had changes that are now here
    pushed: bool


def git_available() -> bool:
    return shutil.which("git") is not None


def _git(folder: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_MERGE_AUTOEDIT": "no", "LC_ALL": "C"}
    result = subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, env=env, timeout=300
    )
    if check and result.returncode != 0:
        said = (result.stderr or result.stdout).strip().splitlines()
        raise SyncError(f"git {args[0]} failed: {said[-1] if said else 'no message'}")
    return result


def _need_git() -> None:
    if not git_available():
        raise SyncError("okr sync needs git, which is not installed (e.g. apt install git)")


def is_repository(folder: Path) -> bool:
    return (folder / ".git").exists()


def register(folder: Path, python: str = sys.executable) -> None:
    """Tell the repository how to merge and diff store files: okr's merge driver, and a
    textconv that shows a store file one field per line (a save writes one long line)."""
    attributes = folder / ".gitattributes"
    lines = attributes.read_text(encoding="utf-8").splitlines() if attributes.exists() else []
    if ATTRIBUTES not in lines:
        attributes.write_text("\n".join([*lines, ATTRIBUTES]) + "\n", encoding="utf-8")
    ignore = folder / ".gitignore"
    lines = ignore.read_text(encoding="utf-8").splitlines() if ignore.exists() else []
    missing = [pattern for pattern in IGNORED if pattern not in lines]
    if missing:
        ignore.write_text("\n".join([*lines, *missing]) + "\n", encoding="utf-8")
    interpreter = shlex.quote(python)
    settings = {
        "merge.okr.name": "okr-tui: three-way merge of store records by id",
        "merge.okr.driver": f"{interpreter} -m okr_tui.store.merge %O %A %B %P",
        "diff.okr.textconv": f"{interpreter} -m okr_tui.store.textconv",
    }
    for key, value in settings.items():
        _git(folder, "config", key, value)
    if not _git(folder, "config", "user.email", check=False).stdout.strip():
        # A commit needs an author; someone without a git identity still gets a useful one.
        who = getpass.getuser()
        _git(folder, "config", "user.name", who)
        _git(folder, "config", "user.email", f"{who}@{socket.gethostname()}")


def _remote_branch(folder: Path) -> str | None:
    """The remote's branch to follow (its default, else main), or None while it is empty."""
    heads = _git(folder, "ls-remote", "--symref", "origin", "HEAD", check=False)
    for line in heads.stdout.splitlines():
        if line.startswith("ref: refs/heads/"):
            return line.split("refs/heads/", 1)[1].split()[0]
    listed = _git(folder, "ls-remote", "--heads", "origin", check=False)
    if heads.returncode != 0 and listed.returncode != 0:
        raise SyncError(f"the remote cannot be reached: {listed.stderr.strip() or 'no answer'}")
    names = [line.split("refs/heads/", 1)[1] for line in listed.stdout.splitlines() if line]
    if not names:
        return None
    return BRANCH if BRANCH in names else names[0]


def _holds_records(folder: Path) -> bool:
    """True when the folder already holds a store with teams or cycles in it."""
    root = folder / ROOT_FILE
    if not root.is_file():
        return False
    try:
        tables = orjson.loads(root.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return True  # something is there: never overwrite it
    return bool(tables.get("teams") or tables.get("cycles"))


def init(folder: Path, remote: str) -> str:
    """Make `folder` a synced store: a repository with okr's merge driver and `remote` as
    origin. A folder without a store joins the remote's; a store joins an empty remote."""
    _need_git()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    fresh = not is_repository(folder)
    if fresh:
        _git(folder, "init", "-q")
        _git(folder, "symbolic-ref", "HEAD", f"refs/heads/{BRANCH}")
    register(folder)
    if "origin" in _git(folder, "remote").stdout.split():
        _git(folder, "remote", "set-url", "origin", remote)
    else:
        _git(folder, "remote", "add", "origin", remote)
    branch = _remote_branch(folder)
    has_commits = _git(folder, "rev-parse", "--verify", "-q", "HEAD", check=False).returncode == 0
    if branch is not None and not has_commits:
        if _holds_records(folder):
            raise SyncError(
                "the remote already holds a store, and so does this folder: to join the "
                "remote's, start from an empty folder (okr --db NEW-FOLDER sync --init REMOTE)"
            )
        _git(folder, "fetch", "-q", "origin", branch)
        _git(folder, "checkout", "-q", "-f", "-B", branch, f"origin/{branch}")
        _git(folder, "branch", "-q", f"--set-upstream-to=origin/{branch}")
        return f"joined the store at {remote}"
    return f"set up to sync with {remote}"


def _tables_at_head(folder: Path, relative: str) -> dict[str, Any]:
    shown = _git(folder, "show", f"HEAD:{relative}", check=False)
    if shown.returncode != 0:
        return {}
    try:
        tables: dict[str, Any] = orjson.loads(shown.stdout)
        return tables
    except orjson.JSONDecodeError:
        return {}


def _records(tables: dict[str, Any], table: str) -> dict[str, dict[str, Any]]:
    documents = (tables.get(table) or {}).values()
    return {d["id"]: d for d in documents if isinstance(d, dict) and "id" in d}


def describe_changes(folder: Path) -> str:
    """A commit message that says what changed, from the store files git sees as changed:
    check-ins by team and meeting first, then counts of everything else."""
    status = _git(folder, "status", "--porcelain", "-uall", "--", "*.json").stdout.splitlines()
    changed = [line[3:] for line in status if line[3:].endswith(".json")]
    root = orjson.loads((folder / ROOT_FILE).read_bytes()) if (folder / ROOT_FILE).is_file() else {}
    team_names = {t["id"]: t["name"] for t in _records(root, "teams").values()}
    check_ins: Counter[tuple[str, str]] = Counter()
    others: Counter[tuple[str, str]] = Counter()
    for relative in changed:
        path = folder / relative
        now = orjson.loads(path.read_bytes()) if path.is_file() else {}
        before = _tables_at_head(folder, relative)
        objectives = _records(now, "objectives")
        key_results = _records(now, "key_results")
        for table, noun in NOUNS.items():
            old, new = _records(before, table), _records(now, table)
            for record_id, document in new.items():
                if table == "check_ins" and record_id not in old:
                    kr = key_results.get(document["kr_id"], {})
                    team_id = objectives.get(kr.get("objective_id", ""), {}).get("team_id")
                    team = team_names.get(team_id, "Company") if team_id else "Company"
                    check_ins[(team, document["meeting_date"])] += 1
                elif record_id not in old:
                    others[(noun, "added")] += 1
                elif old[record_id] != document:
                    others[(noun, "changed")] += 1
    parts = [
        f"{team}: {_counted(count, 'check-in')} for the {day} meeting"
        for (team, day), count in sorted(check_ins.items(), key=lambda item: item[0][::-1])
    ]
    parts += [f"{_counted(count, noun)} {verb}" for (noun, verb), count in others.items()]
    if not parts:
        return "Store files updated"
    subject = "; ".join(parts[:2]) + ("; and more" if len(parts) > 2 else "")
    return subject if len(parts) <= 2 else subject + "\n\n" + "\n".join(f"- {p}" for p in parts)


def _counted(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _commit(folder: Path) -> str | None:
    _git(folder, "add", "-A", "--", ROOT_FILE, CYCLES_FOLDER, ".gitattributes", ".gitignore")
    if not _git(folder, "status", "--porcelain", "--untracked-files=no").stdout.strip():
        return None
    message = describe_changes(folder)
    _git(folder, "commit", "-q", "-m", message)
    return message


def _conflicted(folder: Path) -> list[str]:
    listed = _git(folder, "diff", "--name-only", "--diff-filter=U", check=False).stdout
    return [line for line in listed.splitlines() if line]


def _pull(folder: Path, branch: str) -> bool:
    """Fetch and merge the remote branch; True if it brought anything."""
    before = _git(folder, "rev-parse", "-q", "--verify", "HEAD", check=False).stdout.strip()
    _git(folder, "fetch", "-q", "origin", branch)
    message = "Merge the remote's store changes"
    merged = _git(folder, "merge", "-q", "-m", message, f"origin/{branch}", check=False)
    if merged.returncode != 0:
        conflicted = _conflicted(folder)
        if not conflicted:
            said = (merged.stderr or merged.stdout).strip().splitlines()
            raise SyncError(f"git merge failed: {said[-1] if said else 'no message'}")
        reasons = [
            line.removeprefix("okr merge: ")
            for line in (merged.stderr + merged.stdout).splitlines()
            if line.startswith("okr merge: ")
        ]
        why = f" ({'; '.join(reasons)})" if reasons else ""
        raise SyncError(
            f"the sync stopped: {', '.join(conflicted)} changed on both sides in a way okr cannot "
            f"merge{why}. Nothing is lost: resolve it with git in {folder} (git status), "
            "then run okr sync again"
        )
    after = _git(folder, "rev-parse", "HEAD").stdout.strip()
    return after != before


def sync(store: OkrStore) -> SyncResult:
    """Commit, pull and merge, push, under the store's lock; the store re-reads its files."""
    _need_git()
    folder = store.folder
    if not is_repository(folder):
        raise SyncError(f"{folder} is not synced yet: run okr sync --init REMOTE once")
    if _conflicted(folder):
        raise SyncError(
            f"a merge is still unresolved in {folder}: finish it with git (git status), then "
            "run okr sync again"
        )
    with store.exclusive():
        register(folder)
        committed = _commit(folder)
        pulled = pushed = False
        has_remote = "origin" in _git(folder, "remote").stdout.split()
        if has_remote:
            for _ in range(PUSH_ATTEMPTS):
                branch = _remote_branch(folder)
                if branch is not None:
                    pulled = _pull(folder, branch) or pulled
                target = branch or BRANCH
                pushing = _git(folder, "push", "-q", "-u", "origin", f"HEAD:{target}", check=False)
                if pushing.returncode == 0:
                    pushed = True
                    break
                if "rejected" not in pushing.stderr and "fetch first" not in pushing.stderr:
                    said = pushing.stderr.strip().splitlines()
                    raise SyncError(f"git push failed: {said[-1] if said else 'no message'}")
            else:
                raise SyncError("the remote kept changing while syncing; run okr sync again")
    store.refresh()
    return SyncResult(committed, pulled, pushed)

