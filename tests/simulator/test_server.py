# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Server-level behaviour: admin endpoints, CLI, TLS, prefix, concurrency, fleets."""

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import pytest
import requests

from mage_sim import API_KEY
from mage_sim.fixture import SIM_ROOT, simulator, start_simulator


def test_admin_endpoints(api, mage_sim):
    admin = mage_sim.admin
    assert admin.health() == {"ok": True}
    api.put("dev-alice", "dance", secret_field="x")
    api.request("GET", "/api/workspaces", params={"namespace[]": ["a", "b"]})
    logged = admin.requests()
    assert logged[0] == {"method": "PUT", "path": "/api/workspaces/dev-alice", "query": {}, "body": {"workspace": {"action": "dance", "secret_field": "x"}},
                         "status": 200, "fault": None, "workspace": "dev-alice", "action": "dance"}
    assert logged[1]["query"] == {"namespace[]": ["a", "b"]}
    assert len(logged) == 2  # admin calls are not logged
    assert mage_sim.token not in json.dumps(logged)
    admin.clear_requests()
    assert admin.requests() == []
    counters = admin.counters()
    assert set(counters["dev-alice"]) == {"puts", "ingress_paths", "tasks_started", "pod_restarts", "update_workspace_settings"}
    admin.seed([{"name": "extra", "cluster_type": "docker"}])
    assert api.workspace("extra")["instance"]["type"] == "DOCKER"
    assert api.workspace("dev-alice")["name"] == "dev-alice"
    admin.seed([{"name": "only", "status": None}], replace=True)
    assert api.get("dev-alice")["error"]["type"] == "record_not_found"
    assert api.workspace("only")["instance"] is None
    admin.config(stop_delay=5)
    admin.fault("503", "*")
    admin.reset()
    assert admin.config()["stop_delay"] == 0.2
    assert admin.faults() == []
    assert api.workspace("dev-alice")["name"] == "dev-alice"
    assert admin.requests() == [{"method": "GET", "path": "/api/workspaces/dev-alice", "query": {}, "body": None, "status": 200,
                                 "fault": None, "workspace": "dev-alice", "action": None}]
    with pytest.raises(Exception, match="HTTP 404"):
        admin.call("GET", "nothing")


def test_viewer_token_mint(make_api, mage_sim):
    token = mage_sim.admin.mint_token("viewer")
    api = make_api(token=token)
    assert api.workspace("dev-alice")["name"] == "dev-alice"
    assert api.put("dev-alice", "stop")["error"]["code"] == 403


def test_concurrent_clients(mage_sim):
    parts = urlsplit(mage_sim.url)
    count = 200
    barrier = threading.Barrier(count)
    results = []
    lock = threading.Lock()

    def client(index):
        outcome = "unknown"
        try:
            barrier.wait(30)
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            name = ("dev-alice", "dev-bob", "ecs-one", "cr-one")[index % 4]
            connection.request("GET", "/api/workspaces/" + name, headers={"OAUTH-TOKEN": mage_sim.token, "X-API-KEY": API_KEY})
            response = connection.getresponse()
            body = json.loads(response.read())
            outcome = "ok" if response.status == 200 and body["workspace"]["name"] == name else "bad {0}".format(response.status)
            connection.close()
        except (OSError, ValueError, KeyError, threading.BrokenBarrierError) as exc:
            outcome = repr(exc)
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=client, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == ["ok"] * count


def test_tls_and_prefix():
    with simulator(tls=True, prefix="/mage", workspaces=3) as sim:
        assert sim.url.startswith("https://127.0.0.1:") and sim.url.endswith("/mage")
        assert os.path.isfile(sim.ca_path)
        headers = {"OAUTH-TOKEN": sim.token}
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(sim.url + "/api/workspaces", headers=headers, timeout=10)
        response = requests.get(sim.url + "/api/workspaces", headers=headers, verify=sim.ca_path, timeout=10)
        assert [item["name"] for item in response.json()["workspaces"]] == ["ws-0001", "ws-0002", "ws-0003"]
        localhost = sim.url.replace("127.0.0.1", "localhost")
        assert requests.get(localhost + "/api/workspaces/ws-0001", headers=headers, verify=sim.ca_path, timeout=10).status_code == 200
        # the API only lives under the prefix; admin stays at the root
        root = sim.url[:-len("/mage")]
        assert requests.get(root + "/api/workspaces", headers=headers, verify=sim.ca_path, timeout=10).status_code == 404
        assert sim.admin.health() == {"ok": True}
        assert sim.admin.requests()[0]["path"] == "/mage/api/workspaces"
        ws = requests.get(sim.url + "/api/workspaces/ws-0001", headers=headers, verify=sim.ca_path, timeout=10).json()["workspace"]
        assert ws["url"] == sim.url + "/ws-0001"
        # faults match the API path without the prefix
        sim.admin.fault("429", "/api/workspaces/ws-0001", retry_after=0)
        assert requests.get(sim.url + "/api/workspaces/ws-0001", headers=headers, verify=sim.ca_path, timeout=10).status_code == 429
        assert sim.stop() == 0


