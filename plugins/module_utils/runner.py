# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One state change of one workspace: read, decide, act unless in check mode, wait, read again, report.

Each step lives in one place: reading and acting in :mod:`api`, deciding and masking in :mod:`workspace`,
the sequence and the waiting here.
"""

from __future__ import annotations

import threading
import time

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.mage_ai.pro.plugins.module_utils.api import MageAPIError, describe_exception, environ_proxies
from ansible_collections.mage_ai.pro.plugins.module_utils.workspace import (
    RUNNING,
    DecisionError,
    cluster_type_of,
    decide,
    diff_for_output,
    mask_workspace,
    normalise_lifecycle,
    parse_container_config,
    reached,
    wait_failed,
    workspace_status,
)

# Actions Mage carries out again on every call: never re-sent after an ambiguous failure.
NOT_REPEATABLE = ('add_to_ingress',)

WAIT_WORDS = {'running': 'RUNNING', 'stopped': 'STOPPED', 'url': 'reachable through the ingress (url set)'}


class WorkspaceFailure(Exception):
    """A workspace could not reach its state. ``result`` holds what is known (changed, action, workspace)."""

    def __init__(self, msg, result=None):
        super().__init__(msg)
        self.msg = msg
        self.result = result or {}


class Poller:
    """Polls with a monotonic clock every ``sleep_first`` seconds; after ``steady`` seconds of waiting the interval
    grows by half each poll, up to ``max_sleep``, so long waits do not poll a slow cluster at a fast pace."""

    def __init__(self, timeout, sleep_first=1.0, max_sleep=10.0, steady=30.0, clock=time.monotonic, sleep=time.sleep):
        self.timeout = timeout
        self.sleep_first = sleep_first
        self.max_sleep = max(max_sleep, sleep_first)
        self.steady = steady
        self.clock = clock
        self.sleep = sleep

    def until(self, read, done, failed=None, sleep_before=False):
        """Call ``read()`` until ``done(value)``; return (value, seconds waited, timed_out, failure reason).

        ``sleep_before``: sleep one interval before the first read (right after an action, Mage still shows the
        state before it, so an immediate read is wasted).
        """
        start = self.clock()
        interval = self.sleep_first
        if sleep_before:
            self.sleep(min(interval, self.timeout))
        while True:
            value = read()
            if done(value):
                return value, self.clock() - start, False, None
            reason = failed(value) if failed else None
            if reason:
                return value, self.clock() - start, False, reason
            left = self.timeout - (self.clock() - start)
            if left <= 0:
                return value, self.clock() - start, True, None
            self.sleep(min(interval, left))
            if self.clock() - start >= self.steady:
                interval = min(interval * 1.5, self.max_sleep)


class SharedList:
    """Lets the workspaces of a bulk run that are waiting share one list request per poll interval.

    Polling 250 workspaces one by one every 2 seconds is 125 requests a second; the list call is one. Mage's list
    only shows workspaces with a live instance (and a server may ignore the namespace filter), so a workspace
    missing from it, or a failed list call, falls back to the detail call. Decisions never use the list: each
    workspace is read with the detail call before anything is sent to it.
    """

    def __init__(self, client, max_age, clock=time.monotonic):
        self.client = client
        self.max_age = max_age
        self.clock = clock
        self.lock = threading.Lock()
        self.asked = None  # when the list in hand was asked for
        self.by_name = {}

    def read(self, name, since):
        """The workspace from a list asked for after ``since`` (a clock reading taken after the caller's last
        action: an older list may show the workspace as it was before it) and at most ``max_age`` ago."""
        with self.lock:
            now = self.clock()
            if self.asked is None or self.asked < since or now - self.asked >= self.max_age:
                try:
                    listed = self.client.list_workspaces(namespaces=['__all__'])
                    self.by_name = dict((ws.get('name'), ws) for ws in listed if isinstance(ws, dict))
                except MageAPIError:
                    self.by_name = {}
                self.asked = now
            workspace = self.by_name.get(name)
        return workspace if workspace is not None else self.client.get_workspace(name)


def run_state(client, name, state, options=None, check_mode=False, want_diff=False, wait=True, poller=None,
              show_env_values=False, warn=None, seen=None, shared=None):
    """Bring workspace ``name`` to ``state``; return the result dict or raise WorkspaceFailure.

    ``options`` are the state's own settings (for ``patched``: container_config as data, mode, lifecycle_config,
    update_workspace_settings). ``seen``, a dict, receives the workspace as first read (secrets included), under
    its name: what a rollback restores. ``shared``, a :class:`SharedList`, serves the polls while waiting.
    """
    options = options or {}
    warn = warn or (lambda msg: None)
    poller = poller or Poller(600)
    result = {'name': name, 'changed': False, 'action': None, 'waited': 0.0, 'workspace': None}

    def fail(msg, **extra):
        result.update(extra)
        raise WorkspaceFailure(msg, result)

    since = [poller.clock()]

    def read(poll=False):
        try:
            return shared.read(name, since[0]) if poll and shared is not None else client.get_workspace(name)
        except MageAPIError as exc:
            return fail(exc.msg)

    workspace = read()
    if workspace is None:
        fail('Workspace %r not found on %s. Check the name (and cluster_type).' % (name, client.base_url))
    if seen is not None:
        seen[name] = workspace
    ctype = cluster_type_of(workspace, client.cluster_type)

    def decide_on(current):
        try:
            return decide(state, current, ctype, **options)
        except DecisionError as exc:
            return fail('Workspace %r cannot be brought to state %s: %s.' % (name, state, exc),
                        workspace=mask_workspace(current, show_env_values))

    decision = decide_on(workspace)
    result['changed'] = decision.changed
    result['action'] = decision.action
    if want_diff:
        result['diff'] = diff_for_output(decision, show_env_values)
    if check_mode:
        result['workspace'] = mask_workspace(workspace, show_env_values)
        return result

    if decision.action:
        workspace = _send(client, name, decision, decide_on, read, fail, warn, poller, wait)
        since[0] = poller.clock()
    already_there = not decision.action and reached(decision.wait_for, workspace)
    if wait and decision.wait_for and not already_there:
        workspace, waited, timed_out, reason = poller.until(lambda: read(poll=True), lambda ws: ws is not None and reached(decision.wait_for, ws),
                                                            lambda ws: 'it no longer exists' if ws is None else wait_failed(decision.wait_for, ws),
                                                            sleep_before=bool(decision.action))
        result['waited'] = round(waited, 1)
        masked = mask_workspace(workspace, show_env_values)
        if reason:
            fail('Workspace %r did not become %s: %s.' % (name, WAIT_WORDS[decision.wait_for], reason), workspace=masked)
        if timed_out:
            fail('Timed out after %ds waiting for workspace %r to be %s (status now %s). It may still get there; '
                 'raise wait_timeout or look at the workspace.' % (poller.timeout, name, WAIT_WORDS[decision.wait_for],
                                                                   workspace_status(workspace)), workspace=masked)
    elif decision.action or workspace is None:
        # The PUT answer shows the workspace before the action: read it again.
        workspace = read()
    if state == 'patched' and decision.action and workspace is not None:
        _check_converged(name, decision, workspace, ctype, options, warn)
    result['workspace'] = mask_workspace(workspace, show_env_values)
    return result


def _send(client, name, decision, decide_on, read, fail, warn, poller, wait):
    """PUT the decision; after an ambiguous failure read again and let the comparison decide, never doubling an
    action that Mage repeats (add_to_ingress) and never resuming a workspace that has started starting."""
    attempts = 0
    body = decision.body
    while True:
        try:
            client.update_workspace(name, body)
            return None
        except MageAPIError as exc:
            if not exc.ambiguous:
                # Mage answered and refused: nothing changed.
                fail('Workspace %r: %s' % (name, exc.msg), changed=False)
            attempts += 1
            warn('Workspace %r: the outcome of %r is unknown (%s); reading the workspace again to decide.'
                 % (name, decision.action, exc.msg))
            current = read()
            if current is None:
                fail('Workspace %r disappeared after an ambiguous %r.' % (name, decision.action))
            again = decide_on(current)
            if again.action != decision.action:
                return current
            if decision.action in NOT_REPEATABLE:
                if wait and decision.wait_for:
                    current, _waited, timed_out, _reason = poller.until(read, lambda ws: ws is not None and reached(decision.wait_for, ws))
                    if not timed_out:
                        return current
                fail('Workspace %r: the outcome of %r is unknown (%s) and it is not re-sent, since every call adds '
                     'another ingress path. Re-run the task once the ingress has settled.' % (name, decision.action, exc.msg))
            if attempts > client.retries:
                fail('Workspace %r: %s (gave up after %d attempts).' % (name, exc.msg, attempts))
            body = again.body


def _check_converged(name, decision, workspace, ctype, options, warn):
    """After a patch, compare again: a field Mage did not store would be re-sent on every run. Say so."""
    settled = dict(options, update_workspace_settings=False)
    try:
        again = decide('patched', workspace, ctype, **settled)
    except DecisionError:
        return
    for field in ('container_config', 'lifecycle_config'):
        if again.body and field in again.body and field in decision.body:
            warn('Workspace %r: Mage did not store the %s that was sent (it reads back different), so it will be sent '
                 'again on every run. This Mage server may ignore %s in a patch.' % (name, field, field))


def batch_sizes(serial, total):
    """Split ``total`` items like a play's ``serial``: each entry a count or a percentage of all (rounded down, at
    least 1), the last entry repeated until every item has a batch. No serial: one batch."""
    if not serial:
        return [total] if total else []
    sizes = []
    entries = list(serial)
    while sum(sizes) < total:
        entry = entries[min(len(sizes), len(entries) - 1)]
        text = str(entry).strip()
        if text.endswith('%'):
            size = int(total * float(text[:-1]) / 100)
        else:
            size = int(text)
        sizes.append(max(1, min(size, total - sum(sizes))))
    return sizes


def parse_serial(serial):
    """Validate serial entries (positive counts or percentages); raise ValueError saying what is wrong."""
    for entry in serial or []:
        text = str(entry).strip()
        number = text[:-1] if text.endswith('%') else text
        try:
            valid = float(number) > 0 and (text.endswith('%') or float(number) == int(float(number)))
        except ValueError:
            valid = False
        if not valid:
            raise ValueError('serial entry %r is not a positive count or percentage (like 1, 10 or "25%%").' % (entry,))


def check_url(client, url, status_codes, retries, delay):
    """GET a workspace's own url (without Mage's credentials) until it answers one of ``status_codes``; return None,
    or why it did not."""
    answer = None
    for attempt in range(retries + 1):
        if attempt:
            client.sleep(delay)
        try:
            response = client.session.get(url, headers={'OAUTH-TOKEN': None, 'X-API-KEY': None}, timeout=client.timeout,
                                          verify=client.verify, proxies=environ_proxies(url))
            answer = 'HTTP %d' % response.status_code
            if response.status_code in status_codes:
                return None
        except Exception as exc:  # pylint: disable=broad-exception-caught
            answer = describe_exception(exc)
    return 'its url %s answered %s after %d tries (expected %s)' % (url, answer, retries + 1, ', '.join(str(c) for c in status_codes))


def rollback_options(state_options, previous):
    """The patched-state options that restore what ``previous`` (the workspace as first read) had."""
    options = dict(container_config=None, mode='replace', lifecycle_config=None, update_workspace_settings=False)
    if state_options.get('container_config') is not None:
        options['container_config'] = parse_container_config(previous.get('container_config'))
    if state_options.get('lifecycle_config') is not None:
        options['lifecycle_config'] = normalise_lifecycle(previous.get('lifecycle_config'))
    return options


def run_many(client, names, state, options=None, concurrency=10, serial=None, url_check=None, rollback=False, **kwargs):
    """Run :func:`run_state` for each name, ``concurrency`` at a time over the client's connection pool.

    Returns one result per name, in the order given, each with ``failed`` and ``msg``; within a batch a failure
    never stops the others. With ``serial`` the names go in batches, one after the other, and a batch with a failure
    stops the run: later names get ``attempted: false``. ``url_check`` (status_codes, retries, delay) checks each
    workspace's url once it has reached its state; ``rollback`` patches a failed batch back to what it had.
    """
    options = options or {}
    check_mode = kwargs.get('check_mode', False)
    previous = {}
    poller = kwargs.get('poller') or Poller(600)
    if len(names) > 1:
        # The waiting workspaces share one list request, made at most every quarter of the poll interval, and each
        # looks at it that often: about as many requests as one workspace polling alone, and a finer grain.
        quarter = poller.sleep_first / 4.0
        poller = Poller(poller.timeout, sleep_first=quarter, max_sleep=poller.max_sleep, steady=poller.steady,
                        clock=poller.clock, sleep=poller.sleep)
        kwargs['shared'] = SharedList(client, quarter, poller.clock)
    kwargs['poller'] = poller

    def one(name, batch):
        try:
            result = run_state(client, name, state, options, seen=previous, **kwargs)
            result.update(failed=False, msg='')
        except WorkspaceFailure as exc:
            result = dict(name=name, changed=False, action=None, waited=0.0, workspace=None)
            result.update(exc.result, failed=True, msg=exc.msg)
        result.update(batch=batch, attempted=True, rolled_back=False)
        url = (result.get('workspace') or {}).get('url')
        # Only a running workspace can answer: a stopped one that was patched stays stopped, and is not checked.
        running = workspace_status(result.get('workspace')) in RUNNING
        if url_check and not result['failed'] and not check_mode and url and running:
            reason = check_url(client, url, url_check['status_codes'], url_check['retries'], url_check['delay'])
            if reason:
                result.update(failed=True, msg='Workspace %r is %s but %s.' % (name, state, reason))
        return result

    def undo(result):
        try:
            undone = run_state(client, result['name'], 'patched', rollback_options(options, previous[result['name']]),
                               **dict(kwargs, want_diff=False))
            # The result shows the workspace as it is after the rollback.
            result.update(rolled_back=True, workspace=undone['workspace'])
        except WorkspaceFailure as exc:
            result['msg'] = '%s The rollback failed too: %s' % (result['msg'], exc.msg)
        except ValueError as exc:
            result['msg'] = '%s No rollback: the config it had cannot be read back (%s)' % (result['msg'], exc)
        return result

    results = []
    start = 0
    workers = max(1, min(concurrency, len(names) or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for number, size in enumerate(batch_sizes(serial, len(names)), start=1):
            batch = names[start:start + size]
            start += size
            if any(r['failed'] for r in results) and serial:
                results.extend(dict(name=name, changed=False, action=None, waited=0.0, workspace=None, failed=False,
                                    msg='not attempted: an earlier batch failed', batch=number, attempted=False,
                                    rolled_back=False) for name in batch)
                continue
            done = list(pool.map(lambda name, n=number: one(name, n), batch))
            if rollback and state == 'patched' and not check_mode and any(r['failed'] for r in done):
                changed = [r for r in done if r['changed'] and r['name'] in previous]
                list(pool.map(undo, changed))
            results.extend(done)
    return results


def summarise(results):
    """The names of a bulk run's results sorted by outcome (the module's ``summary``)."""
    summary = dict(changed=[], rolled_back=[], failed=[], untouched=[], not_attempted=[], failures={}, batches=0)
    for result in results:
        name = result['name']
        if result['failed']:
            summary['failed'].append(name)
            summary['failures'][name] = result['msg']
        elif not result['changed']:
            summary['untouched'].append(name)
        elif not result['rolled_back']:
            summary['changed'].append(name)
        if result['rolled_back']:
            summary['rolled_back'].append(name)
        if not result['attempted']:
            summary['not_attempted'].append(name)
        summary['batches'] = max(summary['batches'], result['batch'])
    summary['stopped_early'] = bool(summary['failed'] or summary['not_attempted'])
    return summary
