# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""make bench: the same rollout (patch a new image tag + wait until running) three ways, against the simulator.

(a) the hand-written way: an ansible.builtin.uri PUT per workspace, then a uri GET with `until` per workspace;
(b) inventory hosts (one per workspace) with the mage_ai.pro.rollout playbook, serial 25%, forks = batch size;
(c) the mage_ai.pro.workspace_rollout role in bulk mode, batches of 25%.

For N workspaces and a transition time D, the physical limit is batches x D (4 x D for batches of 25%). Each way
runs twice: the first run patches, the second finds nothing to do. Prints wall time, controller CPU time (of
ansible-playbook and everything it started) and the HTTP requests the simulator received, each as a ratio to the
limit and to (a); writes docs/benchmark.md and docs/benchmark.png. A way whose rollout is short (under --repeat-under
seconds) is run --repeat times on a fresh simulator each time, and the run with the median wall time is reported.
The ways run fastest first, and each run's stolen CPU time (hypervisor steal) is reported with it.
"""

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'simulator'))

from mage_sim.fixture import start_simulator  # noqa: E402 pylint: disable=wrong-import-position,import-error

NEW_TAG = '2026.07.01'
BATCH_PERCENT = 25

HAND_WRITTEN = """---
- name: The hand-written rollout, as a user would copy it from Mage's docs
  hosts: localhost
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
    workspaces: "{{ lookup('ansible.builtin.file', 'names.json') | from_json }}"
    mage_headers:
      OAUTH-TOKEN: "{{ lookup('ansible.builtin.env', 'MAGE_OAUTH_TOKEN') }}"
      X-API-KEY: zkWlN0PkIKSN0C11CfUHUj84OT5XOJ6tDZ6bDRO2
  tasks:
    - name: Patch each workspace
      ansible.builtin.uri:
        url: "{{ lookup('ansible.builtin.env', 'MAGE_URL') }}/api/workspaces/{{ item }}"
        method: PUT
        headers: "{{ mage_headers }}"
        body_format: json
        body: {workspace: {action: patch, container_config: "image_tag: '%(tag)s'\\n"}}
      loop: "{{ workspaces }}"
    - name: Wait until each workspace runs
      ansible.builtin.uri:
        url: "{{ lookup('ansible.builtin.env', 'MAGE_URL') }}/api/workspaces/{{ item }}"
        headers: "{{ mage_headers }}"
        return_content: true
      register: mage_ws
      until: mage_ws.json.workspace.instance.status == 'RUNNING'
      retries: 200
      delay: %(poll)s
      loop: "{{ workspaces }}"
"""

ROLE = """---
- name: The rollout role in bulk mode
  hosts: localhost
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  tasks:
    - name: Roll out
      ansible.builtin.include_role:
        name: mage_ai.pro.workspace_rollout
      vars:
        workspace_rollout_names: "{{ lookup('ansible.builtin.file', 'names.json') | from_json }}"
        workspace_rollout_container_config: {image_tag: "%(tag)s"}
        workspace_rollout_canary_size: 0
        workspace_rollout_batch_size: "%(percent)d%%"
        workspace_rollout_concurrency: %(concurrency)d
        workspace_rollout_health_check: false
        workspace_rollout_wait_sleep: %(poll)s
