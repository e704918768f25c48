#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: mage_workspace
short_description: Stop, start, patch or expose a Mage Pro workspace, idempotently
version_added: 0.1.0
description:
  - Brings a Mage Pro workspace to a declared state through Mage's REST API (C(PUT /api/workspaces/{name})).
  - Every run reads the workspace first and sends an action only when the workspace is not already there, so a
    second run changes nothing and sends no C(PUT).
  - The answer to a C(PUT) shows the workspace as it was before the action, so the module reads it again (and,
    with O(wait), polls) before reporting.
  - Mage answers most errors with HTTP 200 and an C(error) object; any such answer fails the task with Mage's
    message and code.
author:
  - mage_ai.pro maintainers (@mage-ai)
extends_documentation_fragment:
  - mage_ai.pro.connection
options:
  name:
    description:
      - Name of the workspace, exactly as Mage shows it. It is one URL path segment, so it may not contain
        C(/), C(?), C(#), C(%), white space, or be C(.) or C(..).
      - Exactly one of O(name) and O(names) is required.
    type: str
  names:
    description:
      - Bulk mode. Applies the same state to each of these workspaces in one module run, O(concurrency) at a time
        over one pool of keep-alive connections.
      - Each workspace gets every guarantee of the single mode (idempotence, check mode, diff, hidden env values,
        safe retries). The result lists one entry per name in RV(workspaces).
      - If any workspace fails, the task fails after all of them have been tried, with every result.
      - An empty list does nothing.
    type: list
    elements: str
  concurrency:
    description:
      - With O(names), how many workspaces are read, changed and waited for at the same time.
    type: int
    default: 10
  serial:
    description:
      - With O(names), handle the workspaces in batches, one batch after the other, like a play's C(serial).
      - Each entry is a batch size, a count or a percentage of all names (rounded down, at least 1); the last entry
        repeats. For example V([1, "25%"]) is a canary of one, then batches of a quarter.
      - A batch in which any workspace fails stops the run; the later workspaces are not tried and are returned
        with C(attempted=false).
      - Without it, all names form one batch.
    type: list
    elements: raw
  url_check:
    description:
      - With O(names), after each workspace has reached the state, check that its C(url) answers, and count the
        workspace as failed if it does not. Only running workspaces with a url are checked (a stopped workspace that
        was patched stays stopped). Nothing is checked in check mode.
      - The check sends no Mage credentials to the url.
      - Not with O(state=stopped).
    type: dict
    suboptions:
      status_codes:
        description: HTTP statuses that count as healthy.
        type: list
        elements: int
        default: [200]
      retries:
        description: How often to try again while the url does not answer a healthy status.
        type: int
        default: 5
      delay:
        description: Seconds between those tries.
        type: float
        default: 2
  rollback:
    description:
      - With O(names) and O(state=patched), when a batch fails, patch each workspace of that batch that was changed
        back to the container config (and lifecycle config) it had before, and wait until it runs again.
      - Results of rolled back workspaces have C(rolled_back=true).
    type: bool
    default: false
  state:
    description:
      - V(started) resumes a stopped workspace and waits until it is C(RUNNING). A workspace that is already
        starting (C(PENDING), C(UNAVAILABLE), C(PROVISIONING), C(ACTIVATING)) is only waited for, never resumed
        again (on ECS every resume starts another task). A C(FAILED) workspace fails at once.
      - V(stopped) stops a workspace that is not stopped and waits until it is C(STOPPED). On ECS the task's
        C(task_arn) is sent along. Cloud Run workspaces cannot be stopped.
      - V(patched) compares O(container_config) and O(lifecycle_config) with what Mage stores, as data, and sends a
        C(patch) with only the fields that differ. A new container config restarts a running workspace, so the
        module waits until it runs again.
      - V(ingress) adds a Kubernetes workspace to the ingress named by its C(ingress_name), once, and waits until
        its C(url) is set. A workspace whose C(url) is already set is left alone.
    type: str
    required: true
    choices: [stopped, started, patched, ingress]
  container_config:
    description:
      - With O(state=patched), the container configuration, as a mapping or as a YAML string.
      - Compared as data with the workspace's stored YAML, so key order and formatting never count as a change.
      - Mage Pro's keys include C(image_tag), C(image), C(env) (a list of C(name)/C(value) entries) and, on Docker
        clusters, C(environment), C(volumes) and C(public_url).
      - Env values are hidden in every result, diff, warning and error unless O(show_env_values=true); the diff
        still shows which env entries change.
    type: raw
  container_config_mode:
    description:
      - V(merge) puts the given keys over the workspace's current config (mappings key by key, C(env) entries by
        C(name)), so patching C(image_tag) keeps every env var, and sends the whole merged YAML.
      - V(replace) sends exactly O(container_config), replacing what Mage stores.
    type: str
    choices: [merge, replace]
    default: merge
  lifecycle_config:
    description:
      - With O(state=patched), the lifecycle configuration. Only the keys you set are compared and changed.
      - Mage returns every key filled with its default, and makes relative paths absolute, so paths must be
        absolute here.
      - The open-source Mage server ignores C(lifecycle_config) in a patch. When Mage reads back something other
        than what was sent, the module warns that it will be sent again on every run.
    type: dict
    suboptions:
      termination_policy:
        description: Auto-termination of an idle workspace.
        type: dict
        suboptions:
          enable_auto_termination:
            description: Whether Mage stops the workspace after O(lifecycle_config.termination_policy.max_idle_seconds) idle.
            type: bool
          max_idle_seconds:
            description: Idle seconds before auto-termination.
            type: int
      pre_start_script_path:
        description: Absolute path of a script run before the workspace starts.
        type: str
      post_start:
        description: A hook run after the workspace starts.
        type: dict
        suboptions:
          command:
            description: Command to run, as a list of words.
            type: list
            elements: str
          hook_path:
            description: Absolute path of a hook script.
            type: str
  update_workspace_settings:
    description:
      - With O(state=patched), also copy the cluster's environment variables into the workspace.
      - Mage never stores this flag, so it cannot be compared; V(true) always sends a C(patch) and reports
        C(changed). Leave it V(false) for idempotent runs.
    type: bool
    default: false
  show_env_values:
    description:
      - Show the values of the container config's env entries in results and diffs.
      - By default they are replaced by C(********), since env values often hold secrets.
    type: bool
    default: false
  wait:
    description:
      - Wait until the workspace has reached the state (C(RUNNING), C(STOPPED), C(url) set).
      - Nothing is waited for in check mode.
    type: bool
    default: true
  wait_timeout:
    description:
      - How long to wait, in seconds. On time-out the task fails and returns the workspace as last read.
    type: int
    default: 600
  wait_sleep:
    description:
      - Seconds between polls while waiting. After 30 seconds of waiting the interval grows by half each poll, up to
        10 seconds (or this value, if larger).
      - With O(names), the waiting workspaces share one list request (C(GET /api/workspaces)), made at most every
        quarter of this interval, instead of polling one by one; a workspace the list does not show is read alone.
    type: float
    default: 1
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: Check mode reads the workspace, sends no C(PUT), does not wait, and reports the action it would send.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details: The diff shows the status, container config, lifecycle config or ingress url the state manages.
  idempotent:
    description: When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
    support: partial
    details:
      - Every state is idempotent, except that O(update_workspace_settings=true) always sends a patch.
  action_group:
    description: Use C(group/mage_ai.pro.mage) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - mage_ai.pro.mage
