#!/usr/bin/env bash
# The collection's playbooks over inventory hosts, against the simulator. No `set -x`: it would print the token.
set -eu -o pipefail
source ../setup_mage_sim/sim.sh
start_sim playbooks --seed-file files/seed.json --stop-delay 0.3 --start-delay 0.5 --patch-delay 0.3
logs=$(mktemp -d)
rollout_log=$logs/rollout.log
rerun_log=$logs/rerun.log
sim_admin() {  # sim_admin METHOD PATH: call the simulator's admin API, print the JSON answer
  "$SIM_PYTHON" -c 'import sys, urllib.request; print(urllib.request.urlopen(urllib.request.Request(sys.argv[1], method=sys.argv[2])).read().decode())' \
    "$SIM_ADMIN/$2" "$1"
}
common=(-i files/hosts.ini -e mage_rollout_wait_sleep=0.1 -e mage_rollout_health_check_delay=1 -e mage_rollout_health_check_retries=2)

# A rollout whose third batch holds a workspace that fails its health check: the play stops after that batch.
if ansible-playbook mage_ai.pro.rollout "${common[@]}" -e mage_rollout_hosts=fleet \
    -e '{"mage_rollout_container_config": {"image_tag": "2026.08.01"}}' "$@" >"$rollout_log" 2>&1; then
  cat "$rollout_log"
  echo "the rollout should have failed on pb-03" >&2
  exit 1
fi
grep -q 'pb-03 failed' "$rollout_log" || { cat "$rollout_log"; exit 1; }
if grep -q 's3cr3t-pb' "$rollout_log"; then echo "LEAK: an env value reached the log" >&2; exit 1; fi
ansible-playbook verify.yml "$@"

# A rollout that succeeds, then again: the second run sends no PUT.
ansible-playbook mage_ai.pro.rollout "${common[@]}" -e mage_rollout_hosts='pb-06:pb-07:pb-08' \
  -e '{"mage_rollout_container_config": {"image_tag": "2026.08.02"}}' "$@"
sim_admin DELETE requests >/dev/null
ansible-playbook mage_ai.pro.rollout "${common[@]}" -e mage_rollout_hosts='pb-06:pb-07:pb-08' \
  -e '{"mage_rollout_container_config": {"image_tag": "2026.08.02"}}' "$@" | tee "$rerun_log"
grep -q 'changed=0' "$rerun_log"
puts=$(sim_admin GET requests | "$SIM_PYTHON" -c 'import json,sys; print(sum(r["method"] == "PUT" for r in json.load(sys.stdin)["requests"]))')
[ "$puts" -eq 0 ] || { echo "the re-run sent $puts PUTs" >&2; exit 1; }

# Night stop with a protected host, then the ingress playbook.
ansible-playbook mage_ai.pro.power -i files/hosts.ini -e mage_power_hosts=fleet -e mage_power_state=stopped \
  -e mage_power_wait_sleep=0.1 -l 'pb-09:pb-10' -e '{"mage_protected": false}' "$@"
ansible-playbook mage_ai.pro.ingress -i files/hosts.ini -e mage_ingress_hosts=exposed -e mage_ingress_wait_sleep=0.1 "$@"
ansible-playbook verify_end.yml "$@"
rm -rf "$logs"
