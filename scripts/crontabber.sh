#!/usr/bin/env bash
# The seed's cron entry runs this every five minutes on one host (the "admin host"):
#
#   */5 * * * * socorro /data/socorro/application/scripts/crons/crontabber.sh
#
# Point that line at this file (or copy/link it there). It runs `crashstats -q crontabber` from
# the project directory, so the embedded database's state under ./var is found; configuration
# comes from the environment and from $CRASHSTATS_CONFIG_DIR or /etc/crashstats/*.conf (put the
# seed's crontabber.conf with crontabber__jobs there). -q: only warnings and errors are printed,
# so cron mails only trouble; every run is recorded in crontabber_log. Extra arguments are passed
# on (e.g. crontabber.sh --nagios). CRASHSTATS_BIN may name the crashstats executable to use.
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(dirname "$here")"
crashstats="${CRASHSTATS_BIN:-$root/.venv/bin/crashstats}"
unset CRASHSTATS_BIN  # ours, not a crashstats setting
if [ ! -x "$crashstats" ]; then
    crashstats="$(command -v crashstats || true)"
fi
if [ -z "$crashstats" ]; then
    echo "crontabber.sh: crashstats is not installed (run make install in $root)" >&2
    exit 69
fi
cd "$root"
exec "$crashstats" -q crontabber "$@"
