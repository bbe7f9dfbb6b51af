#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Entry point inside the guest: lib/init chroots into the overlay of the host's root and
# runs this with the host's bash. It loads the scenario's modules, runs the scenario's
# guest_main and marks the run complete. It deliberately does not use `set -e`: a failing
# command is recorded (guest.errors, cmd/*.rc) and the run goes on, so one bad step does
# not hide what the others would have shown.
# shellcheck source-path=SCRIPTDIR
set -uo pipefail

# shellcheck source=guest.sh
. "$VK_LIB/guest.sh"
# For the module lists scenarios share (DESKTOP_MODULES); the layout functions go unused here.
# shellcheck source=layouts.sh
. "$VK_LIB/layouts.sh"
SCENARIO_MODULES=()
# shellcheck disable=SC1090
. "$VK_SCENARIO_FILE"

guest_log "kernel $(uname -r), scenario $VK_SCENARIO"
guest_load_modules "${SCENARIO_MODULES[@]}"
if declare -F guest_main >/dev/null; then
	guest_main
else
	guest_standard
fi
guest_log "done"
echo ok >"$VK_OUT/guest.done"
