#!/usr/bin/env bash
# Integration tests of mage_workspace_info against the Mage API simulator, over real HTTP.
# No `set -x`: it would print the simulator's token into the log.
set -eu
source ../setup_mage_sim/sim.sh

start_sim main --seed-file files/seed.json

ansible-playbook info.yml "$@"
