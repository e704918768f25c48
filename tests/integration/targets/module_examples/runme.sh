#!/usr/bin/env bash
# Every module's EXAMPLES, run as written against the simulator. No `set -x`: it would print the token.
set -eu -o pipefail
source ../setup_mage_sim/sim.sh
start_sim examples --seed-file files/seed.json --stop-delay 0.3 --start-delay 0.5 --patch-delay 0.3
playbook=$(mktemp --suffix=.yml)
"$SIM_PYTHON" files/examples_playbook.py mage_ai.pro.mage_workspace mage_ai.pro.mage_workspace_info >"$playbook"
ansible-playbook "$playbook" "$@"
rm -f "$playbook"
