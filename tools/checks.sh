#!/usr/bin/env bash
# Runs every check of `make test`, one line each, and closes with "N passed, N failed".
# A line that cannot run (a missing interpreter, a tool that fails to install) fails; nothing is skipped.
# Usage: tools/checks.sh [LINE_PATTERN]   (an extended regex on line names; default: all lines)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
only=${1:-}
logs=$root/build/logs
# The staged copies live outside the repository: inside it, ansible-test would ask git for the file list, and
# git ignores build/.
stage_root=${MAGE_STAGE_DIR:-${TMPDIR:-/tmp}/mage_ai.pro-stage-$(echo "$root" | cksum | cut -d' ' -f1)}
mkdir -p "$logs"
passed=0
failed=0
failed_names=()

. "$root/tools/lib.sh"
ansible_test_pip_standin "$root"
PATH=$(python_bin "$root/build/pybin"):$PATH
export PATH
export ANSIBLE_NOCOLOR=1 PY_COLORS=0 ANSIBLE_FORCE_COLOR=0

run() {
  # run NAME COMMAND...: one line of the report
  local name=$1; shift
  if [ -n "$only" ] && ! [[ $name =~ $only ]]; then return 0; fi
  local log=$logs/$(echo "$name" | tr ' /:' '___').log
  local start=$SECONDS
  echo "RUN  $name"
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1))
    echo "PASS $name ($((SECONDS - start))s)"
  else
    failed=$((failed + 1))
    failed_names+=("$name")
    echo "FAIL $name ($((SECONDS - start))s), last lines of $log:"
    tail -n 40 "$log" | sed 's/^/    /'
  fi
}

stage() {
  stage_collection "$root" "$stage_root/$1/ansible_collections/mage_ai/pro"
}

in_stage() {
  # in_stage CORE VENV COMMAND...: run a command inside the staged collection with that venv first on PATH
  local core=$1 venv=$2; shift 2
  local dest=$stage_root/$core/ansible_collections/mage_ai/pro
  (cd "$dest" && PATH=$venv/bin:$PATH ANSIBLE_COLLECTIONS_PATH=$stage_root/$core "$@")
}

build_and_import() {
  local core=$1 venv=$2
  local dest=$stage_root/$core/ansible_collections/mage_ai/pro
  local out=$stage_root/$core/dist
  rm -rf "$out" && mkdir -p "$out"
  in_stage "$core" "$venv" ansible-galaxy collection build --force --output-path "$out" . || return 1
  local tarball
  tarball=$(ls "$out"/mage_ai-pro-*.tar.gz) || return 1
  # galaxy-importer only warns about lint findings; its own errors fail the import. It silently skips the docs
  # and lint steps when ansible-doc or ansible-lint are not on PATH: that counts as a failure here.
  (cd "$out" && PATH=$venv/bin:$PATH "$venv/bin/python" -m galaxy_importer.main "$tarball") >"$out/import.log" 2>&1
  local rc=$?
  cat "$out/import.log"
  [ "$rc" -eq 0 ] || return 1
  if grep -E 'not found, skipping|ERROR' "$out/import.log"; then echo "galaxy-importer skipped a step or reported an error"; return 1; fi
  # the built tarball installs and its module documentation loads from the installed copy
  rm -rf "$out/installed"
  "$venv/bin/ansible-galaxy" collection install -p "$out/installed" "$tarball" || return 1
  ANSIBLE_COLLECTIONS_PATH=$out/installed "$venv/bin/ansible-doc" -l mage_ai.pro | grep -q mage_workspace
}

introspect() {
  # ansible-builder reads the folder that holds ansible_collections; the collection's Python deps must show.
  local out
  out=$("$2/bin/ansible-builder" introspect --sanitize "$stage_root/$1") || return 1
  echo "$out"
  echo "$out" | grep -q 'requests>=' || { echo "introspect did not find the collection's requirements"; return 1; }
}

lint_docs() {
  in_stage "$1" "$2" antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs=all .
}

for_core() {
  # for_core CORE VENV PYTHON FULL
  local core=$1 venv=$2 py=$3 full=$4
  if ! [ -x "$venv/bin/ansible-test" ]; then
    run "ansible-core $core: environment" false "missing $venv (make venvs)"
    return
  fi
  run "ansible-core $core: stage" stage "$core"
  run "ansible-core $core: sanity" in_stage "$core" "$venv" ansible-test sanity --venv --color no
  run "ansible-core $core: units" in_stage "$core" "$venv" ansible-test units --venv --requirements --python "$py" --color no
  [ "$full" = full ] || return
  run "ansible-core $core: integration" in_stage "$core" "$venv" ansible-test integration --venv --requirements --python "$py" --color no
  run "ansible-core $core: ansible-lint" in_stage "$core" "$venv" ansible-lint --profile production --offline
  run "ansible-core $core: antsibull-docs lint" lint_docs "$core" "$venv"
  run "ansible-core $core: antsibull-changelog lint" in_stage "$core" "$venv" antsibull-changelog lint
  run "ansible-core $core: build + galaxy-importer" build_and_import "$core" "$venv"
  run "ansible-core $core: ansible-builder introspect" introspect "$core" "$venv"
}

run "simulator tests (pytest)" "$root/.venv/bin/python" -m pytest -q -p no:cacheprovider tests/simulator
for_core 2.19 "$root/.venv" 3.11 full
for_core 2.21 "$root/.venv-2.21" 3.12 full
for_core 2.16 "$root/.venv-2.16" 3.11 short

echo
if [ "$failed" -gt 0 ]; then
  echo "Failed lines:"
  printf '  %s\n' "${failed_names[@]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
