#!/usr/bin/env bash
# The roles against the Mage API simulator. No `set -x`: it would print the token.
set -eu -o pipefail
source ../setup_mage_sim/sim.sh
start_sim roles --seed-file files/seed.json --stop-delay 0.3 --start-delay 0.5 --patch-delay 0.3
export ANSIBLE_ROLES_PATH=../
out=$(mktemp)
ansible-playbook roles.yml "$@" | tee "$out"
# The rollout's env values stay out of the log (secure logging is on by default).
if grep -q 's3cr3t-roll' "$out"; then echo "LEAK: an env value reached the log" >&2; exit 1; fi
rm -f "$out"
