# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks the JSON of `ansible-inventory --list` read from stdin: check_inventory.py SCENARIO [MARKER]."""

from __future__ import annotations

import json
import sys

UNSAFE = '__ansible_unsafe'


def plain(value):
    """The value with ansible-inventory's {"__ansible_unsafe": ...} wrappers taken off."""
    if isinstance(value, dict):
        if set(value) == {UNSAFE}:
            return value[UNSAFE]
        return dict((key, plain(item)) for key, item in value.items())
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def hosts_of(data, group):
    """Hosts of a group, its children's included."""
    entry = data.get(group) or {}
    result = set(entry.get('hosts') or [])
    for child in entry.get('children') or []:
        result |= hosts_of(data, child)
    return result


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def basic(data, raw, marker):
    hostvars = data['_meta']['hostvars']
    evil = [name for name in hostvars if 'lookup' in name]
    check(len(evil) == 1, 'the workspace named like a template is a host, literally: %r' % sorted(hostvars))
    evil = evil[0]
    expected = {'cr-one', 'dev-alice', 'dev-bob', 'dev-carol', 'ecs-one', 'prod-one', evil}
    check(set(hostvars) == expected, 'hosts of the default namespace: %r' % sorted(hostvars))
    check(hosts_of(data, 'state_running') == {'cr-one', 'dev-alice', 'ecs-one', evil}, 'state_running')
    check(hosts_of(data, 'state_stopped') == {'dev-bob'}, 'state_stopped')
    check(hosts_of(data, 'state_starting') == {'dev-carol'}, 'state_starting')
    check(hosts_of(data, 'state_failed') == {'prod-one'}, 'state_failed')
    check(hosts_of(data, 'status_RUNNING') == {'cr-one', 'dev-alice', 'ecs-one', evil}, 'status_RUNNING')
    check(hosts_of(data, 'status_PENDING') == {'dev-carol'}, 'status_PENDING')
    check(hosts_of(data, 'cluster_k8s') == {'dev-alice', 'dev-bob', 'dev-carol', 'prod-one', evil}, 'cluster_k8s')
    check(hosts_of(data, 'cluster_ecs') == {'ecs-one'}, 'cluster_ecs')
    check(hosts_of(data, 'cluster_cloud_run') == {'cr-one'}, 'cluster_cloud_run')
    check(hosts_of(data, 'exposed') == {'dev-alice'}, 'groups: exposed')
    check(hosts_of(data, 'dev') == {'dev-alice', 'dev-bob', 'dev-carol'}, 'groups: dev (from a composed variable)')
    alice = hostvars['dev-alice']
    check(alice['ansible_connection'] == 'local', 'ansible_connection')
    check(alice['mage_workspace_status'] == 'RUNNING' and alice['mage_workspace_state'] == 'running', 'status and state')
    check(alice['mage_cluster_type'] == 'k8s' and alice['mage_workspace_namespace'] == 'mage', 'cluster type and namespace')
    check(alice['mage_workspace_image'] == 'mageai/mageaipro' and alice['mage_workspace_image_tag'] == '2026.06.01', 'image')
    check(alice['mage_workspace_url'].endswith('/dev-alice'), 'url')
    check(alice['team'] == 'dev' and alice['image_and_tag'] == 'mageai/mageaipro:2026.06.01', 'compose')
    check(alice['mage_workspace']['name'] == 'dev-alice' and alice['mage_workspace']['state'] == 'running', 'the whole object')
    check('DB_PASSWORD' in alice['mage_workspace']['container_config'], 'env names are shown')
    check(hostvars['ecs-one']['mage_workspace_namespace'] is None, 'no namespace off Kubernetes')
    check('s3cr3t' not in json.dumps(data), 'env values are hidden')
    check(marker in json.dumps(plain(hostvars[evil]['mage_workspace'])), 'the template text is kept as it is')
    # Every string taken from the API is marked unsafe in the raw output.
    raw_evil = raw['_meta']['hostvars'][evil]
    for key in ('mage_workspace_image_tag', 'mage_workspace_status', 'mage_cluster_type'):
        check(isinstance(raw_evil[key], dict) and UNSAFE in raw_evil[key], '%s is not marked unsafe: %r' % (key, raw_evil[key]))
    check(UNSAFE in raw_evil['mage_workspace']['name'], 'the object is marked unsafe inside')


def filtered(data, raw, marker):
    del raw, marker
    hosts = set(data['_meta']['hostvars'])
    check(hosts == {'dev-alice', 'dev-carol', 'team-b-one'}, 'filters: %r' % sorted(hosts))


def status(data, raw, marker):
    del raw, marker
    hostvars = data['_meta']['hostvars']
    check(set(hostvars) == {'dev-bob', 'prod-one'}, 'status filter: %r' % sorted(hostvars))
    check('ansible_connection' not in hostvars['dev-bob'], 'local_connection=false sets no ansible_connection')


def cached(data, raw, marker):
    del raw, marker
    hostvars = data['_meta']['hostvars']
    check('dev-alice' in hostvars and 'dev-bob' in hostvars, 'hosts from the cache: %r' % sorted(hostvars))
    check(hosts_of(data, 'state_stopped') == {'dev-bob'}, 'keyed groups from the cache')
    check(hostvars['dev-alice']['mage_workspace_state'] == 'running', 'host variables from the cache')


def cached_after_change(data, raw, marker):
    del raw, marker
    check(hosts_of(data, 'state_running') >= {'dev-bob'}, 'a flushed cache reads Mage again: %r' % data.get('state_running'))


def lenient(data, raw, marker):
    del raw, marker
    hostvars = data['_meta']['hostvars']
    check('dev-alice' in hostvars and 'broken' not in hostvars['dev-alice'], 'strict=false skips a broken compose')


def main():
    scenario = sys.argv[1]
    marker = sys.argv[2] if len(sys.argv) > 2 else ''
    raw = json.load(sys.stdin)
    globals()[scenario](plain(raw), raw, marker)
    print('%s: ok' % scenario)


if __name__ == '__main__':
    main()
