"""Benchmarks for `kiosk bench`, one module per area."""
