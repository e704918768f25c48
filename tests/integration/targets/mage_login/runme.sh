#!/usr/bin/env bash
# Logging in with a user name and password (POST /api/sessions) instead of a token, for a module and for the
# inventory plugin, against the Mage API simulator; then a -vvvv run that must show neither password nor token.
# No `set -x`: it would print the password and the tokens into the log.
set -eu
source ../setup_mage_sim/sim.sh
PY=$SIM_PYTHON

export MAGE_TEST_OWNER_PASSWORD='pw-Owner-9f3a7c51e2'
export MAGE_TEST_VIEWER_PASSWORD='pw-Viewer-4b8d2e60f1'
export MAGE_TEST_WRONG_PASSWORD='pw-Wrong-7e1c9a3d55'
start_sim main --seed-file files/seed.json --stop-delay 0.3 \
  --owner-username mage-admin --owner-email admin@example.com --owner-password "$MAGE_TEST_OWNER_PASSWORD" \
  --viewer-username mage-viewer --viewer-password "$MAGE_TEST_VIEWER_PASSWORD"
# The static token must not be what makes anything work here.
static_token=$MAGE_OAUTH_TOKEN
unset MAGE_OAUTH_TOKEN

work=$(mktemp -d)
trap 'stop_sims; rm -rf "$work"' EXIT

inventory() {
  # ansible-inventory that fails when the plugin cannot parse its source (instead of a warning and no hosts)
  ANSIBLE_INVENTORY_UNPARSED_FAILED=true ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true \
    ANSIBLE_INVENTORY_ENABLED=mage_ai.pro.workspaces ansible-inventory "$@"
}

fail() {
  echo "FAILED: $*" >&2
  exit 1
}

requests() {
  # requests clear | summary: the simulator's request log, one "METHOD PATH" a line
  "$PY" - "$SIM_ADMIN" "$1" <<'PY'
import json
import sys
import urllib.request

admin, what = sys.argv[1], sys.argv[2]
if what == 'clear':
    urllib.request.urlopen(urllib.request.Request(admin + '/requests', method='DELETE'))
else:
    for entry in json.load(urllib.request.urlopen(admin + '/requests'))['requests']:
        print(entry['method'], entry['path'], entry['status'])
PY
}

# -- modules -----------------------------------------------------------------------------------------------------
ansible-playbook login.yml "$@"

# -- the inventory plugin ------------------------------------------------------------------------------------------
requests clear
MAGE_USERNAME=mage-admin MAGE_PASSWORD=$MAGE_TEST_OWNER_PASSWORD \
  inventory -i inventory/login.mage.yml --list >"$work/list.json" || fail "the plugin did not log in"
grep -q '"dev-alice"' "$work/list.json" || fail "the plugin's inventory has no dev-alice"
requests summary >"$work/requests.txt"
[ "$(cat "$work/requests.txt")" = "POST /api/sessions 200
GET /api/workspaces 200" ] || { cat "$work/requests.txt"; fail "the plugin should log in once, then list once"; }

# Logging in by email, with the password from extra vars.
MAGE_USERNAME=admin@example.com inventory -i inventory/login.mage.yml --list \
  -e "mage_password=$MAGE_TEST_OWNER_PASSWORD" >"$work/list.json" || fail "the plugin did not log in by email"
grep -q '"dev-alice"' "$work/list.json" || fail "login by email: no dev-alice"

if MAGE_USERNAME=mage-admin MAGE_PASSWORD=$MAGE_TEST_WRONG_PASSWORD \
  inventory -i inventory/login.mage.yml --list >"$work/wrong.out" 2>&1; then
  fail "a wrong password was accepted by the plugin"
fi
grep -q "Login as 'mage-admin' failed" "$work/wrong.out" || { cat "$work/wrong.out"; fail "no clear login failure from the plugin"; }
if grep -q -e "$MAGE_TEST_WRONG_PASSWORD" -e "$MAGE_TEST_OWNER_PASSWORD" "$work/wrong.out"; then
  fail "the plugin's login failure shows a password"
fi
if MAGE_USERNAME=mage-admin inventory -i inventory/login.mage.yml --list >"$work/nopw.out" 2>&1; then
  fail "a username without a password was accepted by the plugin"
fi
grep -q 'username needs password' "$work/nopw.out" || { cat "$work/nopw.out"; fail "no clear message without a password"; }

# -- nothing secret at -vvvv ----------------------------------------------------------------------------------------
out=$work/vvvv.txt
ansible-playbook leak.yml -vvvv >"$out" 2>&1 || { cat "$out"; fail "leak.yml failed"; }
MAGE_USERNAME=mage-admin MAGE_PASSWORD=$MAGE_TEST_OWNER_PASSWORD \
  inventory -i inventory/login.mage.yml --list -vvvv >>"$out" 2>&1 || fail "ansible-inventory -vvvv"
MAGE_USERNAME=mage-admin MAGE_PASSWORD=$MAGE_TEST_WRONG_PASSWORD \
  inventory -i inventory/login.mage.yml --list -vvvv >>"$out" 2>&1 || true
grep -q "Login as 'mage-admin' failed" "$out" || fail "the -vvvv output does not even show the login failures: the leak check saw nothing"
for secret in "$MAGE_TEST_OWNER_PASSWORD" "$MAGE_TEST_VIEWER_PASSWORD" "$MAGE_TEST_WRONG_PASSWORD" "$static_token" s3cr3t-env-value zkWlN0PkIKSN0C11CfUHUj84OT5XOJ6tDZ6bDRO2; do
  if grep -q -- "$secret" "$out"; then
    echo "LEAK: the -vvvv output contains a secret (${#secret} characters, starting ${secret:0:4})" >&2
    grep -n -- "$secret" "$out" | sed "s/$secret/<SECRET>/g" | head -5 >&2
    exit 1
  fi
done
# The session tokens Mage handed out are random: any token-shaped string of the output that the server accepts is one.
"$PY" files/no_live_token.py "$MAGE_URL" <"$out"

echo "mage_login: all checks passed"