def test_cli_output_and_sigint(tmp_path):
    env = dict(os.environ, PYTHONPATH=SIM_ROOT)
    ready = tmp_path / "ready.json"
    command = [sys.executable, "-m", "mage_sim", "--quiet", "--token", "own", "--viewer-token", "view", "--ready-file", str(ready),
               "--flavour", "oss", "--workspaces", "40"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)  # pylint: disable=consider-using-with
    try:
        lines = [process.stdout.readline().strip() for _index in range(3)]
        assert lines[0].startswith("MAGE_URL=http://127.0.0.1:")
        assert lines[1:] == ["MAGE_OAUTH_TOKEN=own", "MAGE_VIEWER_TOKEN=view"]
        data = json.loads(ready.read_text())
        assert data["token"] == "own" and data["viewer_token"] == "view" and data["ca_path"] is None
        assert data["pid"] == process.pid and data["admin_url"].endswith("/_sim")
        url = lines[0].split("=", 1)[1]
        response = requests.get(url + "/api/workspaces", headers={"OAUTH-TOKEN": "own"}, timeout=10)
        assert response.status_code == 401  # oss without key
        body = requests.get(url + "/api/workspaces", headers={"OAUTH-TOKEN": "own", "X-API-KEY": API_KEY}, timeout=10).json()
        by_name = {item["name"]: item for item in body["workspaces"]}
        assert len(by_name) == 40
        assert by_name["ws-0005"]["instance"]["status"] == "FAILED"
        assert by_name["ws-0003"]["instance"]["status"] == "STOPPED"
        assert by_name["ws-0007"]["instance"]["task_arn"]
        assert by_name["ws-0011"]["project_id"]
        assert by_name["ws-0019"]["instance"]["type"] == "DOCKER"
        assert by_name["ws-0017"]["url"] is None
        assert by_name["ws-0001"]["url"].endswith("/ws-0001")
        process.send_signal(signal.SIGINT)
        assert process.wait(10) == 0
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        process.stdout.close()


def test_fleet_k8s_running_and_sigterm():
    sim = start_simulator(workspaces=1000, mix="k8s-running")
    try:
        response = requests.get(sim.url + "/api/workspaces", headers={"OAUTH-TOKEN": sim.token}, timeout=10)
        fleet = response.json()["workspaces"]
        assert len(fleet) == 1000
        assert {item["instance"]["status"] for item in fleet} == {"RUNNING"}
        assert 'image_tag: "2026.06.01"' in fleet[0]["container_config"] and "env:" in fleet[0]["container_config"]
    finally:
        assert sim.stop() == 0


def test_workspace_url_answers_like_its_web_server():
    seed = [{"name": "web", "ingress_paths": ["/web"], "container_config": "image_tag: good\n", "broken_images": ["bad-tag"]},
            {"name": "hidden"}]
    with simulator(seed=seed, patch_delay=0.2, stop_delay=0.2) as sim:
        url = sim.url + "/web"
        assert requests.get(url, timeout=5).status_code == 200
        assert requests.get(sim.url + "/hidden", timeout=5).status_code == 404
        headers = {"OAUTH-TOKEN": sim.token}
        body = {"workspace": {"action": "patch", "container_config": "image_tag: bad-tag\n"}}
        requests.put(sim.url + "/api/workspaces/web", json=body, headers=headers, timeout=5).raise_for_status()
        assert requests.get(url, timeout=5).status_code == 503
        deadline = time.monotonic() + 5
        while requests.get(url, timeout=5).status_code == 503 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert requests.get(url, timeout=5).status_code == 500


def test_the_simulator_exits_when_its_parent_is_gone():
    """A forked test process can end without its fixture teardown: the simulator it started must not linger."""
    code = ("import sys; sys.path.insert(0, {0!r}); from mage_sim.fixture import start_simulator; "
            "sim = start_simulator(seed=[{{'name': 'x'}}]); print(sim.pid, flush=True); import os; os._exit(0)").format(SIM_ROOT)
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    pid = int(child.stdout.strip())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.kill(pid, signal.SIGKILL)
        raise AssertionError("the simulator outlived the process that started it")