notes:
  - Set the connection once for many tasks with C(module_defaults) and the C(group/mage_ai.pro.mage) action group.
  - Without O(wait), a state change returns as soon as Mage accepted it; the returned workspace may still be in
    transition.
seealso:
  - name: Mage workspaces API
    description: The REST API this module drives.
    link: https://docs.mage.ai/
"""

EXAMPLES = r"""
- name: Stop a workspace for the night
  mage_ai.pro.mage_workspace:
    url: "{{ mage_url }}"
    oauth_token: "{{ mage_token }}"
    name: dev-alice
    state: stopped

- name: Start it again in the morning and wait until it runs
  mage_ai.pro.mage_workspace:
    url: "{{ mage_url }}"
    oauth_token: "{{ mage_token }}"
    name: dev-alice
    state: started
    wait_timeout: 900

- name: Roll a new image out, keeping every env var
  mage_ai.pro.mage_workspace:
    url: "{{ mage_url }}"
    oauth_token: "{{ mage_token }}"
    name: dev-alice
    state: patched
    container_config:
      image_tag: "2026.06.16"
      env:
        - name: ENV
          value: test

- name: Turn on auto-termination after 30 idle minutes
  mage_ai.pro.mage_workspace:
    url: "{{ mage_url }}"
    oauth_token: "{{ mage_token }}"
    name: dev-alice
    state: patched
    lifecycle_config:
      termination_policy:
        enable_auto_termination: true
        max_idle_seconds: 1800

