# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure decision, merge and redaction logic of mage_workspace."""

from __future__ import annotations

import pytest

from ansible_collections.mage_ai.pro.plugins.module_utils.workspace import (
    MASK,
    MASK_CHANGED,
    DecisionError,
    check_lifecycle_paths,
    cluster_type_of,
    decide,
    diff_for_output,
    mask_workspace,
    merge_container_config,
    normalise_lifecycle,
    normalised_state,
    parse_container_config,
    reached,
    wait_failed,
)


def ws(status='RUNNING', **fields):
    workspace = {'name': 'dev-alice', 'namespace': 'mage', 'ingress_name': 'mage-ingress', 'url': None,
                 'container_config': None, 'lifecycle_config': None}
    workspace['instance'] = None if status is None else {'name': 'dev-alice', 'status': status}
    workspace.update(fields)
    return workspace


@pytest.mark.parametrize('status, expected', [
    ('RUNNING', 'running'), ('STOPPED', 'stopped'), (None, 'stopped'), ('PENDING', 'starting'),
    ('UNAVAILABLE', 'starting'), ('PROVISIONING', 'starting'), ('ACTIVATING', 'starting'),
    ('DEACTIVATING', 'stopping'), ('STOPPING', 'stopping'), ('DEPROVISIONING', 'stopping'),
    ('FAILED', 'failed'), ('SUCCEEDED', 'unknown'), ('running', 'running'),
])
def test_normalised_state(status, expected):
    assert normalised_state(ws(status)) == expected


def test_cluster_type_is_read_from_the_fields():
    assert cluster_type_of(ws()) == 'k8s'
    assert cluster_type_of({'name': 'x', 'task_definition': 't', 'instance': {'task_arn': 'a'}}) == 'ecs'
    assert cluster_type_of({'name': 'x', 'project_id': 'p', 'region': 'r'}) == 'cloud_run'
    assert cluster_type_of({'name': 'x', 'container_config': 'image: a'}) == 'docker'
    assert cluster_type_of(ws(), 'docker') == 'docker'


@pytest.mark.parametrize('status, action', [
    ('STOPPED', 'resume'), (None, 'resume'), ('RUNNING', None), ('PENDING', None), ('UNAVAILABLE', None),
    ('PROVISIONING', None), ('ACTIVATING', None), ('SOMETHING_NEW', None),
])
def test_started_never_resumes_a_running_or_starting_workspace(status, action):
    decision = decide('started', ws(status), 'k8s')
    assert decision.action == action
    assert decision.wait_for == 'running'


@pytest.mark.parametrize('status', ['FAILED', 'STOPPING'])
def test_started_refuses_failed_and_stopping(status):
    with pytest.raises(DecisionError, match=status):
        decide('started', ws(status), 'ecs')


def test_stopped():
    assert decide('stopped', ws('STOPPED'), 'k8s').action is None
    assert decide('stopped', ws(None), 'k8s').action is None
    decision = decide('stopped', ws('RUNNING'), 'k8s')
    assert (decision.action, decision.body, decision.wait_for) == ('stop', {'action': 'stop'}, 'stopped')
    assert decide('stopped', ws('STOPPING'), 'k8s').action is None


def test_stopped_on_ecs_sends_the_task_arn():
    workspace = ws('RUNNING', instance={'status': 'RUNNING', 'task_arn': 'arn:task/1'})
    assert decide('stopped', workspace, 'ecs').body == {'action': 'stop', 'task_arn': 'arn:task/1'}
    with pytest.raises(DecisionError, match='task_arn'):
        decide('stopped', ws('RUNNING'), 'ecs')
    with pytest.raises(DecisionError, match='Cloud Run'):
        decide('stopped', ws('RUNNING'), 'cloud_run')


def test_ingress():
    assert decide('ingress', ws(url='https://m/dev-alice'), 'k8s').action is None
    decision = decide('ingress', ws(), 'k8s')
    assert decision.action == 'add_to_ingress' and decision.wait_for == 'url'
    with pytest.raises(DecisionError, match='no ingress_name'):
        decide('ingress', ws(ingress_name=None), 'k8s')
    with pytest.raises(DecisionError, match='k8s'):
        decide('ingress', ws(), 'ecs')


def test_container_config_compares_as_data():
    current = ws(container_config="image_tag: '1'\nenv:\n  - {name: A, value: x}\n")
    same = parse_container_config('env: [{value: x, name: A}]\nimage_tag: "1"')
    assert decide('patched', current, 'k8s', container_config=same, mode='replace').action is None
    assert decide('patched', current, 'k8s', container_config={'image_tag': '1'}, mode='merge').action is None


def test_merge_keeps_env_and_sends_the_whole_config():
    current = ws(container_config="image_tag: '1'\nenv:\n  - {name: A, value: x}\n  - {name: B, value: y}\n")
    decision = decide('patched', current, 'k8s', container_config={'image_tag': '2', 'env': [{'name': 'B', 'value': 'z'}]})
    sent = parse_container_config(decision.body['container_config'])
    assert sent == {'image_tag': '2', 'env': [{'name': 'A', 'value': 'x'}, {'name': 'B', 'value': 'z'}]}
    assert decision.wait_for == 'running'
    assert set(decision.body) == {'action', 'container_config'}


