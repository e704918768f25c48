# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One state change of one workspace: read, decide, act unless in check mode, wait, read again, report.

Each step lives in one place: reading and acting in :mod:`api`, deciding and masking in :mod:`workspace`,
the sequence and the waiting here.
"""

from __future__ import annotations

import time

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.mage_ai.pro.plugins.module_utils.api import MageAPIError
from ansible_collections.mage_ai.pro.plugins.module_utils.workspace import (
    DecisionError,
    cluster_type_of,
    decide,
    diff_for_output,
    mask_workspace,
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
    """Polls with a monotonic clock and a growing interval (``sleep`` * 1.5 each time, at most ``max_sleep``)."""

    def __init__(self, timeout, sleep_first=1.0, max_sleep=10.0, clock=time.monotonic, sleep=time.sleep):
        self.timeout = timeout
        self.sleep_first = sleep_first
        self.max_sleep = max_sleep
        self.clock = clock
        self.sleep = sleep

    def until(self, read, done, failed=None):
        """Call ``read()`` until ``done(value)``; return (value, seconds waited, timed_out, failure reason)."""
        start = self.clock()
        interval = self.sleep_first
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
            interval = min(interval * 1.5, self.max_sleep)


def run_state(client, name, state, options=None, check_mode=False, want_diff=False, wait=True, poller=None,
              show_env_values=False, warn=None):
    """Bring workspace ``name`` to ``state``; return the result dict or raise WorkspaceFailure.

    ``options`` are the state's own settings (for ``patched``: container_config as data, mode, lifecycle_config,
    update_workspace_settings).
    """
    options = options or {}
    warn = warn or (lambda msg: None)
    poller = poller or Poller(600)
    result = {'name': name, 'changed': False, 'action': None, 'waited': 0.0, 'workspace': None}

    def fail(msg, **extra):
        result.update(extra)
        raise WorkspaceFailure(msg, result)

    def read():
        try:
            return client.get_workspace(name)
        except MageAPIError as exc:
            return fail(exc.msg)

    workspace = read()
    if workspace is None:
        fail('Workspace %r not found on %s. Check the name (and cluster_type).' % (name, client.base_url))
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
    already_there = not decision.action and reached(decision.wait_for, workspace)
    if wait and decision.wait_for and not already_there:
        workspace, waited, timed_out, reason = poller.until(read, lambda ws: ws is not None and reached(decision.wait_for, ws),
                                                            lambda ws: 'it no longer exists' if ws is None else wait_failed(decision.wait_for, ws))
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
                fail('Workspace %r: %s' % (name, exc.msg))
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


def run_many(client, names, state, options=None, concurrency=10, **kwargs):
    """Run :func:`run_state` for each name, ``concurrency`` at a time over the client's connection pool.

    Returns one result per name, in the order given, each with ``failed`` and ``msg``; a failure of one workspace
    never stops the others.
    """
    def one(name):
        try:
            result = run_state(client, name, state, options, **kwargs)
            result.update(failed=False, msg='')
        except WorkspaceFailure as exc:
            result = dict(name=name, changed=False, action=None, waited=0.0, workspace=None)
            result.update(exc.result, failed=True, msg=exc.msg)
        return result

    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(names)))) as pool:
        return list(pool.map(one, names))
