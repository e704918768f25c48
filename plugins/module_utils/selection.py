# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which workspaces a task or an inventory is about: the filters, and reading them through MageClient.

The filters are pure functions of the workspace objects Mage returned, shared by ``mage_workspace_info``, the
``workspaces`` inventory plugin and the roles. :func:`read_workspaces` is the one place that decides between
Mage's detail call (one workspace by name) and its list call (many, with namespaces).
"""

from __future__ import annotations

import fnmatch

from ansible_collections.mage_ai.pro.plugins.module_utils.workspace import (
    cluster_type_of,
    mask_workspace,
    normalised_state,
    parse_container_config,
    workspace_status,
)

STATE_CHOICES = ['running', 'stopped', 'starting', 'stopping', 'failed', 'unknown']
CLUSTER_TYPE_CHOICES = ['k8s', 'ecs', 'cloud_run', 'docker']
ALL_NAMESPACES = '__all__'


def filter_argument_spec():
    """The filter options of the info module (the inventory plugin documents the same names)."""
    return dict(
        status=dict(type='list', elements='str'),
        state=dict(type='list', elements='str', choices=STATE_CHOICES),
        cluster_types=dict(type='list', elements='str', choices=CLUSTER_TYPE_CHOICES),
        name_patterns=dict(type='list', elements='str'),
        namespaces=dict(type='list', elements='str'),
    )


FILTER_OPTIONS = tuple(filter_argument_spec())


class Selection:
    """The filters of one listing; an empty (None) filter lets every workspace through.

    ``status``: Mage's raw status words (case-insensitive; C(NONE) matches a workspace without an instance);
    ``state``: normalised states; ``cluster_types``: cluster types as :func:`cluster_type_of` tells them;
    ``name_patterns``: shell-style globs, case-sensitive; ``namespaces``: Kubernetes namespaces
    (C(__all__) for every one), also sent to Mage; workspaces without a namespace (not Kubernetes) pass.
    """

    def __init__(self, status=None, state=None, cluster_types=None, name_patterns=None, namespaces=None,
                 configured_cluster_type=None):
        self.status = frozenset(str(word).strip().upper() for word in status) if status else None
        self.state = frozenset(str(word).strip().lower() for word in state) if state else None
        self.cluster_types = frozenset(cluster_types) if cluster_types else None
        self.name_patterns = tuple(name_patterns) if name_patterns else None
        self.namespaces = tuple(namespaces) if namespaces else None
        self.configured_cluster_type = configured_cluster_type
        for label, given, choices in (('state', self.state, STATE_CHOICES), ('cluster_types', self.cluster_types, CLUSTER_TYPE_CHOICES)):
            unknown = sorted((given or frozenset()) - frozenset(choices))
            if unknown:
                raise ValueError('Unknown value %s in the %s filter; use %s.' % (', '.join(unknown), label, ', '.join(choices)))

    @classmethod
    def from_options(cls, options):
        """Build from module params or plugin options (a mapping with the filter option names)."""
        return cls(**dict((key, options.get(key)) for key in FILTER_OPTIONS), configured_cluster_type=options.get('cluster_type'))

    @property
    def all_namespaces(self):
        return bool(self.namespaces) and ALL_NAMESPACES in self.namespaces

    def query_namespaces(self):
        """The namespaces to send with the list call (``namespace[]``), or None to let Mage use its default."""
        return list(self.namespaces) if self.namespaces else None

    def matches(self, workspace):
        """Whether one workspace object passes every filter."""
        if not isinstance(workspace, dict):
            return False
        if self.status is not None and (workspace_status(workspace) or 'NONE') not in self.status:
            return False
        if self.state is not None and normalised_state(workspace) not in self.state:
            return False
        if self.cluster_types is not None and cluster_type_of(workspace, self.configured_cluster_type) not in self.cluster_types:
            return False
        if self.name_patterns is not None:
            name = str(workspace.get('name') or '')
            if not any(fnmatch.fnmatchcase(name, pattern) for pattern in self.name_patterns):
                return False
        if self.namespaces is not None and not self.all_namespaces:
            # A server that ignores namespace[] must not widen the result; workspaces off Kubernetes have none.
            namespace = workspace.get('namespace')
            if namespace is not None and namespace not in self.namespaces:
                return False
        return True

    def apply(self, workspaces):
        """The workspaces that pass, sorted by name (Mage's list order is not stable)."""
        return sorted((ws for ws in workspaces if self.matches(ws)), key=lambda ws: str(ws.get('name') or ''))


def read_workspaces(client, name=None, selection=None):
    """Read what a task or an inventory asks for; return ``(workspaces, exists)``.

    With ``name``: Mage's detail call; ``exists`` is False (and the list empty) when Mage does not know the name.
    Without: Mage's list call with the selection's namespaces, then the selection's filters; ``exists`` is None.
    Raises MageAPIError or MageValidationError (both safe to show).
    """
    if name is not None:
        workspace = client.get_workspace(name)
        return ([workspace] if workspace is not None else []), workspace is not None
    selection = selection or Selection()
    workspaces = client.list_workspaces(namespaces=selection.query_namespaces())
    return selection.apply(workspaces), None


def container_image(workspace):
    """``(image, image_tag)`` from the workspace's container config, each None when not set or not readable."""
    try:
        config = parse_container_config(workspace.get('container_config'))
    except ValueError:
        return None, None
    image = config.get('image')
    tag = config.get('image_tag')
    return (None if image is None else str(image)), (None if tag is None else str(tag))


def describe_workspace(workspace, configured_cluster_type=None, show_env_values=False):
    """A workspace object for output: env values masked unless asked, with ``status`` (Mage's raw word, or None
    without an instance), ``state`` (normalised) and ``cluster_type`` next to Mage's own keys."""
    result = mask_workspace(workspace, show_env_values=show_env_values)
    result['status'] = workspace_status(workspace)
    result['state'] = normalised_state(workspace)
    result['cluster_type'] = cluster_type_of(workspace, configured_cluster_type)
    return result
