# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filters shared by mage_workspace_info and the workspaces inventory plugin, and reading through the client."""

from __future__ import annotations

import pytest

from ansible_collections.mage_ai.pro.plugins.module_utils.api import MageClient
from ansible_collections.mage_ai.pro.plugins.module_utils.selection import (
    Selection,
    container_image,
    describe_workspace,
    read_workspaces,
)


def ws(name, status='RUNNING', **fields):
    workspace = {'name': name, 'namespace': 'mage', 'ingress_name': 'mage-ingress', 'container_config': None}
    workspace['instance'] = None if status is None else {'name': name, 'status': status}
    workspace.update(fields)
    return workspace


FLEET = [
    ws('dev-bob', 'STOPPED'),
    ws('dev-alice', 'RUNNING'),
    ws('prod-one', 'PENDING', namespace='prod'),
    ws('broken', 'FAILED'),
    ws('idle', None),
    {'name': 'ecs-one', 'cluster_name': 'c', 'task_definition': 't', 'instance': {'status': 'DEACTIVATING', 'task_arn': 'arn'}},
    {'name': 'cr-one', 'project_id': 'p', 'region': 'r', 'instance': {'status': 'RUNNING'}},
    {'name': 'dock-one', 'instance': {'status': 'WEIRD'}},
]


def names(selection):
    return [item['name'] for item in selection.apply(FLEET)]


def test_no_filter_keeps_everything_sorted_by_name():
    assert names(Selection()) == sorted(item['name'] for item in FLEET)


@pytest.mark.parametrize('status, expected', [
    (['RUNNING'], ['cr-one', 'dev-alice']),
    (['running', ' stopped '], ['cr-one', 'dev-alice', 'dev-bob']),
    (['NONE'], ['idle']),
    (['FAILED', 'WEIRD'], ['broken', 'dock-one']),
])
def test_status_filter_uses_raw_words_case_insensitively(status, expected):
    assert names(Selection(status=status)) == expected


@pytest.mark.parametrize('state, expected', [
    (['running'], ['cr-one', 'dev-alice']),
    (['stopped'], ['dev-bob', 'idle']),
    (['starting', 'stopping'], ['ecs-one', 'prod-one']),
    (['failed', 'unknown'], ['broken', 'dock-one']),
])
def test_state_filter_uses_normalised_states(state, expected):
    assert names(Selection(state=state)) == expected


@pytest.mark.parametrize('cluster_types, expected', [
    (['ecs'], ['ecs-one']),
    (['cloud_run', 'docker'], ['cr-one', 'dock-one']),
    (['k8s'], ['broken', 'dev-alice', 'dev-bob', 'idle', 'prod-one']),
])
def test_cluster_type_filter_reads_the_fields(cluster_types, expected):
    assert names(Selection(cluster_types=cluster_types)) == expected


def test_configured_cluster_type_wins_over_the_fields():
    assert names(Selection(cluster_types=['ecs'], configured_cluster_type='ecs')) == sorted(item['name'] for item in FLEET)
    assert names(Selection(cluster_types=['k8s'], configured_cluster_type='ecs')) == []


@pytest.mark.parametrize('patterns, expected', [
    (['dev-*'], ['dev-alice', 'dev-bob']),
    (['*-one'], ['cr-one', 'dock-one', 'ecs-one', 'prod-one']),
    (['dev-?ob', 'broken'], ['broken', 'dev-bob']),
    (['[ep]*'], ['ecs-one', 'prod-one']),
    (['DEV-*'], []),
])
def test_name_patterns_are_case_sensitive_globs(patterns, expected):
    assert names(Selection(name_patterns=patterns)) == expected


def test_namespaces_drop_other_kubernetes_namespaces_and_keep_workspaces_without_one():
    assert names(Selection(namespaces=['prod'])) == ['cr-one', 'dock-one', 'ecs-one', 'prod-one']
    assert names(Selection(namespaces=['__all__'])) == sorted(item['name'] for item in FLEET)


