"""Reliability: fault injection into the real components (issue 14, part B)."""
