#!/usr/bin/env bash
# Bulk mode of mage_workspace against the Mage API simulator. No `set -x`: it would print the token.
set -eu
source ../setup_mage_sim/sim.sh
start_sim bulk --seed-file files/seed.json --stop-delay 0.3 --start-delay 0.6 --patch-delay 0.4
ansible-playbook bulk.yml "$@"
