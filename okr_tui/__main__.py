"""`python -m okr_tui` and the `okr` command: the CLI, which Ctrl+C leaves quietly with status
130 even while it is still being imported."""

import sys


def run() -> int:
    try:
        from okr_tui.cli import main

        return main()
    except KeyboardInterrupt:
        return 130  # cli.INTERRUPTED, which may not be imported yet


if __name__ == "__main__":
    sys.exit(run())
