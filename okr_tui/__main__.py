"""`python -m okr_tui` runs the same CLI as `okr`."""

from okr_tui.cli import main

raise SystemExit(main())
