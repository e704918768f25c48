# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: workspaces
short_description: Mage Pro workspaces as inventory hosts
version_added: 0.1.0
description:
  - Lists the workspaces of a Mage Pro server (C(GET /api/workspaces)) and makes each one a host, named after the
    workspace, with the workspace's status, normalised state, cluster type, image, URL and namespace as host
    variables, and the whole workspace object (env values hidden) under one more.
  - Playbooks then act on the workspaces through the Mage API from the controller, so each host gets
    C(ansible_connection=local) unless O(local_connection=false).
  - Filters like those of M(mage_ai.pro.mage_workspace_info) choose the workspaces; C(compose), C(groups) and
    C(keyed_groups) build variables and groups from them, for example one group per state.
  - The configuration file must be named C(*.mage.yml) or C(*.mage.yaml).
  - Every value read from Mage is marked unsafe, so Ansible never evaluates a template that a workspace's name or
    configuration carries.
author:
  - mage_ai.pro maintainers (@mage-ai)
extends_documentation_fragment:
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
  - mage_ai.pro.connection.plugins
options:
  plugin:
    description: The name of this plugin; it makes a C(*.mage.yml) file a source for this plugin.
    type: str
    required: true
    choices: [mage_ai.pro.workspaces]
  status:
    description:
      - Keep only workspaces whose instance shows one of these Mage status words, for example V(RUNNING),
        V(STOPPED), V(PENDING), V(FAILED). Compared case-insensitively.
    type: list
    elements: str
  state:
    description:
      - Keep only workspaces in one of these normalised states (V(running), V(stopped), V(starting), V(stopping),
        V(failed), V(unknown)); see the C(mage_workspace_state) host variable.
    type: list
    elements: str
  cluster_types:
    description:
      - Keep only workspaces of these cluster types (V(k8s), V(ecs), V(cloud_run), V(docker)).
      - When O(cluster_type) is set every workspace is of that type; else the type is read from the workspace's fields.
    type: list
    elements: str
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
  local_connection:
    description:
      - Set C(ansible_connection=local) on every host, so that tasks run on the controller and reach the workspace
        through the Mage API.
      - Set it to V(false) to choose the connection yourself (for example with O(compose)).
    type: bool
    default: true
  show_env_values:
    description:
      - Show the values of the container config's env entries in the C(mage_workspace) host variable.
      - By default they are replaced by C(********), since env values often hold secrets. They are hidden before
        the inventory cache stores anything.
    type: bool
    default: false
notes:
  - "Host variables of each workspace: C(mage_workspace_name) (the host name), C(mage_workspace_status) (Mage's raw
    C(instance.status), or null without an instance), C(mage_workspace_state) (V(running), V(stopped), V(starting), V(stopping), V(failed) or V(unknown)),
    C(mage_cluster_type), C(mage_workspace_image) and C(mage_workspace_image_tag) (from the container config, or
    null), C(mage_workspace_url), C(mage_workspace_namespace) (null off Kubernetes), and C(mage_workspace), the
    whole workspace object as M(mage_ai.pro.mage_workspace_info) returns it."
  - Mage's list shows only workspaces that have a live instance (on Kubernetes a workspace scaled to 0 is still
    listed, as C(STOPPED)).
  - Connection options come from the configuration file, else from the E(MAGE_URL), E(MAGE_OAUTH_TOKEN),
    E(MAGE_USERNAME), E(MAGE_PASSWORD), ... environment variables, else from extra variables (C(-e mage_url=...)),
    which are the only variables an inventory plugin can see.
  - With O(username) and O(password) the plugin logs in once per inventory run.
  - With O(cache) enabled, a cache hit sends no request to Mage; C(--flush-cache) (or C(meta) C(refresh_inventory))
    reads Mage again.
seealso:
  - module: mage_ai.pro.mage_workspace_info
  - module: mage_ai.pro.mage_workspace
"""

EXAMPLES = r"""
# inventory/workspaces.mage.yml: every workspace of the default namespace, the URL and token from MAGE_URL and
# MAGE_OAUTH_TOKEN, grouped by state and by cluster type.
plugin: mage_ai.pro.workspaces
keyed_groups:
  - key: mage_workspace_state
    prefix: state
  - key: mage_cluster_type
    prefix: cluster

