# Shared by tools/checks.sh and tools/dev.sh (sourced, not run).

# stage_collection ROOT DEST: copy the collection's files (tracked, and untracked but not ignored) to DEST, which
# must be a real .../ansible_collections/mage_ai/pro path outside the git checkout: ansible-test rejects symlinks,
# and inside the checkout it would ask git for the file list.
stage_collection() {
  local root=$1 dest=$2
  rm -rf "$dest" && mkdir -p "$dest" || return 1
  (cd "$root" && git ls-files -co --exclude-standard -z | while IFS= read -r -d '' f; do
    if [ -e "$f" ]; then mkdir -p "$dest/$(dirname "$f")" && cp -p "$f" "$dest/$f"; fi
  done)
}

# python_bin DIR: fill DIR with links to the real python3.X interpreters that pyenv has (its shims exit 127 for
# versions that are not selected, which ansible-test would take for broken interpreters), and print DIR.
python_bin() {
  local dir=$1 exe
  rm -rf "$dir" && mkdir -p "$dir"
  for exe in "$HOME"/.pyenv/versions/3.*/bin/python3.[0-9]*; do
    case $exe in *-config|*-gdb.py|*m) continue ;; esac
    if [ -x "$exe" ]; then ln -sf "$exe" "$dir/$(basename "$exe")"; fi
  done
  echo "$dir"
}

# ansible_test_pip_standin ROOT: ansible-test bootstraps pip with a get-pip script downloaded from a host these
# machines cannot reach, unless a cached copy exists: put the stand-in there for each pip version it asks for.
ansible_test_pip_standin() {
  local root=$1 cache=$HOME/.ansible/test/cache ver
  mkdir -p "$cache"
  for ver in 23_1_2 24_2 25_2; do
    # never replace a real get-pip script someone put there
    if [ ! -e "$cache/get_pip_$ver.py" ] || grep -q 'Stand-in for ansible-test' "$cache/get_pip_$ver.py"; then
      cp "$root/tools/get_pip_standin.py" "$cache/get_pip_$ver.py"
    fi
  done
}
