#!/bin/sh
# Installs the Debian packages named as arguments that are not installed
# yet. Runs `apt-get update` first, and only when something is missing.
# Uses sudo when not root. INSTALL_NO_RECOMMENDS=1 leaves out the packages'
# Recommends.
set -eu
missing=""
for pkg in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $pkg"
  fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
echo "installing:$missing"
$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y \
  ${INSTALL_NO_RECOMMENDS:+--no-install-recommends} $missing
