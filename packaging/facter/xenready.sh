#!/bin/sh
# Facter external fact: the xenready report under one `xenready` key, so
# `facter xenready.verdict` answers and no key of the report (`memory`,
# `cpu`) overrides one of Facter's own facts.
#
# Install: copy to /etc/facter/facts.d/xenready.sh (mode 0755), or pass
# the directory with `facter --external-dir DIR`.
# It prints the last report (XENREADY_REPORT, default
# /var/lib/xenready/report.json) when there is one, else scans now
# (XENREADY_BIN, default xenready on PATH; XENREADY_SCAN_ARGS adds options).
report=${XENREADY_REPORT:-/var/lib/xenready/report.json}
bin=${XENREADY_BIN:-xenready}
printf '{"xenready": '
# XENREADY_SCAN_ARGS is split into words on purpose: several options.
# shellcheck disable=SC2086
if [ -r "$report" ]; then
    cat "$report"
elif out=$("$bin" scan --format json ${XENREADY_SCAN_ARGS:-} 2>/dev/null) && [ -n "$out" ]; then
    printf '%s\n' "$out"
else
    printf '{"error": "xenready could not scan"}\n'
fi
printf '}\n'