"""


def stolen_seconds():
    """CPU time the hypervisor gave to others while this VM wanted it (the steal column of /proc/stat), all CPUs."""
    try:
        with open('/proc/stat', encoding='utf-8') as handle:
            fields = handle.readline().split()
        return int(fields[8]) / os.sysconf('SC_CLK_TCK')
    except (OSError, IndexError, ValueError):
        return 0.0


def run_playbook(args, cwd, env):
    """Run ansible-playbook; return (wall seconds, CPU seconds of it and all it started, stolen CPU seconds, exit code,
    output)."""
    start = time.monotonic()
    stolen = stolen_seconds()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)  # pylint: disable=consider-using-with
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - start
        stolen = stolen_seconds() - stolen
        out.seek(0)
        output = out.read().decode('utf-8', 'replace')
    return wall, usage.ru_utime + usage.ru_stime, stolen, os.waitstatus_to_exitcode(status), output


def count_requests(sim):
    log = sim.admin.requests()
    sim.admin.clear_requests()
    return len(log), sum(1 for r in log if r['method'] == 'PUT')


def median_rows(runs):
    """One row per run kind ('rollout', 're-run'): the run with the median wall time, with every run's wall time."""
    rows = []
    for kind in ('rollout', 're-run'):
        same = sorted((r for r in runs if r['run'] == kind), key=lambda r: r['wall'])
        if same:
            row = dict(same[(len(same) - 1) // 2], walls=[r['wall'] for r in runs if r['run'] == kind])
            rows.append(row)
    return rows


def bench_size(n, delay, way, venv_bin, collections, work, repeat=3, repeat_under=30.0):
    """Run one way at one size (repeated when short); return its median rows."""
    batch = max(1, n * BATCH_PERCENT // 100)  # as serial rounds a percentage: down, at least 1
    batches = math.ceil(n / batch)
    poll = round(delay / 8, 3)
    names = ['ws-%04d' % i for i in range(1, n + 1)]
    with open(os.path.join(work, 'names.json'), 'w', encoding='utf-8') as handle:
        json.dump(names, handle)
    with open(os.path.join(work, 'inventory.ini'), 'w', encoding='utf-8') as handle:
        handle.write('[fleet]\n' + '\n'.join(names) + '\n[fleet:vars]\nansible_connection=local\n')
    with open(os.path.join(work, 'hand_written.yml'), 'w', encoding='utf-8') as handle:
        handle.write(HAND_WRITTEN % {'tag': NEW_TAG, 'poll': poll})
    with open(os.path.join(work, 'role.yml'), 'w', encoding='utf-8') as handle:
        handle.write(ROLE % {'tag': NEW_TAG, 'percent': BATCH_PERCENT, 'concurrency': batch, 'poll': poll})
    playbook = os.path.join(venv_bin, 'ansible-playbook')
    commands = {
        'a': [playbook, 'hand_written.yml'],
        'b': [playbook, 'mage_ai.pro.rollout', '-i', 'inventory.ini', '-f', str(batch),
              '-e', json.dumps({'mage_rollout_serial': ['%d%%' % BATCH_PERCENT], 'mage_rollout_health_check': False,
                                'mage_rollout_container_config': {'image_tag': NEW_TAG}, 'mage_rollout_wait_sleep': poll})],
        'c': [playbook, 'role.yml'],
    }
    runs = []
    for attempt in range(1, max(1, repeat) + 1):
        # A fresh simulator for each attempt: every rollout starts from the same fleet.
        with start_simulator(workspaces=n, mix='k8s-running', patch_delay=delay, start_delay=delay, stop_delay=delay) as sim:
            env = dict(os.environ, MAGE_URL=sim.url, MAGE_OAUTH_TOKEN=sim.token, ANSIBLE_COLLECTIONS_PATH=collections,
                       ANSIBLE_NOCOLOR='1', ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false')
            for run in ('rollout', 're-run'):
                wall, cpu, steal, code, output = run_playbook(commands[way], work, env)
                if code != 0:
                    sys.stderr.write(output[-3000:])
                    raise SystemExit('way (%s) failed at N=%d (%s)' % (way, n, run))
                requests_total, puts = count_requests(sim)
                row = dict(n=n, delay=delay, way=way, run=run, wall=wall, cpu=cpu, steal=steal, requests=requests_total,
                           puts=puts, batches=batches, limit=batches * delay)
                runs.append(row)
                print('N=%-5d (%s) %-7s run %d  wall %7.1fs  cpu %7.1fs  stolen %5.1fs  requests %6d  PUTs %5d  wall/limit %5.2f'
                      % (n, way, run, attempt, wall, cpu, steal, requests_total, puts, wall / row['limit']), flush=True)
        # Long runs vary little against their length: only the short ones are repeated.
        if runs[0]['wall'] >= repeat_under:
            break
    return median_rows(runs)


def machine():
    model = ''
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as handle:
            model = next((line.split(':', 1)[1].strip() for line in handle if line.startswith('model name')), '')
    except OSError:
        pass
    import ansible  # pylint: disable=import-outside-toplevel
    return '%d cores (%s), %d GiB, %s, Python %s, ansible-core %s' % (
        os.cpu_count(), model or platform.processor(),
        os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') // (1 << 30), platform.platform(), platform.python_version(),
        ansible.__version__)


def extrapolations(rows, slow_max):
    """Lines that say what the slow ways would have taken at the sizes where they were not run (linear in N: both
    handle the workspaces one after the other)."""
    notes = []
    sizes = sorted(set(r['n'] for r in rows))
    for n in [size for size in sizes if size > slow_max]:
        for way in ('a', 'b'):
            known = [r for r in rows if r['way'] == way and r['run'] == 'rollout' and r['n'] <= slow_max]
            ours = next((r for r in rows if r['way'] == 'c' and r['run'] == 'rollout' and r['n'] == n), None)
            if not known or not ours:
                continue
            base = max(known, key=lambda r: r['n'])
            wall = base['wall'] * n / base['n']
            notes.append('(%s) at N=%d was not run (above --slow-max %d); from its N=%d figure it would take about %.0fs, '
                         '%.0fx the limit and %.0fx (c).' % (way, n, slow_max, base['n'], wall, wall / ours['limit'], wall / ours['wall']))
    return notes


def write_report(rows, delay, path_md, path_png, notes=(), repeat=3, repeat_under=30.0):
    names = {'a': '(a) uri PUT + uri until', 'b': '(b) hosts + rollout playbook', 'c': '(c) workspace_rollout role, bulk'}
    base = {(r['n'], r['run']): r for r in rows if r['way'] == 'a'}
    lines = ['# Benchmark: one rollout three ways', '',
             'Generated by `make bench` (tools/bench.py) on %s, %s.' % (time.strftime('%Y-%m-%d'), machine()), '',
             'The same rollout: patch `image_tag` on N workspaces and wait until each runs again, against the Mage API',
             'simulator with a transition time D = %gs. The limit is batches x D (batches of %d%%: 4 x D); (a) has no'
             % (delay, BATCH_PERCENT),
             'batches but is held to the same limit. Polls every D/8 in every way. CPU is the controller CPU time of',
             'ansible-playbook and all it started. "re-run" is the same command again, when nothing is left to do.',
             'A way whose rollout takes under %gs is run %d times, each on a fresh simulator; the row is the run with'
             % (repeat_under, repeat),
             'the median wall time, and "runs" lists every run\'s wall time.', '',
             'The ways run fastest first ((c), then (b), then (a)): after minutes of full load this VM\'s hypervisor takes',
             'CPU away, shown as "stolen s" (CPU seconds the VM wanted and did not get during the run).', '',
             '| N | way | run | wall s | CPU s | stolen s | requests | PUTs | wall / limit | wall / (a) | CPU / (a) | requests / (a) | runs (wall s) |',
             '|---|---|---|---|---|---|---|---|---|---|---|---|---|']
    for r in rows:
        a = base.get((r['n'], r['run']))
        ratios = ['%.2f' % (r[key] / a[key]) if a and a[key] else '-' for key in ('wall', 'cpu', 'requests')]
        lines.append('| %d | %s | %s | %.1f | %.1f | %.1f | %d | %d | %.2f | %s | %s | %s | %s |' % (
            r['n'], names[r['way']], r['run'], r['wall'], r['cpu'], r['steal'], r['requests'], r['puts'], r['wall'] / r['limit'], *ratios,
            ', '.join('%.1f' % wall for wall in r.get('walls', [r['wall']]))))
    lines += [''] + ['- %s' % note for note in notes] + ['', '![wall time per way](benchmark.png)', '']
    with open(path_md, 'w', encoding='utf-8') as handle:
        handle.write('\n'.join(lines))
    try:
        import matplotlib  # pylint: disable=import-outside-toplevel
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel
    except ImportError:
        print('matplotlib is not installed: no plot (pip install -r requirements/bench.txt)')
        return
    sizes = sorted(set(r['n'] for r in rows))
    ways = sorted(set(r['way'] for r in rows))
    fig, ax = plt.subplots(figsize=(8, 4.5))
    width = 0.8 / (len(ways) + 1)
    for i, way in enumerate(ways):
        values = [next((r['wall'] for r in rows if r['n'] == n and r['way'] == way and r['run'] == 'rollout'), 0) for n in sizes]
        ax.bar([x + i * width for x in range(len(sizes))], values, width, label=names[way])
    limits = [next(r['limit'] for r in rows if r['n'] == n) for n in sizes]
    ax.bar([x + len(ways) * width for x in range(len(sizes))], limits, width, label='limit (batches x D)', color='grey')
    ax.set_xticks([x + width * len(ways) / 2 for x in range(len(sizes))])
    ax.set_xticklabels(['N=%d' % n for n in sizes])
    ax.set_ylabel('wall time (s), log scale')
    ax.set_yscale('log')
    ax.set_title('Rollout wall time, D=%gs' % delay)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path_png, dpi=100)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--sizes', default='50,200,1000')
    parser.add_argument('--delay', type=float, default=2.0)
    parser.add_argument('--ways', default='a,b,c')
    parser.add_argument('--slow-max', type=int, default=200,
                        help='largest N for the slow ways (a) and (b); above it they are extrapolated, not run')
    parser.add_argument('--repeat', type=int, default=3, help='runs of a way whose first rollout is short; the median is kept')
    parser.add_argument('--repeat-under', type=float, default=30.0, help='a rollout shorter than this many seconds is repeated')
    parser.add_argument('--output', default=os.path.join(ROOT, 'docs'))
    args = parser.parse_args()
    venv_bin = os.path.dirname(sys.executable)
    rows = []
    with tempfile.TemporaryDirectory() as work:
        collections = os.path.join(work, 'collections')
        os.makedirs(os.path.join(collections, 'ansible_collections', 'mage_ai'))
        os.symlink(ROOT, os.path.join(collections, 'ansible_collections', 'mage_ai', 'pro'))
        sizes = [int(size) for size in args.sizes.split(',')]
        # The fastest way first: minutes of full load make this kind of VM take CPU away (the "stolen" column),
        # and the short runs of (c) would otherwise be measured in what the long runs of (a) and (b) leave.
        for way in sorted(args.ways.split(','), reverse=True):
            for n in [size for size in sizes if way == 'c' or size <= args.slow_max]:
                rows += bench_size(n, args.delay, way, venv_bin, collections, work, args.repeat, args.repeat_under)
        rows.sort(key=lambda r: (r['n'], r['way'], r['run'] != 'rollout'))
    notes = extrapolations(rows, args.slow_max)
    for note in notes:
        print(note)
    write_report(rows, args.delay, os.path.join(args.output, 'benchmark.md'), os.path.join(args.output, 'benchmark.png'), notes,
                 args.repeat, args.repeat_under)
    print('wrote %s and %s' % (os.path.join(args.output, 'benchmark.md'), os.path.join(args.output, 'benchmark.png')))


if __name__ == '__main__':
    main()
