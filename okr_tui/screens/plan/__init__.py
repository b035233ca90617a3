"""Planning the cycle: the plan tree, the alignment tree and the forms for cycles, teams,
objectives and key results."""
