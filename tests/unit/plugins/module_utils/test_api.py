# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""MageClient against the Mage API simulator over real HTTP: envelopes, auth, retries, ambiguity, names."""

from __future__ import annotations

import base64
import json

import pytest

from ansible_collections.mage_ai.pro.plugins.module_utils.api import (
    MageAPIError,
    MageClient,
    MageValidationError,
    backoff_delay,
    token_from_session,
    validate_url,
    validate_workspace_name,
)


class Recorder:
    def __init__(self):
        self.warnings = []
        self.sleeps = []

    def warn(self, msg):
        self.warnings.append(msg)

    def sleep(self, seconds):
        self.sleeps.append(seconds)


def client_for(sim, recorder=None, **kwargs):
    recorder = recorder or Recorder()
    kwargs.setdefault('oauth_token', sim.token)
    return MageClient(sim.url, warn=recorder.warn, sleep=recorder.sleep, **kwargs)


def puts(sim, name):
    return [r for r in sim.admin.requests() if r['method'] == 'PUT' and r['workspace'] == name]


def test_reads_a_workspace_and_none_for_unknown(sim):
    client = client_for(sim)
    assert client.get_workspace('dev-alice')['instance']['status'] == 'RUNNING'
    assert client.get_workspace('nobody') is None
    names = [w['name'] for w in client.list_workspaces()]
    assert 'dev-alice' in names and 'dev-bob' in names


def test_error_bodies_with_http_200_are_failures(sim):
    client = client_for(sim, oauth_token=sim.viewer_token)
    with pytest.raises(MageAPIError) as info:
        client.update_workspace('dev-bob', {'action': 'resume'})
    assert info.value.code == 403 and 'permission denied' in info.value.msg
    assert info.value.status == 200


@pytest.mark.parametrize('kwargs, words', [
    ({'oauth_token': 'wrong'}, 'authentication failed'),
    ({'api_key': 'wrong-key'}, 'API key'),
])
def test_authentication_failures(sim, kwargs, words):
    client = client_for(sim, **kwargs)
    with pytest.raises(MageAPIError) as info:
        client.get_workspace('dev-alice')
    assert words in info.value.msg
    assert 'wrong' not in info.value.msg and sim.token not in info.value.msg


def test_login_with_username_and_password(sim):
    client = MageClient(sim.url, username='admin@example.com', password='admin-password')
    assert client.get_workspace('dev-alice')['name'] == 'dev-alice'
    bad = MageClient(sim.url, username='admin@example.com', password='not-it')
    with pytest.raises(MageAPIError) as info:
        bad.get_workspace('dev-alice')
    assert 'Login as' in info.value.msg and 'not-it' not in info.value.msg


def test_get_retries_bursts_and_honours_retry_after(sim):
    sim.admin.add_faults({'method': 'GET', 'path': '/api/workspaces/dev-alice', 'kind': '503', 'count': 2, 'retry_after': 3})
    recorder = Recorder()
    client = client_for(sim, recorder)
    assert client.get_workspace('dev-alice')['name'] == 'dev-alice'
    assert len(recorder.warnings) == 2 and 'HTTP 503' in recorder.warnings[0]
    assert all(s >= 3 for s in recorder.sleeps)


def test_put_retries_only_when_mage_surely_did_not_act(sim):
    sim.admin.add_faults({'method': 'PUT', 'path': '/api/workspaces/dev-bob', 'kind': '429', 'count': 2, 'retry_after': 0})
    client = client_for(sim)
    client.update_workspace('dev-bob', {'action': 'resume'})
    assert sim.admin.counters('dev-bob')['puts'] == {'resume': 1}


@pytest.mark.parametrize('kind', ['504', '502', '500', 'drop'])
def test_put_ambiguous_failures_are_not_retried(sim, kind):
    sim.admin.add_faults({'method': 'PUT', 'path': '/api/workspaces/dev-alice', 'kind': kind, 'count': 1, 'act': True})
    client = client_for(sim)
    with pytest.raises(MageAPIError) as info:
        client.update_workspace('dev-alice', {'action': 'add_to_ingress'})
    assert info.value.ambiguous
    assert len(puts(sim, 'dev-alice')) == 1
    assert len(sim.admin.counters('dev-alice')['ingress_paths']) == 1


def test_read_timeout_on_put_is_ambiguous(sim):
    sim.admin.add_faults({'method': 'PUT', 'path': '/api/workspaces/dev-alice', 'kind': 'slow', 'delay': 2, 'count': 1})
    client = client_for(sim, timeout=0.5)
    with pytest.raises(MageAPIError) as info:
        client.update_workspace('dev-alice', {'action': 'stop'})
    assert info.value.ambiguous and 'timeout' in info.value.msg


def test_connection_refused_is_retried_then_reported(sim):
    recorder = Recorder()
    client = MageClient('http://127.0.0.1:9', oauth_token='t', retries=2, warn=recorder.warn, sleep=recorder.sleep)
    with pytest.raises(MageAPIError) as info:
        client.update_workspace('dev-alice', {'action': 'stop'})
    assert 'connection refused' in info.value.msg and not info.value.ambiguous
    assert len(recorder.warnings) == 2