- name: Expose a workspace through its ingress, once
  mage_ai.pro.mage_workspace:
    url: "{{ mage_url }}"
    oauth_token: "{{ mage_token }}"
    name: dev-alice
    state: ingress

- name: Roll a new image out, a canary then quarters, checking each url and rolling a failed batch back
  mage_ai.pro.mage_workspace:
    url: "{{ mage_url }}"
    oauth_token: "{{ mage_token }}"
    names: "{{ fleet }}"
    state: patched
    container_config:
      image_tag: "2026.06.16"
    serial: [1, "25%"]
    url_check:
      status_codes: [200]
    rollback: true
  vars:
    fleet: [dev-alice, dev-bob, dev-carol, dev-dave, dev-erin]

- name: Stop every dev workspace for the night, ten at a time, in one task
  mage_ai.pro.mage_workspace:
    url: "{{ mage_url }}"
    oauth_token: "{{ mage_token }}"
    names: [dev-alice, dev-bob, dev-carol]
    state: stopped
    concurrency: 10
  register: night

- name: Show which workspaces were stopped
  ansible.builtin.debug:
    msg: "{{ night.workspaces | selectattr('changed') | map(attribute='name') | list }}"

- name: Set the connection once for a block of tasks (MAGE_OAUTH_TOKEN from the environment)
  module_defaults:
    group/mage_ai.pro.mage:
      url: "{{ mage_url }}"
  block:
    - name: Stop the workspace
      mage_ai.pro.mage_workspace:
        name: dev-bob
        state: stopped
"""

RETURN = r"""
changed:
  description: Whether an action was sent (or, in check mode, would be sent).
  returned: always
  type: bool
  sample: true
action:
  description: The action sent to Mage, or in check mode the one that would be sent; null when none was needed.
  returned: always
  type: str
  sample: resume
waited:
  description: Seconds spent waiting for the workspace to reach the state.
  returned: always
  type: float
  sample: 12.5
workspace:
  description:
    - The workspace as read after the change (in check mode, as read before), with env values hidden unless
      O(show_env_values=true).
  returned: success, with O(name)
  type: dict
  sample:
    name: dev-alice
    namespace: mage
    container_config: "image_tag: '2026.06.16'\nenv:\n- name: ENV\n  value: '********'\n"
    lifecycle_config:
      termination_policy:
        enable_auto_termination: true
        max_idle_seconds: 1800
      pre_start_script_path: null
      post_start:
        command: null
        hook_path: null
    ingress_name: mage-ingress
    url: https://mage.example.com/dev-alice
    instance:
      name: dev-alice
      type: ClusterIP
      status: RUNNING
      ip: 10.0.0.7:6789
workspaces:
  description:
    - With O(names), one result per workspace, in the order given.
  returned: with O(names), on success and on failure
  type: list
  elements: dict
  contains:
    name:
      description: The workspace name.
      type: str
      returned: always
    changed:
      description: Whether an action was sent to this workspace (or would be, in check mode).
      type: bool
      returned: always
    action:
      description: The action sent (or that would be sent); null when none was needed.
      type: str
      returned: always
    failed:
      description: Whether this workspace failed.
      type: bool
      returned: always
    msg:
      description: Why it failed; empty when it did not.
      type: str
      returned: always
    waited:
      description: Seconds spent waiting for this workspace.
      type: float
      returned: always
    batch:
      description: Number of the batch (from 1) this workspace was in; see O(serial).
      type: int
      returned: always
    attempted:
      description: False when an earlier batch failed and this workspace was not tried.
      type: bool
      returned: always
    rolled_back:
      description: Whether this workspace was patched back to its earlier config; see O(rollback).
      type: bool
      returned: always
    workspace:
      description: The workspace as last read, env values hidden; null when it could not be read.
      type: dict
      returned: always
  sample:
    - name: dev-alice
      changed: true
      action: stop
      failed: false
      msg: ""
      waited: 4.2
      workspace: {name: dev-alice, instance: {status: STOPPED}}
    - name: dev-bob
      changed: false
      action: null
      failed: false
      msg: ""
      waited: 0.0
      workspace: {name: dev-bob, instance: {status: STOPPED}}
