"""Meetings gone by: the history, one past meeting, and a late check-in for a missed one."""