# A second file, shown commented out (one inventory file holds one YAML document):
# inventory/dev.mage.yml: running dev workspaces of every namespace, logging in with MAGE_USERNAME and
# MAGE_PASSWORD, cached for an hour.
# plugin: mage_ai.pro.workspaces
# url: https://mage.example.com
# namespaces: [__all__]
# name_patterns: ["dev-*"]
# state: [running]
# cache: true
# cache_plugin: ansible.builtin.jsonfile
# cache_connection: ~/.cache/mage_inventory
# cache_timeout: 3600
# compose:
#   ansible_python_interpreter: "'/usr/bin/python3'"
#   owner: mage_workspace.name.split('-')[1]
# groups:
#   exposed: mage_workspace_url is truthy
# keyed_groups:
#   - key: mage_workspace_namespace | default('none', true)
#     prefix: ns
"""

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.display import Display
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.mage_ai.pro.plugins.module_utils.api import (
    HAS_REQUESTS,
    MageAPIError,
    MageClient,
    MageValidationError,
)
from ansible_collections.mage_ai.pro.plugins.module_utils.selection import (
    FILTER_OPTIONS,
    Selection,
    container_image,
    describe_workspace,
    read_workspaces,
)
from ansible_collections.mage_ai.pro.plugins.module_utils.workspace import HAS_YAML

CONNECTION_OPTIONS = ('url', 'oauth_token', 'username', 'password', 'api_key', 'cluster_type', 'validate_certs', 'ca_path',
                      'timeout', 'retries')

display = Display()


def host_variables(workspace):
    """The host variables of one described workspace (see selection.describe_workspace), not yet marked unsafe."""
    image, image_tag = container_image(workspace)
    return {
        'mage_workspace': workspace,
        'mage_workspace_name': workspace.get('name'),
        'mage_workspace_status': workspace.get('status'),
        'mage_workspace_state': workspace.get('state'),
        'mage_cluster_type': workspace.get('cluster_type'),
        'mage_workspace_image': image,
        'mage_workspace_image_tag': image_tag,
        'mage_workspace_url': workspace.get('url'),
        'mage_workspace_namespace': workspace.get('namespace'),
    }


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    """Mage Pro workspaces as hosts."""

    NAME = 'mage_ai.pro.workspaces'

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(('.mage.yml', '.mage.yaml'))

    def _connection_options(self):
        options = dict((key, self.get_option(key)) for key in CONNECTION_OPTIONS)
        if options.get('oauth_token') and options.get('username'):
            raise AnsibleParserError('%s: set either oauth_token or username and password, not both.' % self.NAME)
        if options.get('username') and not options.get('password'):
            raise AnsibleParserError('%s: username needs password (or MAGE_PASSWORD).' % self.NAME)
        if not options.get('oauth_token') and not options.get('username'):
            raise AnsibleParserError('%s: no credentials: set oauth_token (or MAGE_OAUTH_TOKEN), or username and password '
                                     '(or MAGE_USERNAME and MAGE_PASSWORD).' % self.NAME)
        return options

    def _read_mage(self):
        """The described workspaces Mage lists (namespaces sent, filters not yet applied), env values hidden."""
        if not HAS_REQUESTS:
            raise AnsibleParserError('%s needs the Python library requests on the controller.' % self.NAME)
        if not HAS_YAML:
            raise AnsibleParserError('%s needs the Python library PyYAML on the controller.' % self.NAME)
        options = self._connection_options()
        try:
            client = MageClient.from_params(options, warn=display.warning, pool_size=1)
            client.login()
            workspaces = read_workspaces(client, selection=Selection(namespaces=self.get_option('namespaces')))[0]
        except (MageAPIError, MageValidationError) as exc:
            message = str(exc)
        else:
            message = None
        if message is not None:
            # Raised outside the except block: the message is safe to show, the chained exception adds nothing.
            raise AnsibleParserError('%s: %s' % (self.NAME, message))
        show = self.get_option('show_env_values')
        return [describe_workspace(ws, options.get('cluster_type'), show) for ws in workspaces]

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        try:
            selection = Selection.from_options(dict((key, self.get_option(key)) for key in FILTER_OPTIONS + ('cluster_type',)))
        except ValueError as exc:
            raise AnsibleParserError('%s: %s' % (self.NAME, exc)) from None

        cache_key = self.get_cache_key(path)
        use_cache = self.get_option('cache') and cache
        update_cache = self.get_option('cache') and not cache
        workspaces = None
        if use_cache:
            try:
                workspaces = self._cache[cache_key]
            except KeyError:
                update_cache = True
        if not isinstance(workspaces, list):
            workspaces = self._read_mage()
        if update_cache:
            self._cache[cache_key] = workspaces

        self._populate(selection.apply(workspaces))

    def _populate(self, workspaces):
        strict = self.get_option('strict')
        local = self.get_option('local_connection')
        for workspace in workspaces:
            # Everything Mage sent is unsafe: a name or value holding "{{ ... }}" is never templated.
            name = wrap_var(str(workspace.get('name') or ''))
            if not name:
                continue
            host = self.inventory.add_host(name)
            variables = wrap_var(host_variables(workspace))
            if local:
                variables['ansible_connection'] = 'local'
            for key, value in variables.items():
                self.inventory.set_variable(host, key, value)
            self._set_composite_vars(self.get_option('compose'), self.inventory.get_host(host).get_vars(), host, strict=strict)
            # Groups see the variables compose set, too.
            hostvars = self.inventory.get_host(host).get_vars()
            self._add_host_to_composed_groups(self.get_option('groups'), hostvars, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option('keyed_groups'), hostvars, host, strict=strict)
