# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pure logic of workspace states: status words, desired-vs-current decisions, config merge and redaction.

Nothing here talks HTTP: every function takes the workspace object Mage returned and the user's wishes, and
answers with data. That keeps each decision testable on its own.
"""

from __future__ import annotations

import copy
import traceback

try:
    import yaml
    # libyaml's parser and emitter where PyYAML was built with them: a bulk run parses every workspace's config.
    SAFE_LOADER = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)
    SAFE_DUMPER = getattr(yaml, 'CSafeDumper', yaml.SafeDumper)
    HAS_YAML = True
    YAML_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised through missing_required_lib
    HAS_YAML = False
    YAML_IMPORT_ERROR = traceback.format_exc()

MASK = '********'
MASK_CHANGED = '******** (changed)'

# Mage's status words (contract section 3), grouped by what they mean for a desired state.
RUNNING = frozenset(['RUNNING'])
STARTING = frozenset(['PENDING', 'UNAVAILABLE', 'PROVISIONING', 'ACTIVATING'])
STOPPING = frozenset(['DEACTIVATING', 'STOPPING', 'DEPROVISIONING'])
STOPPED = frozenset(['STOPPED'])
FAILED = frozenset(['FAILED'])

STATES = ('stopped', 'started', 'patched', 'ingress')


class DecisionError(ValueError):
    """The desired state cannot be reached on this workspace; nothing was sent."""


def workspace_status(workspace):
    """Mage's raw status of the workspace's instance, upper-cased, or None when it has no live instance."""
    instance = workspace.get('instance') if isinstance(workspace, dict) else None
    if not isinstance(instance, dict) or not instance.get('status'):
        return None
    return str(instance['status']).upper()


def normalised_state(workspace):
    """One of running / stopped / starting / stopping / failed / unknown."""
    status = workspace_status(workspace)
    if status is None or status in STOPPED:
        return 'stopped'
    if status in RUNNING:
        return 'running'
    if status in STARTING:
        return 'starting'
    if status in STOPPING:
        return 'stopping'
    if status in FAILED:
        return 'failed'
    return 'unknown'


def cluster_type_of(workspace, configured=None):
    """The workspace's cluster type: the configured one, else what its fields show (Mage does not return it)."""
    if configured:
        return configured
    instance = workspace.get('instance') or {}
    if 'task_definition' in workspace or 'cluster_name' in workspace or (isinstance(instance, dict) and 'task_arn' in instance):
        return 'ecs'
    if 'project_id' in workspace and 'region' in workspace:
        return 'cloud_run'
    if 'namespace' in workspace or 'ingress_name' in workspace:
        return 'k8s'
    return 'docker'


# -- container config -------------------------------------------------------------------------------------------