diff:
  description:
    - Before and after of what the state manages, when run with C(--diff).
    - With O(names), a list with one entry per changed workspace, headed by its name.
  returned: when diff mode is on
  type: raw
  sample:
    before:
      status: STOPPED
    after:
      status: RUNNING
summary:
  description:
    - With O(names), the names sorted by outcome, ready for a report (for example C(set_stats) in AWX) without
      filtering RV(workspaces).
  returned: with O(names), on success and on failure
  type: dict
  contains:
    changed:
      description: Names changed (or that would be, in check mode) and kept, that is neither failed nor rolled back.
      type: list
      elements: str
      returned: always
    rolled_back:
      description: Names patched back to their earlier config; see O(rollback).
      type: list
      elements: str
      returned: always
    failed:
      description: Names that failed.
      type: list
      elements: str
      returned: always
    failures:
      description: For each failed name, why it failed.
      type: dict
      returned: always
    untouched:
      description: Names neither changed nor failed (already as asked, or not attempted).
      type: list
      elements: str
      returned: always
    not_attempted:
      description: Names not tried because an earlier batch failed; see O(serial).
      type: list
      elements: str
      returned: always
    batches:
      description: Number of batches the names were split into.
      type: int
      returned: always
    stopped_early:
      description: Whether a workspace failed or some were not attempted.
      type: bool
      returned: always
  sample:
    changed: [dev-alice]
    rolled_back: []
    failed: []
    failures: {}
    untouched: [dev-bob]
    not_attempted: []
    batches: 1
    stopped_early: false
"""

from ansible_collections.mage_ai.pro.plugins.module_utils.api import MageValidationError, validate_workspace_name
from ansible_collections.mage_ai.pro.plugins.module_utils.module import MageModule
from ansible_collections.mage_ai.pro.plugins.module_utils.runner import Poller, WorkspaceFailure, parse_serial, run_many, run_state, summarise
from ansible_collections.mage_ai.pro.plugins.module_utils.workspace import check_lifecycle_paths, parse_container_config

PATCH_ONLY = ('container_config', 'lifecycle_config')


def argument_spec():
    return dict(
        name=dict(type='str'),
        names=dict(type='list', elements='str'),
        concurrency=dict(type='int', default=10),
        serial=dict(type='list', elements='raw'),
        url_check=dict(type='dict', options=dict(
            status_codes=dict(type='list', elements='int', default=[200]),
            retries=dict(type='int', default=5),
            delay=dict(type='float', default=2),
        )),
        rollback=dict(type='bool', default=False),
        state=dict(type='str', required=True, choices=['stopped', 'started', 'patched', 'ingress']),
        container_config=dict(type='raw'),
        container_config_mode=dict(type='str', default='merge', choices=['merge', 'replace']),
        lifecycle_config=dict(type='dict', options=dict(
            termination_policy=dict(type='dict', options=dict(
                enable_auto_termination=dict(type='bool'),
                max_idle_seconds=dict(type='int'),
            )),
            pre_start_script_path=dict(type='str'),
            post_start=dict(type='dict', options=dict(
                command=dict(type='list', elements='str'),
                hook_path=dict(type='str'),
            )),
        )),
        update_workspace_settings=dict(type='bool', default=False),
        show_env_values=dict(type='bool', default=False),
        wait=dict(type='bool', default=True),
        wait_timeout=dict(type='int', default=600),
        wait_sleep=dict(type='float', default=1),
    )


def state_options(module):
    """Validate the options against the state and return the state's own settings; fail before any request."""
    params = module.params
    state = params['state']
    show = params['show_env_values']
    subject = 'Workspace %r' % params['name'] if params['name'] is not None else 'names'
    if state != 'patched':
        given = [key for key in PATCH_ONLY if params.get(key) is not None]
        if params['update_workspace_settings']:
            given.append('update_workspace_settings')
        if given:
            fail(module, '%s only applies to state=patched, not state=%s. Remove it or use state=patched.'
                 % (', '.join(given), state), show)
        return {}
    if params.get('container_config') is None and params.get('lifecycle_config') is None and not params['update_workspace_settings']:
        fail(module, 'state=patched needs container_config, lifecycle_config or update_workspace_settings=true.', show)
    container_config = None
    problem = None
    try:
        if params.get('container_config') is not None:
            container_config = parse_container_config(params['container_config'])
        check_lifecycle_paths(params.get('lifecycle_config'))
    except ValueError as exc:  # DecisionError is a ValueError too
        problem = '%s: %s' % (subject, str(exc).rstrip('.') + '.')
    if problem:
        fail(module, problem, show)
    return dict(container_config=container_config, mode=params['container_config_mode'],
                lifecycle_config=params.get('lifecycle_config'),
                update_workspace_settings=params['update_workspace_settings'])


