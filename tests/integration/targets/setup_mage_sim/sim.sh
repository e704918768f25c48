# Sourced by the runme.sh of targets that need the Mage API simulator (tests/simulator).
#   start_sim NAME [simulator options...]  starts one simulator and exports, for the last one started,
#   MAGE_URL, MAGE_OAUTH_TOKEN, MAGE_VIEWER_TOKEN, SIM_ADMIN and, with --tls, MAGE_CA_PATH.
# Every simulator started is stopped when the script exits.
set -eu
SIM_PYTHON=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
# ansible-test runs targets from a copy inside the collection and points ANSIBLE_COLLECTIONS_PATH at its root.
COLLECTION_ROOT=$(cd "${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/mage_ai/pro" && pwd)
SIM_STATE=$(mktemp -d)
SIM_PIDS=""

stop_sims() {
  for pid in $SIM_PIDS; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $SIM_PIDS; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$SIM_STATE"
}
trap stop_sims EXIT

start_sim() {
  local name=$1
  shift
  local dir=$SIM_STATE/$name
  mkdir -p "$dir"
  # --parent-pid: the simulator also goes when this script is killed before its EXIT trap can run.
  PYTHONPATH=$COLLECTION_ROOT/tests/simulator "$SIM_PYTHON" -m mage_sim --port 0 --quiet --parent-pid $$ \
    --state-dir "$dir" --ready-file "$dir/ready.json" "$@" >"$dir/log" 2>&1 &
  SIM_PIDS="$SIM_PIDS $!"
  local tries=0
  until [ -s "$dir/ready.json" ]; do
    tries=$((tries + 1))
    if [ "$tries" -gt 300 ]; then
      echo "the simulator '$name' did not start:" >&2
      cat "$dir/log" >&2
      exit 1
    fi
    sleep 0.1
  done
  eval "$("$SIM_PYTHON" - "$dir/ready.json" <<'PY'
import json
import shlex
import sys

with open(sys.argv[1], encoding='utf-8') as handle:
    ready = json.load(handle)
names = {'url': 'MAGE_URL', 'token': 'MAGE_OAUTH_TOKEN', 'viewer_token': 'MAGE_VIEWER_TOKEN',
         'admin_url': 'SIM_ADMIN', 'ca_path': 'MAGE_CA_PATH'}
for key, var in names.items():
    if ready.get(key):
        print('export %s=%s' % (var, shlex.quote(str(ready[key]))))
    else:
        print('unset %s' % var)
PY
)"
}
