# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pytest fixtures: a session-wide simulator subprocess, reset before every test."""

import os
import sys
import time

import pytest
import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mage_sim import API_KEY  # noqa: E402 pylint: disable=wrong-import-position
from mage_sim.fixture import start_simulator  # noqa: E402 pylint: disable=wrong-import-position

FAST_DELAYS = {"stop_delay": 0.2, "start_delay": 0.3, "patch_delay": 0.2}

ALICE_CONFIG = "env:\n  - name: ENV\n    value: test\n"

SEED = [
    {
        "name": "dev-alice",
        "container_config": ALICE_CONFIG,
        "lifecycle_config": {"termination_policy": {"enable_auto_termination": True, "max_idle_seconds": 1800},
                             "post_start": {"command": ["echo", "started"], "hook_path": "root/scripts/post.sh"}},
        "ingress_name": "mage-ingress",
        "ingress_paths": ["/dev-alice"],
    },
    {"name": "dev-bob", "status": "STOPPED", "ingress_name": "mage-ingress"},
    {"name": "no-ingress", "ingress_name": None},
    {"name": "other-ns", "namespace": "team-b"},
    {"name": "ghost", "instance": None},
    {"name": "ecs-one", "cluster_type": "ecs", "task_arn": "arn:aws:ecs:us-east-1:123456789012:task/mage-cluster/first"},
    {"name": "cr-one", "cluster_type": "cloud_run"},
    {"name": "dock-one", "cluster_type": "docker", "container_config": "image: repo/mage-pro:1\n"},
    {"name": "broken", "status": "FAILED"},
    {"name": "flaky", "status": "STOPPED", "fail_on_start": True},
]


class Api:
    """A thin requests wrapper speaking to the simulator like a client would."""

    def __init__(self, sim, token="owner", api_key=API_KEY):
        self.sim = sim
        self.token = sim.token if token == "owner" else (sim.viewer_token if token == "viewer" else token)
        self.api_key = api_key
        self.session = requests.Session()

    def request(self, method, path, headers=None, **kwargs):
        merged = {}
        if self.api_key:
            merged["X-API-KEY"] = self.api_key
        if self.token:
            merged["OAUTH-TOKEN"] = self.token
        merged.update(headers or {})
        kwargs.setdefault("timeout", 10)
        kwargs.setdefault("verify", self.sim.verify)
        return self.session.request(method, self.sim.url + path, headers=merged, **kwargs)

    def get(self, name, **query):
        return self.request("GET", "/api/workspaces/" + name, params=query).json()

    def workspace(self, name):
        body = self.get(name)
        assert "error" not in body, body
        return body["workspace"]

    def put(self, name, action=None, params=None, **fields):
        payload = dict(fields)
        if action is not None:
            payload["action"] = action
        return self.request("PUT", "/api/workspaces/" + name, json={"workspace": payload}, params=params).json()

    def status(self, name):
        instance = self.workspace(name)["instance"]
        return instance["status"] if instance else None

    def wait_status(self, name, wanted, timeout=5.0):
        seen = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.status(name)
            if not seen or seen[-1] != status:
                seen.append(status)
            if status == wanted:
                return seen
            time.sleep(0.02)
        raise AssertionError("{0} never reached {1}; saw {2}".format(name, wanted, seen))


@pytest.fixture(scope="session")
def mage_sim_server():
    sim = start_simulator(seed=SEED, **FAST_DELAYS)
    yield sim
    sim.stop()


@pytest.fixture
def mage_sim(mage_sim_server):  # pylint: disable=redefined-outer-name
    mage_sim_server.admin.reset()
    return mage_sim_server


@pytest.fixture
def api(mage_sim):  # pylint: disable=redefined-outer-name
    return Api(mage_sim)


@pytest.fixture
def viewer_api(mage_sim):  # pylint: disable=redefined-outer-name
    return Api(mage_sim, token="viewer")


@pytest.fixture
def make_api(mage_sim):  # pylint: disable=redefined-outer-name
    """make_api(token="owner"|"viewer"|<raw>|None, api_key=...) for clients with other credentials."""

    def factory(token="owner", api_key=API_KEY, sim=None):
        return Api(sim or mage_sim, token=token, api_key=api_key)

    return factory