def fail(module, msg, show, **result):
    module.fail_json(msg=msg, invocation=module.masked_invocation(show), **result)


def validate(module):
    """Check names and numbers before any request; return the list of names (one in single mode)."""
    params = module.params
    show = params['show_env_values']
    names = params['names'] if params['names'] is not None else [params['name']]
    try:
        for name in names:
            validate_workspace_name(name)
    except MageValidationError as exc:
        fail(module, str(exc), show)
    twice = sorted(set(name for name in names if names.count(name) > 1))
    if twice:
        fail(module, 'names lists %s more than once; list each workspace once.' % ', '.join(twice), show)
    if params['wait_timeout'] < 0 or params['wait_sleep'] <= 0 or params['concurrency'] < 1:
        fail(module, 'wait_timeout must be 0 or more, wait_sleep more than 0 and concurrency at least 1.', show)
    bulk_only = [key for key in ('serial', 'url_check') if params[key] is not None] + (['rollback'] if params['rollback'] else [])
    if bulk_only and params['names'] is None:
        fail(module, '%s only applies with names (bulk mode).' % ', '.join(bulk_only), show)
    if params['rollback'] and params['state'] != 'patched':
        fail(module, 'rollback only applies to state=patched.', show)
    if params['url_check'] is not None and params['state'] == 'stopped':
        fail(module, 'url_check does not apply to state=stopped: a stopped workspace does not answer.', show)
    try:
        parse_serial(params['serial'])
    except ValueError as exc:
        fail(module, str(exc), show)
    return names


def main():
    module = MageModule(argument_spec(), supports_check_mode=True, mutually_exclusive=[('name', 'names')],
                        required_one_of=[('name', 'names')])
    params = module.params
    show = params['show_env_values']
    names = validate(module)
    options = state_options(module)
    bulk = params['names'] is not None
    client = module.client(pool_size=params['concurrency'] if bulk else 1)
    poller = Poller(params['wait_timeout'], sleep_first=params['wait_sleep'])
    kwargs = dict(check_mode=module.check_mode, want_diff=module._diff, wait=params['wait'], poller=poller,
                  show_env_values=show, warn=module.warn)
    if bulk:
        results = run_many(client, names, params['state'], options, concurrency=params['concurrency'], serial=params['serial'],
                           url_check=params['url_check'], rollback=params['rollback'], **kwargs)
        output = dict(changed=any(r['changed'] for r in results), workspaces=results, summary=summarise(results))
        if module._diff:
            output['diff'] = [dict(r.pop('diff'), before_header=r['name'], after_header=r['name'])
                              for r in results if r.get('diff') and r['changed']]
        for result in results:
            result.pop('diff', None)
        failed = [r for r in results if r['failed']]
        if failed:
            rolled_back = sum(1 for r in results if r['rolled_back'])
            skipped = sum(1 for r in results if not r['attempted'])
            fail(module, '%d of %d workspaces failed: %s%s%s' % (
                len(failed), len(results), ' '.join(r['msg'] for r in failed),
                ' %d rolled back.' % rolled_back if rolled_back else '',
                ' %d not attempted after the failed batch.' % skipped if skipped else ''), show, **output)
        module.exit_json(invocation=module.masked_invocation(show), **output)

    failure = None
    try:
        result = run_state(client, names[0], params['state'], options, **kwargs)
    except WorkspaceFailure as exc:
        failure = exc
    if failure is not None:
        # Failed outside the except block, so no Python traceback is attached: the message says it all.
        result = dict(failure.result)
        result.pop('name', None)
        fail(module, failure.msg, show, **result)
    result.pop('name', None)
    module.exit_json(invocation=module.masked_invocation(show), **result)


if __name__ == '__main__':
    main()
