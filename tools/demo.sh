#!/usr/bin/env bash
# make demo: start the Mage API simulator, run docs/examples/all_states.yml twice, show what reached the server.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
venv=$root/.venv
work=$(mktemp -d)
trap 'kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null; rm -rf "$work"' EXIT

# The collection, reached as ansible_collections/mage_ai/pro.
mkdir -p "$work/collections/ansible_collections/mage_ai"
ln -s "$root" "$work/collections/ansible_collections/mage_ai/pro"
export ANSIBLE_COLLECTIONS_PATH=$work/collections ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false

PYTHONPATH=$root/tests/simulator "$venv/bin/python" -m mage_sim --port 0 --quiet --seed-file "$root/tools/demo-seed.json" \
  --stop-delay 1 --start-delay 2 --patch-delay 1.5 --state-dir "$work" --ready-file "$work/ready.json" >"$work/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 100); do [ -s "$work/ready.json" ] && break; sleep 0.1; done
[ -s "$work/ready.json" ] || { cat "$work/sim.log"; exit 1; }
read_ready() { "$venv/bin/python" -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$work/ready.json" "$1"; }
MAGE_URL=$(read_ready url)
MAGE_OAUTH_TOKEN=$(read_ready token)
admin=$(read_ready admin_url)
export MAGE_URL MAGE_OAUTH_TOKEN

echo "== Mage API simulator at $MAGE_URL (4 demo workspaces and a fleet of 20)"
summary() {
  "$venv/bin/python" - "$admin" <<'PY'
import json
import sys
import urllib.request

admin = sys.argv[1]
log = json.load(urllib.request.urlopen(admin + '/requests'))['requests']
puts = [r for r in log if r['method'] == 'PUT']
if len(puts) > 6:
    actions = {}
    for r in puts:
        actions[r['action']] = actions.get(r['action'], 0) + 1
    shown = ', '.join('%d %s' % (n, action) for action, n in sorted(actions.items()))
else:
    shown = ', '.join('%s %s' % (r['action'], r['workspace']) for r in puts) or 'none'
print('   requests that reached Mage: %d (%d GET, %d PUT: %s)' % (len(log), len(log) - len(puts), len(puts), shown))
urllib.request.urlopen(urllib.request.Request(admin + '/requests', method='DELETE'))
PY
}
for run in first second; do
  echo
  echo "== The $run run of docs/examples/all_states.yml"
  rc=0
  "$venv/bin/ansible-playbook" "$root/docs/examples/all_states.yml" --diff >"$work/play.log" 2>&1 || rc=$?
  grep -E '^(TASK|changed|ok|fatal|PLAY RECAP|localhost|[-+] )' "$work/play.log" || true
  [ "$rc" -eq 0 ] || { echo "ansible-playbook failed (exit $rc):"; cat "$work/play.log"; exit "$rc"; }
  summary
done
echo
echo "The second run changed nothing and sent no PUT: every state is read, compared, and left alone."

echo
echo "== A fleet rollout: docs/examples/fleet_rollout.yml over the 20 fleet-* workspaces (fleet-15 breaks on the new image)"
rc=0
"$venv/bin/ansible-playbook" "$root/docs/examples/fleet_rollout.yml" >"$work/play.log" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || { echo "ansible-playbook failed (exit $rc):"; cat "$work/play.log"; exit "$rc"; }
sed -n '/TASK \[mage_ai.pro.workspace_rollout : Show the summary\]/,/^$/p;/TASK \[Say what stopped the rollout\]/,/^$/p' "$work/play.log" \
  | grep -v '^TASK' | grep -v '^$'
summary
if grep -q 'demo-secret' "$work/play.log"; then echo "an env value reached the log"; exit 1; fi
echo
echo "The canary and the first batch run the new image; fleet-15 failed its health check, so its batch was patched"
echo "back to the config it had (env values included), and the rollout stopped there."
