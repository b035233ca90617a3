"""Opening the app, the demo store, and `okr serve` (the app in a browser)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from okr_tui.cli.common import UserError, _current_cycle_or_fail, open_store

if TYPE_CHECKING:
    from okr_tui.domain.clock import Clock
    from okr_tui.store.store import OkrStore


def _app_owner(store: OkrStore, typed: str | None) -> str | None:
    """The owner `okr --owner NAME` names, as the store spells it; an unknown name is one line
    listing who owns a key result of the current cycle."""
    if typed is None:
        return None
    from okr_tui.domain.people import find_owner, owner_names

    cycle = _current_cycle_or_fail(store)
    owners = [kr.owner for kr in store.key_results(cycle.id) if kr.is_active]
    name = find_owner(owners, typed)
    if name is None:
        raise UserError(
            f"--owner: no key result of {cycle.name} is owned by {typed.strip()!r} "
            f"(owners: {', '.join(owner_names(owners)) or 'none yet'})"
        )
    return name


def run_app(args: argparse.Namespace, clock: Clock) -> int:
    store = open_store(args, clock)
    from okr_tui.app import OkrApp

    owner = _app_owner(store, getattr(args, "app_owner", None))
    app = OkrApp(store, theme=args.theme, owner=owner, served=args.served)
    app.run()
    if app.store_error is not None:  # a store file the app found unreadable while starting
        raise app.store_error
    return app.return_code or 0


def run_demo(args: argparse.Namespace, clock: Clock) -> int:
    from okr_tui.demo import build_demo

    store = open_store(args, clock)
    build_demo(store)
    print(f"Demo store written to {store.folder}")
    return 0


def run_serve(args: argparse.Namespace, clock: Clock) -> int:
    """Serve the app through textual-serve, behind a token: each browser tab runs `okr` in its
    own process, read-only unless opened with the --edit link (see okr_tui/share.py)."""
    import shlex

    from okr_tui.paths import default_store

    try:
        from okr_tui.share import Role, ShareTokens, TokenServer, is_loopback
    except ImportError:
        raise UserError("okr serve needs textual-serve: pip install 'okr-tui[serve]'") from None
    store = open_store(args, clock)  # fail now, with a clear line, if the store is broken
    parts = [
        sys.executable,
        "-m",
        "okr_tui",
        "--served",
        "--db",
        str(store.folder or default_store()),
    ]
    if args.at:
        parts += ["--at", args.at]
    if args.theme:
        parts += ["--theme", args.theme]
    if owner := _app_owner(store, getattr(args, "app_owner", None)):
        parts += ["--owner", owner]  # every tab opens on that person's key results
    commands = {Role.VIEW: shlex.join([*parts, "--read-only"])}
    if args.edit:
        commands[Role.EDIT] = shlex.join(parts)
    tokens = ShareTokens.new(edit=args.edit)
    address = f"[{args.host}]" if ":" in args.host else args.host
    base = f"http://{address}:{args.port}/?token="
    print(f"Serving okr-tui on http://{address}:{args.port}", file=sys.stderr)
    print(f"  view (read-only): {base}{tokens.view}", file=sys.stderr)
    if tokens.edit is not None:
        print(f"  edit (may save):  {base}{tokens.edit}", file=sys.stderr)
        print("  Give the edit link only to those who update key results.", file=sys.stderr)
    if not is_loopback(args.host):
        print(
            "  Beyond this machine the links travel as plain HTTP: share them on a network you "
            "trust, or put okr serve behind an HTTPS proxy.",
            file=sys.stderr,
        )
    TokenServer(commands, tokens, host=args.host, port=args.port).serve()
    return 0