def parse_container_config(value, what='container_config'):
    """A container config given as a dict or a YAML string, as data (a dict). Raises ValueError on bad YAML."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return copy.deepcopy(value)
    if not isinstance(value, str):
        raise ValueError('%s must be a mapping or a YAML string, not %s.' % (what, type(value).__name__))
    if not value.strip():
        return {}
    try:
        data = yaml.load(value, Loader=SAFE_LOADER)  # nosec B506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, 'problem_mark', None)
        where = ' at line %d, column %d' % (mark.line + 1, mark.column + 1) if mark is not None else ''
        raise ValueError('%s is not valid YAML%s: %s. Fix the YAML (or give a mapping).'
                         % (what, where, getattr(exc, 'problem', None) or 'parse error')) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError('%s must be a YAML mapping (keys like env, image_tag), not a %s.' % (what, type(data).__name__))
    return data


def _named_items(items):
    return isinstance(items, list) and all(isinstance(item, dict) and 'name' in item for item in items)


def merge_container_config(current, given):
    """Put ``given`` over ``current``: mappings merge key by key, lists of named entries (env) merge by name,
    anything else is replaced. Neither argument is changed."""
    result = copy.deepcopy(current) if isinstance(current, dict) else {}
    for key, value in given.items():
        old = result.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            result[key] = merge_container_config(old, value)
        elif _named_items(old) and _named_items(value):
            merged = [copy.deepcopy(item) for item in old]
            index = dict((item['name'], i) for i, item in enumerate(merged))
            for item in value:
                if item['name'] in index:
                    merged[index[item['name']]] = merge_container_config(merged[index[item['name']]], item)
                else:
                    index[item['name']] = len(merged)
                    merged.append(copy.deepcopy(item))
            result[key] = merged
        else:
            result[key] = copy.deepcopy(value)
    return result


def dump_container_config(data):
    """The YAML text sent to Mage for a container config."""
    return yaml.dump(data, Dumper=SAFE_DUMPER, default_flow_style=False, sort_keys=False)


# -- lifecycle config -------------------------------------------------------------------------------------------

LIFECYCLE_DEFAULTS = {
    'termination_policy': {'enable_auto_termination': False, 'max_idle_seconds': 0},
    'pre_start_script_path': None,
    'post_start': {'command': None, 'hook_path': None},
}


def normalise_lifecycle(value):
    """A lifecycle config with every key present, as Mage returns it (contract section 2)."""
    result = copy.deepcopy(LIFECYCLE_DEFAULTS)
    if not isinstance(value, dict):
        return result
    for key, default in LIFECYCLE_DEFAULTS.items():
        given = value.get(key)
        if isinstance(default, dict):
            if isinstance(given, dict):
                for sub in default:
                    if given.get(sub) is not None:
                        result[key][sub] = given[sub]
        elif given is not None:
            result[key] = given
    if result['termination_policy']['max_idle_seconds'] is not None:
        result['termination_policy']['max_idle_seconds'] = int(result['termination_policy']['max_idle_seconds'])
    result['termination_policy']['enable_auto_termination'] = bool(result['termination_policy']['enable_auto_termination'])
    return result


def desired_lifecycle(current, given):
    """The lifecycle config wanted: the current one with the keys the user set (None means not set) put over it."""
    result = normalise_lifecycle(current)
    for key, default in LIFECYCLE_DEFAULTS.items():
        value = (given or {}).get(key)
        if value is None:
            continue
        if isinstance(default, dict):
            for sub in default:
                if value.get(sub) is not None:
                    result[key][sub] = value[sub]
        else:
            result[key] = value
    return normalise_lifecycle(result)


def check_lifecycle_paths(given):
    """Mage makes relative paths absolute, so a relative one would never compare equal: refuse it up front."""
    for label, path in (('pre_start_script_path', (given or {}).get('pre_start_script_path')),
                        ('post_start.hook_path', ((given or {}).get('post_start') or {}).get('hook_path'))):
        if path is not None and not str(path).startswith('/'):
            raise DecisionError('lifecycle_config.%s must be an absolute path (Mage stores relative paths made absolute, '
                                'so %r would never compare equal)' % (label, path))


# -- decisions --------------------------------------------------------------------------------------------------

class Decision:
    """What to do for one workspace: the PUT body (or None), what to wait for, and the diff of managed fields."""

    def __init__(self, action=None, body=None, wait_for=None, before=None, after=None, notes=None):
        self.action = action
        self.body = body
        self.wait_for = wait_for  # 'running', 'stopped', 'url', or None
        self.before = before or {}
        self.after = after or {}
        self.notes = notes or []

    @property
    def changed(self):
        return self.action is not None

    def __repr__(self):
        return 'Decision(action=%r, wait_for=%r)' % (self.action, self.wait_for)


def decide_started(workspace, cluster_type):
    status = workspace_status(workspace)
    before = {'status': status}
    if cluster_type == 'cloud_run':
        return Decision(wait_for='running', before=before, after=before)
    if status in FAILED:
        raise DecisionError('it is FAILED; Mage cannot resume a failed instance. Look at the workspace, stop it, then start it')
    if status is None or status in STOPPED:
        return Decision('resume', {'action': 'resume'}, 'running', before, {'status': 'RUNNING'})
    if status in STOPPING:
        raise DecisionError('it is %s; wait until it has stopped, then start it (a resume now could start a second task)' % status)
    # RUNNING, or already starting (or a word we do not know, which is taken as "in transition"): never resume.
    return Decision(wait_for='running', before=before, after=before)


def decide_stopped(workspace, cluster_type):
    status = workspace_status(workspace)
    before = {'status': status}
    if status is None or status in STOPPED:
        return Decision(before=before, after=before)
    if cluster_type == 'cloud_run':
        raise DecisionError('Cloud Run workspaces cannot be stopped through the Mage API')
    body = {'action': 'stop'}
    if cluster_type == 'ecs':
        task_arn = (workspace.get('instance') or {}).get('task_arn')
        if not task_arn:
            raise DecisionError('its ECS instance shows no task_arn, which Mage needs to stop it')
        body['task_arn'] = task_arn
    if status in STOPPING:
        return Decision(wait_for='stopped', before=before, after={'status': 'STOPPED'})
    return Decision('stop', body, 'stopped', before, {'status': 'STOPPED'})


def decide_ingress(workspace, cluster_type):
    before = {'url': workspace.get('url')}
    if workspace.get('url'):
        return Decision(before=before, after=before)
    if cluster_type != 'k8s':
        raise DecisionError('only Kubernetes (k8s) workspaces can be added to an ingress; this one is %s' % cluster_type)
    if not workspace.get('ingress_name'):
        raise DecisionError('it has no ingress_name, so Mage would silently do nothing. Set the ingress name of the '
                            'workspace (or the cluster default) first')
    return Decision('add_to_ingress', {'action': 'add_to_ingress'}, 'url', before, {'url': '(set by the ingress)'})


def decide_patched(workspace, cluster_type, container_config=None, mode='merge', lifecycle_config=None,
                   update_workspace_settings=False):
    """Compare as data; send only the fields that differ. ``container_config`` is already parsed (a dict) or None."""
    if cluster_type in ('ecs', 'cloud_run'):
        raise DecisionError('Mage cannot patch %s workspaces (only k8s and docker)' % cluster_type)
    body = {}
    before = {}
    after = {}
    notes = []
    if container_config is not None:
        current = parse_container_config(workspace.get('container_config'), 'the current container_config')
        wanted = merge_container_config(current, container_config) if mode == 'merge' else container_config
        before['container_config'] = current
        after['container_config'] = wanted
        if current != wanted:
            body['container_config'] = dump_container_config(wanted)
    if lifecycle_config is not None:
        current = normalise_lifecycle(workspace.get('lifecycle_config'))
        wanted = desired_lifecycle(current, lifecycle_config)
        before['lifecycle_config'] = current
        after['lifecycle_config'] = wanted
        if current != wanted:
            body['lifecycle_config'] = wanted
    if update_workspace_settings:
        body['update_workspace_settings'] = True
        notes.append('update_workspace_settings is never stored by Mage, so it is always sent and reported as a change')
    if not body:
        return Decision(before=before, after=after)
    body = dict(action='patch', **body)
    # A new container config rolls the pod of a running workspace: wait until it runs again.
    restarts = 'container_config' in body and normalised_state(workspace) in ('running', 'starting')
    return Decision('patch', body, 'running' if restarts else None, before, after, notes)


def decide(state, workspace, cluster_type, **options):
    """Dispatch to the decision of ``state``."""
    if state == 'started':
        return decide_started(workspace, cluster_type)
    if state == 'stopped':
        return decide_stopped(workspace, cluster_type)
    if state == 'ingress':
        return decide_ingress(workspace, cluster_type)
    if state == 'patched':
        return decide_patched(workspace, cluster_type, **options)
    raise DecisionError('unknown state %r; use one of %s' % (state, ', '.join(STATES)))


def reached(wait_for, workspace):
    """Whether the workspace has reached what a decision waits for."""
    if wait_for == 'running':
        return workspace_status(workspace) in RUNNING
    if wait_for == 'stopped':
        return workspace_status(workspace) is None or workspace_status(workspace) in STOPPED
    if wait_for == 'url':
        return bool(workspace.get('url'))
    return True


def wait_failed(wait_for, workspace):
    """A reason to stop waiting at once (a FAILED instance never becomes RUNNING by itself), or None."""
    if wait_for == 'running' and workspace_status(workspace) in FAILED:
        return 'its status is FAILED'
    return None


# -- redaction --------------------------------------------------------------------------------------------------

def mask_config_data(data, reference=None):
    """A copy of container config data with every env value hidden.

    Env entries (``env: [{name, value}]``) and Docker ``environment`` maps keep their names; values become
    ``********``, or ``******** (changed)`` where ``reference`` (the other side of a diff) has a different value,
    so a diff shows which entries changed without showing what they hold.
    """
    if not isinstance(data, dict):
        return data
    result = copy.deepcopy(data)
    ref = reference if isinstance(reference, dict) else {}
    env = result.get('env')
    if isinstance(env, list):
        ref_values = dict((item.get('name'), item.get('value')) for item in (ref.get('env') or []) if isinstance(item, dict))
        for item in env:
            if isinstance(item, dict) and 'value' in item:
                changed = reference is not None and (item.get('name') not in ref_values or ref_values[item.get('name')] != item['value'])
                item['value'] = MASK_CHANGED if changed else MASK
    environment = result.get('environment')
    if isinstance(environment, dict):
        ref_env = ref.get('environment') if isinstance(ref.get('environment'), dict) else {}
        for key in environment:
            changed = reference is not None and (key not in ref_env or ref_env[key] != environment[key])
            environment[key] = MASK_CHANGED if changed else MASK
    elif isinstance(environment, list):
        result['environment'] = [(str(item).split('=', 1)[0] + '=' + MASK) if isinstance(item, str) else MASK for item in environment]
    return result


def mask_workspace(workspace, show_env_values=False):
    """A copy of a workspace object for output: the container config's env values hidden unless asked."""
    if not isinstance(workspace, dict):
        return workspace
    result = copy.deepcopy(workspace)
    if show_env_values or not result.get('container_config'):
        return result
    raw = result['container_config']
    try:
        data = parse_container_config(raw)
    except ValueError:
        result['container_config'] = '(hidden: not valid YAML)'
        return result
    masked = mask_config_data(data)
    if masked != data:
        result['container_config'] = dump_container_config(masked)
    return result


def diff_for_output(decision, show_env_values=False):
    """The diff of a decision, as before/after dicts, with env values hidden unless asked."""
    before = copy.deepcopy(decision.before)
    after = copy.deepcopy(decision.after)
    if not show_env_values and 'container_config' in before:
        old, new = before['container_config'], after.get('container_config')
        before['container_config'] = mask_config_data(old, new)
        if 'container_config' in after:
            after['container_config'] = mask_config_data(new, old)
    return {'before': before, 'after': after}
