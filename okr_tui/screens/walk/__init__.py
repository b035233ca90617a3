"""The meeting's walk: setting it up, the walk itself, its summary and the presentation."""
