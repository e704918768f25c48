#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: mage_workspace_info
short_description: Read Mage Pro workspaces, one by name or a filtered list
version_added: 0.1.0
description:
  - Reads one Mage Pro workspace by O(name) (C(GET /api/workspaces/{name})), or lists the workspaces
    (C(GET /api/workspaces)) and keeps those that pass every filter given.
  - Each workspace is returned with Mage's raw status word and a normalised state next to it, and with the
    values of its container config's env entries hidden.
  - Never changes anything; only C(GET) requests are sent (and C(POST /api/sessions) to log in with O(username)).
author:
  - mage_ai.pro maintainers (@mage-ai)
extends_documentation_fragment:
  - mage_ai.pro.connection
options:
  name:
    description:
      - Name of one workspace to read, exactly as Mage shows it. Uses Mage's detail call, which also finds
        workspaces that have no live instance (the list does not show those).
      - A workspace Mage does not know is not an error; RV(workspaces) is then empty and RV(exists) is V(false).
      - Mutually exclusive with the filters (O(status), O(state), O(cluster_types), O(name_patterns), O(namespaces)).
    type: str
  status:
    description:
      - Keep only workspaces whose instance shows one of these Mage status words, for example V(RUNNING),
        V(STOPPED), V(PENDING), V(FAILED). Compared case-insensitively.
      - V(NONE) matches a workspace without an instance.
    type: list
    elements: str
  state:
    description:
      - Keep only workspaces in one of these normalised states (see RV(workspaces[].state)).
      - A filter on what the workspaces are in, not a state to bring them to; this module changes nothing.
    type: list
    elements: str
    choices: [running, stopped, starting, stopping, failed, unknown]
  cluster_types:
    description:
      - Keep only workspaces of these cluster types.
      - Mage does not return the cluster type; when O(cluster_type) is set every workspace is of that type, else
        the type is read from the workspace's fields (C(task_definition) for ECS, C(project_id) and C(region) for
        Cloud Run, C(namespace) or C(ingress_name) for Kubernetes, otherwise Docker).
    type: list
    elements: str
    choices: [k8s, ecs, cloud_run, docker]
  name_patterns:
    description:
      - Keep only workspaces whose name matches one of these shell-style patterns (C(*), C(?), C([...])),
        case-sensitively, for example V(dev-*).
    type: list
    elements: str
  namespaces:
    description:
      - Kubernetes namespaces to list workspaces from, sent to Mage as C(namespace[]). V(__all__) lists every
        namespace. When not set, Mage lists its default namespace only.
      - Workspaces outside these namespaces are also dropped here, in case a server ignores the parameter.
        Workspaces that have no namespace (ECS, Cloud Run, Docker) are kept.
    type: list
    elements: str
  show_env_values:
    description:
      - Show the values of the container config's env entries in RV(workspaces).
      - By default they are replaced by C(********), since env values often hold secrets.
    type: bool
    default: false
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: The module never changes anything, so it runs (and reads) the same in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
    details: Nothing changes, so there is no diff.
  idempotent:
    description: When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
    support: full
    details: The module never reports a change.
  action_group:
    description: Use C(group/mage_ai.pro.mage) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - mage_ai.pro.mage
notes:
  - Mage's list shows only workspaces that have a live instance (on Kubernetes a workspace scaled to 0 is still
    listed, as C(STOPPED)). To check one workspace, use O(name).
  - The list is sorted by name.
seealso:
  - module: mage_ai.pro.mage_workspace
  - plugin: mage_ai.pro.workspaces
    plugin_type: inventory
"""

EXAMPLES = r"""
- name: Read one workspace
  mage_ai.pro.mage_workspace_info:
    url: "{{ mage_url }}"
    oauth_token: "{{ mage_token }}"
    name: dev-alice
  register: alice

- name: Say whether it exists and what it is doing
  ansible.builtin.debug:
    msg: "{{ 'dev-alice is ' ~ alice.workspaces[0].state if alice.exists else 'dev-alice does not exist' }}"

- name: Every failed workspace, in every namespace
  mage_ai.pro.mage_workspace_info:
    url: "{{ mage_url }}"
    oauth_token: "{{ mage_token }}"
    namespaces: [__all__]
    state: [failed]
  register: failed_workspaces

- name: Running Kubernetes workspaces whose name starts with dev-
  mage_ai.pro.mage_workspace_info:
    url: "{{ mage_url }}"
    oauth_token: "{{ mage_token }}"
    status: [RUNNING]
    cluster_types: [k8s]
    name_patterns: ["dev-*"]
  register: running_dev