def test_namespaces_are_sent_to_mage():
    assert Selection().query_namespaces() is None
    assert Selection(namespaces=['a', 'b']).query_namespaces() == ['a', 'b']
    assert Selection(namespaces=['__all__']).query_namespaces() == ['__all__']


def test_filters_combine_with_and():
    assert names(Selection(state=['running', 'stopped'], name_patterns=['dev-*'], cluster_types=['k8s'])) == ['dev-alice', 'dev-bob']
    assert names(Selection(status=['RUNNING'], name_patterns=['prod-*'])) == []


def test_not_a_dict_never_matches():
    assert not Selection().matches(None)
    assert not Selection().matches('dev-alice')


@pytest.mark.parametrize('options, word', [
    ({'state': ['sleeping']}, 'sleeping'),
    ({'cluster_types': ['nomad']}, 'nomad'),
])
def test_unknown_choices_are_refused(options, word):
    with pytest.raises(ValueError, match=word):
        Selection(**options)


def test_from_options_takes_the_filter_names_and_the_connection_cluster_type():
    selection = Selection.from_options({'state': ['running'], 'name_patterns': ['x*'], 'cluster_type': 'ecs', 'url': 'ignored'})
    assert selection.state == frozenset(['running'])
    assert selection.name_patterns == ('x*',)
    assert selection.configured_cluster_type == 'ecs'


def test_describe_masks_env_values_and_adds_status_state_and_cluster_type():
    workspace = ws('dev-alice', 'PENDING', container_config='env:\n  - name: DB_PASSWORD\n    value: s3cr3t\n')
    described = describe_workspace(workspace)
    assert 's3cr3t' not in described['container_config']
    assert 'DB_PASSWORD' in described['container_config']
    assert (described['status'], described['state'], described['cluster_type']) == ('PENDING', 'starting', 'k8s')
    assert 's3cr3t' in workspace['container_config'], 'the input is not changed'
    assert 's3cr3t' in describe_workspace(workspace, show_env_values=True)['container_config']
    idle = describe_workspace(ws('idle', None), configured_cluster_type='docker')
    assert (idle['status'], idle['state'], idle['cluster_type']) == (None, 'stopped', 'docker')


@pytest.mark.parametrize('config, expected', [
    (None, (None, None)),
    ("image: repo/mage-pro:1\nimage_tag: 2026.06.16\n", ('repo/mage-pro:1', '2026.06.16')),
    ("image_tag: '2026.06.16'\n", (None, '2026.06.16')),
    ("env: [unclosed", (None, None)),
    ("- a list\n", (None, None)),
])
def test_container_image(config, expected):
    assert container_image({'container_config': config}) == expected


# -- through the client, over real HTTP to the simulator ------------------------------------------------------

def client_for(sim, **kwargs):
    return MageClient(sim.url, oauth_token=sim.token, **kwargs)


def test_read_one_by_name_uses_the_detail_call(sim):
    workspaces, exists = read_workspaces(client_for(sim), name='dev-bob')
    assert exists is True
    assert [item['name'] for item in workspaces] == ['dev-bob']
    assert [(item['method'], item['path']) for item in sim.admin.requests()] == [('GET', '/api/workspaces/dev-bob')]


def test_read_a_missing_name_is_empty_not_an_error(sim):
    workspaces, exists = read_workspaces(client_for(sim), name='nobody')
    assert (workspaces, exists) == ([], False)


def test_read_the_list_filtered(sim):
    workspaces, exists = read_workspaces(client_for(sim), selection=Selection(state=['running'], cluster_types=['k8s'], namespaces=['__all__']))
    assert exists is None
    assert [item['name'] for item in workspaces] == ['dev-alice']
    requests = sim.admin.requests()
    assert [(item['method'], item['path']) for item in requests] == [('GET', '/api/workspaces')]
    assert requests[0]['query'].get('namespace[]') == ['__all__']


def test_read_the_list_with_a_configured_cluster_type(sim):
    client = client_for(sim, cluster_type='ecs')
    workspaces = read_workspaces(client, selection=Selection(configured_cluster_type='ecs'))[0]
    assert [item['name'] for item in workspaces] == ['ecs-one']
