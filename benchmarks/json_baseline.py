"""Baseline for `okr due` and `okr export`: load a store's JSON files and dump them, nothing else.

    python benchmarks/json_baseline.py STORE --lib json|orjson [--scope all|current]

`--scope all` reads okr.json and every cycle file (what a full export reads); `--scope current`
reads okr.json and the active cycle's file only (what `okr due` reads). `json` dumps like the
export does (indent 2, sorted keys); `orjson` with its indent-2 and sorted-keys options.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("store", type=Path)
    parser.add_argument("--lib", choices=["json", "orjson"], default="json")
    parser.add_argument("--scope", choices=["all", "current"], default="all")
    args = parser.parse_args()
    root = json.loads((args.store / "okr.json").read_bytes())
    if args.scope == "all":
        names = sorted(path.name for path in (args.store / "cycles").glob("*.json"))
    else:
        active = [c for c in root["cycles"].values() if c["state"] == "active"]
        names = [f"{max(active, key=lambda c: c['start'])['id']}.json"]
    files = [args.store / "cycles" / name for name in names]
    out = sys.stdout.buffer
    if args.lib == "json":
        document = {"root": root, "cycles": [json.loads(path.read_bytes()) for path in files]}
        out.write(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False).encode())
    else:
        import orjson

        document = {"root": root, "cycles": [orjson.loads(path.read_bytes()) for path in files]}
        out.write(orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