- name: Their names
  ansible.builtin.debug:
    msg: "{{ running_dev.workspaces | map(attribute='name') | list }}"

- name: Log in with a user name and password instead of a token
  mage_ai.pro.mage_workspace_info:
    url: "{{ mage_url }}"
    username: "{{ mage_user }}"
    password: "{{ mage_password }}"
  register: all_workspaces
"""

RETURN = r"""
exists:
  description: Whether the workspace named by O(name) exists.
  returned: when O(name) is set
  type: bool
  sample: true
workspaces:
  description:
    - The workspaces read, sorted by name. With O(name), one workspace or none.
    - Each is Mage's workspace object (its keys depend on the cluster type) with the container config's env values
      hidden unless O(show_env_values=true), plus RV(workspaces[].status), RV(workspaces[].state) and
      RV(workspaces[].cluster_type).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The workspace name.
      type: str
      returned: always
      sample: dev-alice
    status:
      description: Mage's raw status word of the workspace's instance (C(instance.status)); null without an instance.
      type: str
      returned: always
      sample: RUNNING
    state:
      description:
        - The status normalised across cluster types.
        - V(running) is C(RUNNING); V(stopped) is C(STOPPED) or no instance; V(starting) is C(PENDING),
          C(UNAVAILABLE), C(PROVISIONING) or C(ACTIVATING); V(stopping) is C(DEACTIVATING), C(STOPPING) or
          C(DEPROVISIONING); V(failed) is C(FAILED); V(unknown) is any other word.
      type: str
      returned: always
      choices: [running, stopped, starting, stopping, failed, unknown]
      sample: running
    cluster_type:
      description: The cluster type, as set in O(cluster_type) or read from the workspace's fields.
      type: str
      returned: always
      sample: k8s
    namespace:
      description: The Kubernetes namespace.
      type: str
      returned: on Kubernetes
      sample: mage
    container_config:
      description: The container config, a YAML string as Mage stores it, with env values hidden.
      type: str
      returned: always
      sample: "env:\n- name: ENV\n  value: '********'\nimage_tag: '2026.06.16'\n"
    url:
      description: The workspace's URL through the ingress, or null.
      type: str
      returned: on Kubernetes, when the workspace has an ingress name
      sample: https://mage.example.com/dev-alice
    instance:
      description: The live instance (C(name), C(type), C(status), C(ip), on ECS C(task_arn)), or null.
      type: dict
      returned: always
      sample:
        name: dev-alice
        type: ClusterIP
        status: RUNNING
        ip: 10.0.0.7:6789
  sample:
    - name: dev-alice
      status: RUNNING
      state: running
      cluster_type: k8s
      namespace: mage
      project_uuid: 6f1c0f6a4d2b4b7c9a3e2d1f0b9c8a7e
      container_config: "env:\n- name: ENV\n  value: '********'\nimage_tag: '2026.06.16'\n"
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
"""

from ansible_collections.mage_ai.pro.plugins.module_utils.api import MageAPIError, MageValidationError
from ansible_collections.mage_ai.pro.plugins.module_utils.module import MageModule
from ansible_collections.mage_ai.pro.plugins.module_utils.selection import (
    FILTER_OPTIONS,
    Selection,
    describe_workspace,
    filter_argument_spec,
    read_workspaces,
)


def argument_spec():
    spec = dict(
        name=dict(type='str'),
        show_env_values=dict(type='bool', default=False),
    )
    spec.update(filter_argument_spec())
    return spec


def main():
    module = MageModule(argument_spec(), supports_check_mode=True,
                        mutually_exclusive=[('name', option) for option in FILTER_OPTIONS])
    params = module.params
    try:
        selection = Selection.from_options(params)
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    client = module.client()
    try:
        workspaces, exists = read_workspaces(client, name=params['name'], selection=selection)
    except (MageAPIError, MageValidationError) as exc:
        error = str(exc)
    else:
        error = None
    if error is not None:
        # Failed outside the except block, so no Python traceback is attached: the message says it all.
        module.fail_json(msg=error)
    result = dict(changed=False, workspaces=[describe_workspace(ws, params['cluster_type'], params['show_env_values']) for ws in workspaces])
    if params['name'] is not None:
        result['exists'] = exists
    module.exit_json(**result)


if __name__ == '__main__':
    main()
