# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection: proxies, crashes, dropped and slow answers, random faults."""

import http.client
import time
from urllib.parse import urlsplit

import pytest
import requests

from mage_sim import API_KEY

PATH = "/api/workspaces/dev-alice"


def raw_put(sim, path, body):
    parts = urlsplit(sim.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("PUT", path, body=body, headers={"OAUTH-TOKEN": sim.token, "X-API-KEY": API_KEY, "Content-Type": "application/json"})
    return connection


@pytest.mark.parametrize("kind,status", [("429", 429), ("503", 503)])
def test_throttle_faults_do_not_act(api, mage_sim, kind, status):
    mage_sim.admin.fault(kind, PATH, method="PUT", retry_after=2)
    response = api.request("PUT", PATH, json={"workspace": {"action": "stop"}})
    assert response.status_code == status
    assert response.headers["Retry-After"] == "2"
    time.sleep(0.3)
    assert api.status("dev-alice") == "RUNNING"  # the server did not act
    assert mage_sim.admin.counters("dev-alice")["puts"] == {}
    entry = [item for item in mage_sim.admin.requests() if item["method"] == "PUT"][0]
    assert entry["fault"] == kind and entry["status"] == status and entry["action"] == "stop"
    # count=1: the next request is normal
    assert "error" not in api.put("dev-alice", "dance")


@pytest.mark.parametrize("kind,status", [("502", 502), ("504", 504)])
def test_gateway_faults_act(api, mage_sim, kind, status):
    mage_sim.admin.fault(kind, PATH, method="PUT")
    response = api.request("PUT", PATH, json={"workspace": {"action": "stop"}})
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<html>" in response.text and str(status) in response.text
    api.wait_status("dev-alice", "STOPPED")  # the server acted, the answer was lost
    assert mage_sim.admin.counters("dev-alice")["puts"] == {"stop": 1}


def test_act_override(api, mage_sim):
    mage_sim.admin.fault("502", PATH, method="PUT", act=False)
    mage_sim.admin.fault("429", "/api/workspaces/dev-bob", method="PUT", act=True)
    assert api.request("PUT", PATH, json={"workspace": {"action": "stop"}}).status_code == 502
    assert api.request("PUT", "/api/workspaces/dev-bob", json={"workspace": {"action": "add_to_ingress"}}).status_code == 429
    time.sleep(0.3)
    assert api.status("dev-alice") == "RUNNING"
    assert mage_sim.admin.counters("dev-bob")["ingress_paths"] == ["/dev-bob"]


def test_redirect_fault_does_not_act(api, mage_sim):
    mage_sim.admin.fault("redirect", PATH, method="PUT")
    response = api.request("PUT", PATH, json={"workspace": {"action": "stop"}}, allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("https://sso:s3cr3t@mage.example.com/api/workspaces/dev-alice?")
    time.sleep(0.3)
    assert api.status("dev-alice") == "RUNNING"
    assert mage_sim.admin.counters("dev-alice")["puts"] == {}


def test_crash_fault(api, mage_sim):
    mage_sim.admin.fault("500", PATH, method="PUT")
    response = api.request("PUT", PATH, json={"workspace": {"action": "add_to_ingress"}})
    assert response.status_code == 200
    body = response.json()
    assert body["error"]["code"] == 500 and "type" not in body["error"] and "url_parameters" in body
    assert mage_sim.admin.counters("dev-alice")["ingress_paths"] == ["/dev-alice", "/dev-alice"]


def test_drop_closes_connection_and_acts(mage_sim, api):
    mage_sim.admin.fault("drop", PATH, method="PUT")
    connection = raw_put(mage_sim, PATH, '{"workspace": {"action": "add_to_ingress"}}')
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        connection.getresponse()
    connection.close()
    assert mage_sim.admin.counters("dev-alice")["ingress_paths"] == ["/dev-alice", "/dev-alice"]
    entry = [item for item in mage_sim.admin.requests() if item["method"] == "PUT"][0]
    assert entry["fault"] == "drop" and entry["status"] is None
    with pytest.raises(requests.ConnectionError):
        mage_sim.admin.fault("drop", "/api/workspaces*")
        api.request("GET", "/api/workspaces")


def test_drop_without_acting(mage_sim):
    mage_sim.admin.fault("drop", PATH, method="PUT", act=False)
    connection = raw_put(mage_sim, PATH, '{"workspace": {"action": "add_to_ingress"}}')
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        connection.getresponse()
    connection.close()
    assert mage_sim.admin.counters("dev-alice")["ingress_paths"] == ["/dev-alice"]


def test_slow(api, mage_sim):
    mage_sim.admin.fault("slow", PATH, method="GET", delay=0.5)
    started = time.monotonic()
    response = api.request("GET", PATH)
    assert time.monotonic() - started >= 0.45
    assert response.json()["workspace"]["name"] == "dev-alice"
    with pytest.raises(requests.Timeout):
        mage_sim.admin.fault("slow", PATH, method="PUT", delay=1.0)
        api.request("PUT", PATH, json={"workspace": {"action": "add_to_ingress"}}, timeout=0.3)
    assert mage_sim.admin.counters("dev-alice")["ingress_paths"] == ["/dev-alice", "/dev-alice"]


def test_count_prefix_and_method_matching(api, mage_sim):
    mage_sim.admin.fault("503", "/api/workspaces/*", count=2, retry_after=0)
    assert api.request("GET", "/api/workspaces").status_code == 200  # prefix needs the trailing slash
    assert api.request("GET", "/api/workspaces/dev-bob").status_code == 503
    assert api.request("PUT", PATH, json={"workspace": {"action": "dance"}}).status_code == 503
    assert api.request("GET", PATH).status_code == 200
    assert mage_sim.admin.faults() == []
    mage_sim.admin.fault("429", PATH, method="PUT")
    assert api.request("GET", PATH).status_code == 200
    mage_sim.admin.clear_faults()
    assert api.request("PUT", PATH, json={"workspace": {"action": "dance"}}).status_code == 200


def test_fault_rate(make_api, mage_sim):
    mage_sim.admin.config(fault_rate=0.5, fault_seed=7)
    api = make_api()
    outcomes = {}
    for _index in range(60):
        try:
            status = api.request("GET", PATH).status_code
        except requests.ConnectionError:
            status = "drop"
        outcomes[status] = outcomes.get(status, 0) + 1
    assert outcomes.get(200, 0) >= 10
    assert set(outcomes) <= {200, 429, 502, 503, "drop"}
    assert len(outcomes) >= 3
    faults = [item["fault"] for item in mage_sim.admin.requests()]
    assert set(faults) - {None} <= {"429", "502", "503", "drop"}
    assert mage_sim.admin.health() == {"ok": True}  # admin is never faulted


def test_fault_rate_never_acts(make_api, mage_sim):
    mage_sim.admin.config(fault_rate=1.0, fault_seed=1)
    api = make_api()
    for _index in range(10):
        try:
            api.request("PUT", "/api/workspaces/dev-bob", json={"workspace": {"action": "add_to_ingress"}})
        except requests.ConnectionError:
            pass
    assert mage_sim.admin.counters("dev-bob")["ingress_paths"] == []


def test_bad_rule_rejected(mage_sim):
    with pytest.raises(Exception, match="HTTP 400"):
        mage_sim.admin.fault("418", PATH)