def test_replace_sends_exactly_what_was_given():
    current = ws(container_config="image_tag: '1'\nenv:\n  - {name: A, value: x}\n")
    decision = decide('patched', current, 'k8s', container_config={'image_tag': '2'}, mode='replace')
    assert parse_container_config(decision.body['container_config']) == {'image_tag': '2'}


def test_a_stopped_workspace_is_not_waited_for_after_a_patch():
    decision = decide('patched', ws('STOPPED'), 'k8s', container_config={'image_tag': '2'})
    assert decision.action == 'patch' and decision.wait_for is None


def test_merge_container_config_does_not_change_its_arguments():
    current = {'env': [{'name': 'A', 'value': '1'}], 'resources': {'limits': {'cpu': 1}}}
    given = {'env': [{'name': 'C', 'value': '3'}], 'resources': {'limits': {'memory': '1Gi'}}, 'image': 'x'}
    merged = merge_container_config(current, given)
    assert merged == {'env': [{'name': 'A', 'value': '1'}, {'name': 'C', 'value': '3'}],
                      'resources': {'limits': {'cpu': 1, 'memory': '1Gi'}}, 'image': 'x'}
    assert current == {'env': [{'name': 'A', 'value': '1'}], 'resources': {'limits': {'cpu': 1}}}


def test_docker_environment_maps_merge_by_key():
    merged = merge_container_config({'environment': {'A': '1', 'B': '2'}}, {'environment': {'B': '3'}})
    assert merged == {'environment': {'A': '1', 'B': '3'}}


@pytest.mark.parametrize('text, message', [
    ('env: [unclosed', 'not valid YAML'),
    ('- a\n- b\n', 'must be a YAML mapping'),
])
def test_bad_container_config(text, message):
    with pytest.raises(ValueError, match=message):
        parse_container_config(text)


def test_lifecycle_compares_after_filling_the_defaults():
    stored = normalise_lifecycle({'termination_policy': {'enable_auto_termination': True, 'max_idle_seconds': 1800}})
    current = ws(lifecycle_config=stored)
    wanted = {'termination_policy': {'enable_auto_termination': True, 'max_idle_seconds': None},
              'pre_start_script_path': None, 'post_start': None}
    assert decide('patched', current, 'k8s', lifecycle_config=wanted).action is None
    decision = decide('patched', current, 'k8s', lifecycle_config={'termination_policy': {'max_idle_seconds': 60}})
    assert decision.body['lifecycle_config']['termination_policy'] == {'enable_auto_termination': True, 'max_idle_seconds': 60}
    assert 'container_config' not in decision.body
    assert decision.wait_for is None


def test_lifecycle_paths_must_be_absolute():
    with pytest.raises(DecisionError, match='absolute'):
        check_lifecycle_paths({'post_start': {'hook_path': 'hooks/x.sh'}})
    check_lifecycle_paths({'pre_start_script_path': '/x.sh', 'post_start': None})


def test_update_workspace_settings_always_patches():
    decision = decide('patched', ws(), 'k8s', update_workspace_settings=True)
    assert decision.body == {'action': 'patch', 'update_workspace_settings': True}


def test_patch_refused_off_k8s_and_docker():
    with pytest.raises(DecisionError, match='ecs'):
        decide('patched', ws(), 'ecs', container_config={'a': 1})


def test_reached_and_wait_failed():
    assert reached('running', ws('RUNNING')) and not reached('running', ws('PENDING'))
    assert reached('stopped', ws(None)) and reached('stopped', ws('STOPPED'))
    assert reached('url', ws(url='https://x')) and not reached('url', ws())
    assert wait_failed('running', ws('FAILED')) and wait_failed('running', ws('PENDING')) is None


def test_mask_workspace_hides_env_values_only():
    workspace = ws(container_config="env:\n  - {name: API_KEY, value: hunter2}\nimage_tag: '1'\n")
    masked = mask_workspace(workspace)
    assert 'hunter2' not in masked['container_config']
    assert 'API_KEY' in masked['container_config'] and MASK in masked['container_config']
    assert 'hunter2' in workspace['container_config']
    assert mask_workspace(workspace, show_env_values=True)['container_config'] == workspace['container_config']
    assert mask_workspace(ws(container_config='env: [oops'))['container_config'] == '(hidden: not valid YAML)'


def test_diff_marks_changed_env_entries_without_their_values():
    current = ws(container_config="env:\n  - {name: A, value: old}\n  - {name: B, value: same}\n")
    decision = decide('patched', current, 'k8s', container_config={'env': [{'name': 'A', 'value': 'new'}]})
    diff = diff_for_output(decision)
    assert diff['before']['container_config']['env'] == [{'name': 'A', 'value': MASK_CHANGED}, {'name': 'B', 'value': MASK}]
    assert diff['after']['container_config']['env'] == [{'name': 'A', 'value': MASK_CHANGED}, {'name': 'B', 'value': MASK}]
    assert 'old' not in repr(diff) and 'new' not in repr(diff)
    shown = diff_for_output(decision, show_env_values=True)
    assert shown['after']['container_config']['env'][0]['value'] == 'new'
