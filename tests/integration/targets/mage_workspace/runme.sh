#!/usr/bin/env bash
# Integration tests of mage_workspace against the Mage API simulator, over real HTTP (and HTTPS).
# No `set -x`: it would print the simulator's token into the log.
set -eu
source ../setup_mage_sim/sim.sh

start_sim main --seed-file files/seed.json --stop-delay 0.3 --start-delay 0.6 --patch-delay 0.3

ansible-playbook states.yml "$@"
ansible-playbook errors.yml "$@"
ansible-playbook retries.yml "$@"

# The whole -vvvv output holds neither the token, the API key, nor any env value.
out=$(mktemp)
ansible-playbook leak.yml -vvvv >"$out" 2>&1 || { cat "$out"; exit 1; }
for secret in "$MAGE_OAUTH_TOKEN" zkWlN0PkIKSN0C11CfUHUj84OT5XOJ6tDZ6bDRO2 s3cr3t-env-value; do
  if grep -q -- "$secret" "$out"; then
    echo "LEAK: the -vvvv output contains a secret (${#secret} characters, starting ${secret:0:4})" >&2
    grep -n -- "$secret" "$out" | sed "s/$secret/<SECRET>/g" | head -5 >&2
    exit 1
  fi
done
grep -q 'DB_PASSWORD' "$out" || { echo "the -vvvv output does not even show env names: the leak check saw nothing" >&2; exit 1; }
rm -f "$out"

start_sim tls --tls --seed-file files/seed.json --stop-delay 0.3
ansible-playbook tls.yml "$@"
