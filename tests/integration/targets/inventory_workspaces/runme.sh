#!/usr/bin/env bash
# Integration tests of the mage_ai.pro.workspaces inventory plugin: ansible-inventory --list/--graph and a playbook
# against the Mage API simulator, over real HTTP.
# No `set -x`: it would print the simulator's token into the log.
set -eu
source ../setup_mage_sim/sim.sh
PY=$SIM_PYTHON

work=$(mktemp -d)
trap 'stop_sims; rm -rf "$work"' EXIT
marker=$work/pwned
# Workspaces whose name and config carry templates that would create $marker-* if Ansible ever evaluated them.
sed "s|@MARKER@|$marker|g" files/seed.json >"$work/seed.json"
start_sim main --seed-file "$work/seed.json"

# A source the plugin cannot parse fails the command, instead of a warning and an empty inventory.
export ANSIBLE_INVENTORY_UNPARSED_FAILED=true ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true
export ANSIBLE_INVENTORY_ENABLED=mage_ai.pro.workspaces
export ANSIBLE_INVENTORY_CACHE_CONNECTION=$work/cache

sim() {
  # sim clear | count | seed JSON: the simulator's request log and seeding
  "$PY" - "$SIM_ADMIN" "$@" <<'PY'
import json
import sys
import urllib.request

admin, what = sys.argv[1], sys.argv[2]
if what == 'clear':
    urllib.request.urlopen(urllib.request.Request(admin + '/requests', method='DELETE'))
elif what == 'count':
    print(len(json.load(urllib.request.urlopen(admin + '/requests'))['requests']))
elif what == 'seed':
    request = urllib.request.Request(admin + '/seed', data=sys.argv[3].encode(), method='POST',
                                     headers={'Content-Type': 'application/json'})
    urllib.request.urlopen(request)
PY
}

fail() {
  echo "FAILED: $*" >&2
  exit 1
}

inventory_list() {
  # inventory_list SCENARIO SOURCE [ARGS...]: ansible-inventory --list, checked by files/check_inventory.py
  local scenario=$1 source=$2
  shift 2
  ansible-inventory -i "$source" --list "$@" >"$work/list.json" || fail "ansible-inventory --list -i $source"
  "$PY" files/check_inventory.py "$scenario" "$marker" <"$work/list.json"
}

expect_requests() {
  local got
  got=$(sim count)
  [ "$got" = "$1" ] || fail "$2: expected $1 API requests, the simulator saw $got"
}

# -- list, graph, keyed groups, compose, unsafe values ---------------------------------------------------------
sim clear
inventory_list basic inventory/basic.mage.yml
expect_requests 1 "one list call per inventory run"

ansible-inventory -i inventory/basic.mage.yml --graph >"$work/graph.txt" || fail "ansible-inventory --graph"
for line in '@state_running:' '@state_stopped:' '@cluster_k8s:' '@cluster_ecs:' '@status_PENDING:' '@exposed:' '|--dev-alice' '|--dev-bob'; do
  grep -qF -- "$line" "$work/graph.txt" || { cat "$work/graph.txt"; fail "--graph does not show $line"; }
done

# Host variables through a play, including the workspace named like a template.
ansible-playbook -i inventory/basic.mage.yml hostvars.yml -e "marker=$marker" "$@"

# Nothing Mage sent was ever evaluated.
if ls "$marker"* >/dev/null 2>&1; then
  fail "a template taken from the API was evaluated: $(ls "$marker"*)"
fi

# -- filters -------------------------------------------------------------------------------------------------------
inventory_list filtered inventory/filtered.mage.yml
inventory_list status inventory/status.mage.yaml

# -- strict ----------------------------------------------------------------------------------------------------
inventory_list lenient inventory/lenient.mage.yml
if ansible-inventory -i inventory/strict.mage.yml --list >"$work/strict.out" 2>&1; then
  fail "strict=true accepted a compose expression that cannot be evaluated"
fi
grep -q 'no_such_key' "$work/strict.out" || { cat "$work/strict.out"; fail "the strict error does not name the expression"; }

# -- only *.mage.yml files ---------------------------------------------------------------------------------------
sim clear
if ansible-inventory -i inventory/ignored.yml --list >/dev/null 2>&1; then
  fail "the plugin took a file not named *.mage.yml"
fi
expect_requests 0 "a file not named *.mage.yml"

# -- connection options from the file and from (extra) vars -------------------------------------------------------
cat >"$work/conn.mage.yml" <<YAML
plugin: mage_ai.pro.workspaces
url: $MAGE_URL
oauth_token: $MAGE_OAUTH_TOKEN
YAML
(unset MAGE_URL MAGE_OAUTH_TOKEN && ansible-inventory -i "$work/conn.mage.yml" --list >"$work/conn.json") || fail "options from the file"
grep -q '"dev-alice"' "$work/conn.json" || fail "options from the file: no dev-alice"
url=$MAGE_URL token=$MAGE_OAUTH_TOKEN
(unset MAGE_URL MAGE_OAUTH_TOKEN && ansible-inventory -i inventory/filtered.mage.yml --list \
  -e "mage_url=$url" -e "mage_oauth_token=$token" >"$work/vars.json") || fail "options from vars"
"$PY" files/check_inventory.py filtered <"$work/vars.json"
if (unset MAGE_OAUTH_TOKEN && ansible-inventory -i inventory/filtered.mage.yml --list >"$work/nocred.out" 2>&1); then
  fail "no credentials was accepted"
fi
grep -q 'no credentials' "$work/nocred.out" || { cat "$work/nocred.out"; fail "no clear message without credentials"; }
if (unset MAGE_OAUTH_TOKEN && ansible-inventory -i inventory/filtered.mage.yml --list -e mage_oauth_token=not-a-token >"$work/badtoken.out" 2>&1); then
  fail "a bad token was accepted"
fi
grep -q 'authentication failed' "$work/badtoken.out" || { cat "$work/badtoken.out"; fail "no clear message for a bad token"; }

# -- cache -------------------------------------------------------------------------------------------------------
sim clear
inventory_list cached inventory/cached.mage.yml
expect_requests 1 "the first cached run reads Mage"
ls "$work/cache"/* >/dev/null 2>&1 || fail "the cache was not written"
if grep -rqF -e s3cr3t -e "$MAGE_OAUTH_TOKEN" "$work/cache"; then
  fail "the inventory cache holds an env value or the token"
fi
sim clear
inventory_list cached inventory/cached.mage.yml
expect_requests 0 "a cache hit"
# Mage changes; the cache still answers until it is flushed.
sim seed '{"workspaces": [{"name": "dev-bob", "status": "RUNNING", "ingress_name": "mage-ingress"}]}'
sim clear
inventory_list cached inventory/cached.mage.yml
expect_requests 0 "a second cache hit"
if ansible-inventory --help | grep -q -e '--flush-cache'; then
  inventory_list cached_after_change inventory/cached.mage.yml --flush-cache
else
  # ansible-core before 2.17 has no ansible-inventory --flush-cache: an empty cache folder is a miss.
  rm -rf "$work/cache"
  inventory_list cached_after_change inventory/cached.mage.yml
fi
expect_requests 1 "a flushed cache reads Mage again"

echo "inventory_workspaces: all checks passed"
