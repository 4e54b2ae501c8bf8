#!/usr/bin/env bash
# Install the named Debian packages that are missing; print the command if we are not root.
set -euo pipefail
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "缺少系统软件包 / missing Debian packages. Run as root:"
  echo "  apt-get update && apt-get install -y ${missing[*]}"
  exit 1
fi
echo "installing: ${missing[*]}"
if [ ! -f /var/lib/apt/.kiosk-updated ] || [ -n "$(find /var/lib/apt/.kiosk-updated -mmin +1440 2>/dev/null)" ]; then
  apt-get update -q
  touch /var/lib/apt/.kiosk-updated
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
