#!/bin/sh
# Install the Debian packages of tests/debian-packages.txt that are not installed yet (run by `make test`).
#
# Already installed (checked with dpkg, no network): nothing happens. As root: `apt-get update`, then
# `apt-get install --no-install-recommends` of the missing ones; a failure stops `make test`. Not root, or not
# Debian: one line naming what is missing, and the tests that need it are skipped.
set -eu
list="${1:-$(dirname "$0")/debian-packages.txt}"
wanted=$(sed -e 's/#.*//' "$list" | tr -s ' \t' '\n' | grep -v '^$' || true)
missing=""
for package in $wanted; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $package"
    fi
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "debian-packages: not a Debian system; missing:$missing (the tests that need them are skipped)"
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "debian-packages: missing:$missing; install them as root:" \
         "apt-get install --no-install-recommends$missing (until then the tests that need them are skipped)"
    exit 0
fi
echo "debian-packages: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 # one word per package
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "debian-packages: installed$missing"
