#!/usr/bin/env bash
# The developer loop, in seconds, on the default toolchain (ansible-core 2.19, .venv):
#   tools/dev.sh units [PYTEST ARGS]        unit tests (e.g. tests/unit/plugins/module_utils/test_workspace.py -k merge)
#   tools/dev.sh sanity [--test NAME]       ansible-test sanity on a staged copy (e.g. --test pep8)
#   tools/dev.sh integration [TARGET]       ansible-test integration (e.g. mage_workspace)
#   tools/dev.sh playbook PLAYBOOK [ARGS]   ansible-playbook with the collection on its path (MAGE_URL etc. from `make sim`)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
venv=$root/.venv
[ -x "$venv/bin/ansible-test" ] || { echo "run 'make venvs' (or make test) first" >&2; exit 2; }
cmd=${1:-}
shift || true
link=$root/build/dev-collections
mkdir -p "$link/ansible_collections/mage_ai"
ln -sfn "$root" "$link/ansible_collections/mage_ai/pro"
case $cmd in
  units)
    cd "$root/tests/unit"
    PYTHONPATH=$link exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "${@:-.}"
    ;;
  sanity|integration)
    # ansible-test needs a real (not symlinked) ansible_collections/mage_ai/pro path outside this git checkout.
    MAGE_STAGE_DIR=${MAGE_STAGE_DIR:-${TMPDIR:-/tmp}/mage_ai.pro-dev-$(id -u)}
    dest=$MAGE_STAGE_DIR/dev/ansible_collections/mage_ai/pro
    . "$root/tools/lib.sh"
    stage_collection "$root" "$dest"
    ansible_test_pip_standin "$root"
    PATH=$(python_bin "$root/build/pybin"):$PATH
    cd "$dest"
    extra=()
    [ "$cmd" = integration ] && extra=(--requirements --python 3.11)
    PATH=$venv/bin:$PATH exec ansible-test "$cmd" --venv --color no "${extra[@]}" "$@"
    ;;
  playbook)
    ANSIBLE_COLLECTIONS_PATH=$link exec "$venv/bin/ansible-playbook" "$@"
    ;;
  *)
    sed -n '2,7p' "$0"
    exit 2
    ;;
esac
