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

echo "== Mage API simulator at $MAGE_URL (4 workspaces)"
summary() {
  "$venv/bin/python" - "$admin" <<'PY'
import json
import sys
import urllib.request

admin = sys.argv[1]
log = json.load(urllib.request.urlopen(admin + '/requests'))['requests']
puts = [r for r in log if r['method'] == 'PUT']
print('   requests that reached Mage: %d (%d GET, %d PUT: %s)' % (
    len(log), len(log) - len(puts), len(puts), ', '.join('%s %s' % (r['action'], r['workspace']) for r in puts) or 'none'))
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
