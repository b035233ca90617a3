"""The mid-quarter review, scoring, the retrospective, closing a cycle and its statistics."""
