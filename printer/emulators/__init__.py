"""Printer emulators that speak the device protocol byte for byte (tests and the demo use them)."""
