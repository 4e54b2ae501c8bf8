#!/usr/bin/env bash
# The card-reader tests run their own pcscd (with the vpcd virtual reader). On a Debian machine
# with systemd, installing pcscd enables socket activation: stop it so the tests own the socket.
set -u
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  if systemctl is-active --quiet pcscd.socket || systemctl is-active --quiet pcscd.service; then
    echo "stopping the system pcscd for the tests (they start their own)"
    systemctl stop pcscd.socket pcscd.service || true
  fi
fi
exit 0