def test_proxy_pages_give_a_clear_error(sim):
    sim.admin.add_faults({'method': 'GET', 'path': '/api/workspaces/dev-alice', 'kind': '502', 'count': 5})
    client = client_for(sim, retries=1)
    with pytest.raises(MageAPIError) as info:
        client.get_workspace('dev-alice')
    assert 'HTTP 502' in info.value.msg and 'not Mage JSON' in info.value.msg


def test_redirects_are_not_followed(sim):
    """requests would follow a 302 with a GET, and a PUT would end as a read that looks like a success."""
    sim.admin.add_faults({'method': 'PUT', 'path': '/api/workspaces/dev-alice', 'kind': 'redirect', 'count': 1})
    with pytest.raises(MageAPIError) as info:
        client_for(sim).update_workspace('dev-alice', {'action': 'stop'})
    assert 'redirect (HTTP 302 to https://mage.example.com/api/workspaces/dev-alice)' in info.value.msg
    assert 's3cr3t' not in info.value.msg and not info.value.ambiguous
    assert [(r['method'], r['status']) for r in sim.admin.requests()] == [('PUT', 302)]


def test_crash_body_keeps_the_last_line(sim):
    sim.admin.add_faults({'method': 'GET', 'path': '/api/workspaces/dev-alice', 'kind': '500', 'count': 1})
    with pytest.raises(MageAPIError) as info:
        client_for(sim).get_workspace('dev-alice')
    assert 'internal error' in info.value.msg and 'Traceback' not in info.value.msg


def test_path_prefix(sim):
    from mage_sim.fixture import start_simulator  # pylint: disable=import-error,import-outside-toplevel

    with start_simulator(seed=[{'name': 'p1'}], prefix='/mage') as prefixed:
        assert prefixed.url.endswith('/mage')
        assert MageClient(prefixed.url + '/', oauth_token=prefixed.token).get_workspace('p1')['name'] == 'p1'


def test_tls_needs_the_ca():
    from mage_sim.fixture import start_simulator  # pylint: disable=import-error,import-outside-toplevel

    with start_simulator(seed=[{'name': 't1'}], tls=True) as secure:
        with pytest.raises(MageAPIError, match='TLS verification failed'):
            MageClient(secure.url, oauth_token=secure.token, retries=0).get_workspace('t1')
        assert MageClient(secure.url, oauth_token=secure.token, ca_path=secure.ca_path).get_workspace('t1')['name'] == 't1'
        assert MageClient(secure.url, oauth_token=secure.token, validate_certs=False).get_workspace('t1')['name'] == 't1'


@pytest.mark.parametrize('name', ['a/b', '..', '.', 'x?y', '50%', 'a b', '', 'tab\there', 'h#sh'])
def test_bad_names_are_refused(name):
    with pytest.raises(MageValidationError):
        validate_workspace_name(name)


def test_names_are_quoted():
    assert MageClient.workspace_path('dev-älice') == '/api/workspaces/dev-%C3%A4lice'


@pytest.mark.parametrize('url', ['mage.example.com', 'ftp://x', 'https://x/?a=1', ''])
def test_bad_urls(url):
    with pytest.raises(MageValidationError):
        validate_url(url)


def test_backoff_is_capped_jittered_and_honours_retry_after():
    assert backoff_delay(1, rand=lambda: 0.0) == 0.25
    assert backoff_delay(1, rand=lambda: 1.0) == 0.5
    assert backoff_delay(20, rand=lambda: 1.0) == 10.0
    assert backoff_delay(1, retry_after=7, rand=lambda: 0.0) == 7
    assert backoff_delay(1, retry_after=3600, rand=lambda: 0.0) == 60


def test_token_from_session():
    payload = base64.urlsafe_b64encode(json.dumps({'token': 'inner', 'expires': 1}).encode()).decode().rstrip('=')
    assert token_from_session('h.%s.s' % payload) == 'inner'
    assert token_from_session('plain-token') == 'plain-token'


def test_proxies_from_the_environment(sim, monkeypatch):
    """A second simulator stands in for an HTTP proxy: it receives the absolute-URI requests and answers them."""
    from mage_sim.fixture import start_simulator  # pylint: disable=import-error,import-outside-toplevel

    with start_simulator(seed=[{'name': 'dev-alice'}], token=sim.token) as proxy:
        proxy_url = proxy.url.rsplit('/', 1)[0] if proxy.url.count('/') > 2 else proxy.url
        monkeypatch.setenv('HTTP_PROXY', proxy_url)
        monkeypatch.delenv('NO_PROXY', raising=False)
        monkeypatch.delenv('no_proxy', raising=False)
        assert client_for(sim).get_workspace('dev-alice')['name'] == 'dev-alice'
        assert [r['path'] for r in proxy.admin.requests()] == ['/api/workspaces/dev-alice']
        assert sim.admin.requests() == []
        monkeypatch.setenv('NO_PROXY', '127.0.0.1')
        client_for(sim).get_workspace('dev-alice')
        assert len(proxy.admin.requests()) == 1
        assert len(sim.admin.requests()) == 1
