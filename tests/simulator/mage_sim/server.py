# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""State and HTTP handler of the Mage API simulator (see /work/shared/mage-api-contract.md)."""

import base64
import copy
import hashlib
import hmac
import json
import random
import secrets
import socket
import ssl
import sys
import threading
import time
import uuid
import zlib
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlsplit

from . import API_KEY

DEFAULT_NAMESPACE = "mage"
TOKEN_TTL = 30 * 86400
CLUSTER_TYPES = ("k8s", "ecs", "cloud_run", "docker")
FAULT_KINDS = ("429", "500", "502", "503", "504", "drop", "slow", "redirect")
RANDOM_FAULT_KINDS = ("429", "503", "502", "drop")
DEFAULT_ACT = {"429": False, "503": False, "500": True, "502": True, "504": True, "drop": True, "slow": True, "redirect": False}
DEFAULT_CONFIG = {
    "flavour": "pro",
    "stop_delay": 1.0,
    "start_delay": 1.5,
    "patch_delay": 1.0,
    "fault_rate": 0.0,
    "fault_seed": None,
    "require_cluster_type": False,
}
DELAY_KEYS = ("stop_delay", "start_delay", "patch_delay")
K8S_EXTRA_KEYS = ("pvc_retention_policy", "service_account_name", "storage_access_mode", "storage_class_name", "storage_request_size")
INSTANCE_TYPES = {"k8s": "ClusterIP", "ecs": "FARGATE", "cloud_run": "CLOUD_RUN", "docker": "DOCKER"}
USER_FIELDS = {"owner": (1, "Owner"), "viewer": (4, "Viewer")}
NOT_IMPLEMENTED = "This action is not implemented for {0} workspaces."
NO_INGRESS = "This workspace does not support ingress."
PROXY_PAGES = {
    "502": (502, "Bad Gateway"),
    "503": (503, "Service Temporarily Unavailable"),
    "504": (504, "Gateway Time-out"),
}


class Response:
    """A complete HTTP answer, built before anything is written to the socket."""

    def __init__(self, status, body=b"", content_type="application/json", headers=None):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = list(headers or [])


def json_response(payload, status=200, headers=None):
    return Response(status, json.dumps(payload).encode("utf-8"), "application/json; charset=UTF-8", headers)


def text_response(text, status, content_type="text/plain; charset=utf-8", headers=None):
    return Response(status, text.encode("utf-8"), content_type, headers)


def html_page(status, reason):
    page = ("<html>\r\n<head><title>{0} {1}</title></head>\r\n<body>\r\n<center><h1>{0} {1}</h1></center>\r\n"
            "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
    return text_response(page.format(status, reason), status, "text/html")


class ApiError(Exception):
    """An error answered with the Mage error envelope."""

    def __init__(self, code, message, err_type, auth=False):
        super().__init__(message)
        self.code = code
        self.message = message
        self.err_type = err_type
        self.auth = auth


class CrashError(Exception):
    """An unhandled server exception, answered with the 500-shaped body."""


def crash_response(exception, url_parameters):
    frames = [
        "Traceback (most recent call last):\n",
        '  File "/usr/local/lib/python3.10/site-packages/mage_ai/server/api/base.py", line 86, in put\n    result = await base_operation.execute()\n',
        '  File "/usr/local/lib/python3.10/site-packages/mage_ai/api/operations/base.py", line 120, in execute\n    result = await self.__executor()\n',
        '  File "/usr/local/lib/python3.10/site-packages/mage_ai/api/resources/WorkspaceResource.py", line 61, in member\n'
        "    workspace = workspace_class(name)\n",
        "AttributeError: {0}\n".format(exception),
    ]
    payload = {
        "error": {"code": 500, "errors": frames, "exception": exception, "message": "".join(frames)},
        "url_parameters": url_parameters,
    }
    return json_response(payload)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def to_absolute(path):
    if path is None or not isinstance(path, str) or path == "" or path.startswith("/"):
        return path
    return "/home/src/" + path


def normalise_lifecycle(value):
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise ValueError("lifecycle_config must be an object")
    policy = value.get("termination_policy") or {}
    post = value.get("post_start") or {}
    if not isinstance(policy, dict) or not isinstance(post, dict):
        raise ValueError("termination_policy and post_start must be objects")
    idle = policy.get("max_idle_seconds") or 0
    try:
        idle = int(idle)
    except (TypeError, ValueError) as exc:
        raise ValueError("max_idle_seconds must be an integer") from exc
    return {
        "termination_policy": {"enable_auto_termination": bool(policy.get("enable_auto_termination")), "max_idle_seconds": idle},
        "pre_start_script_path": to_absolute(value.get("pre_start_script_path")),
        "post_start": {"command": post.get("command"), "hook_path": to_absolute(post.get("hook_path"))},
    }


def deterministic_hex(*parts):
    return uuid.uuid5(uuid.NAMESPACE_URL, "mage-sim:" + ":".join(str(p) for p in parts)).hex


class Workspace:
    """One workspace. Status is a list of timed phases evaluated lazily."""

    def __init__(self, spec, index=0):
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not spec["name"]:
            raise ValueError("a workspace spec needs a non-empty string 'name'")
        self.name = spec["name"]
        self.cluster_type = spec.get("cluster_type") or "k8s"
        if self.cluster_type not in CLUSTER_TYPES:
            raise ValueError("unknown cluster_type {0!r}".format(self.cluster_type))
        self.project_uuid = spec.get("project_uuid") or deterministic_hex(self.name)
        self.namespace = spec.get("namespace") or DEFAULT_NAMESPACE
        container_config = spec.get("container_config")
        if container_config is not None and not isinstance(container_config, str):
            raise ValueError("container_config must be a string")
        self.container_config = container_config
        self.lifecycle_config = normalise_lifecycle(spec.get("lifecycle_config"))
        self.ingress_name = spec.get("ingress_name")
        self.ingress_paths = list(spec.get("ingress_paths") or [])
        self.extra = {key: spec.get(key) for key in K8S_EXTRA_KEYS}
        if self.extra["service_account_name"] is None and "service_account_name" not in spec:
            self.extra["service_account_name"] = "mageai"
        self.cluster_name = spec.get("cluster_name") or "mage-cluster"
        self.task_definition = spec.get("task_definition") or "mage-task:1"
        self.container_name = spec.get("container_name") or "mage-container"
        self.project_id = spec.get("project_id") or "mage-project"
        self.region = spec.get("region") or "us-central1"
        self.fail_on_start = bool(spec.get("fail_on_start"))
        self.broken_images = [str(image) for image in spec.get("broken_images") or []]
        self.delays = {key: float(spec[key]) for key in DELAY_KEYS if spec.get(key) is not None}
        crc = zlib.crc32(self.name.encode("utf-8"))
        self.ip = spec.get("ip") or "10.{0}.{1}.{2}:6789".format((crc >> 16) & 255, (crc >> 8) & 255, (index or crc) % 254 + 1)
        self.tasks = 0
        self.task_arn = None
        self.known_tasks = set()
        status = spec.get("status", "RUNNING")
        self.has_instance = not ("instance" in spec and spec["instance"] is None) and status is not None
        if self.cluster_type == "cloud_run":
            status = "RUNNING"
        self.phases = [(float("-inf"), status or "STOPPED")]
        if self.cluster_type == "ecs":
            self.new_task(spec.get("task_arn"))

    # -- status ---------------------------------------------------------
    def status(self, now):
        current = self.phases[0][1]
        for start, value in self.phases:
            if start <= now:
                current = value
            else:
                break
        return current

    def target(self):
        return self.phases[-1][1]

    def set_phases(self, now, sequence):
        self.phases = [(now + offset, value) for offset, value in sequence]

    def new_task(self, arn=None):
        self.tasks += 1
        self.task_arn = arn or "arn:aws:ecs:us-east-1:123456789012:task/{0}/{1}".format(self.cluster_name, deterministic_hex(self.name, self.tasks))
        self.known_tasks.add(self.task_arn)

    def url(self, base_url):
        if "/" + self.name in self.ingress_paths:
            return "{0}/{1}".format(base_url, quote(self.name, safe=""))
        return None

    def to_dict(self, now, base_url):
        data = {"name": self.name, "project_uuid": self.project_uuid, "lifecycle_config": copy.deepcopy(self.lifecycle_config)}
        if self.cluster_type == "k8s":
            data["namespace"] = self.namespace
        data["container_config"] = self.container_config
        if self.cluster_type == "k8s":
            data["ingress_name"] = self.ingress_name
            data.update(self.extra)
            if self.ingress_name:
                data["url"] = self.url(base_url)
        elif self.cluster_type == "ecs":
            data.update({"cluster_name": self.cluster_name, "task_definition": self.task_definition, "container_name": self.container_name})
        elif self.cluster_type == "cloud_run":
            data.update({"project_id": self.project_id, "region": self.region})
        instance = None
        if self.has_instance:
            status = self.status(now)
            instance = {"name": self.name, "type": INSTANCE_TYPES[self.cluster_type], "status": status, "ip": self.ip}
            if self.cluster_type == "ecs":
                instance["task_arn"] = self.task_arn
                if status == "STOPPED":
                    instance["ip"] = None
        data["instance"] = instance
        return data


# Seeded transitional statuses and where they settle, with the delay that applies.
SEED_SETTLES = {
    "PENDING": ("RUNNING", "start_delay"),
    "UNAVAILABLE": ("RUNNING", "start_delay"),
    "PROVISIONING": ("RUNNING", "start_delay"),
    "ACTIVATING": ("RUNNING", "start_delay"),
    "DEACTIVATING": ("STOPPED", "stop_delay"),
    "STOPPING": ("STOPPED", "stop_delay"),
    "DEPROVISIONING": ("STOPPED", "stop_delay"),
}


def new_counters():
    return {"puts": {}, "ingress_paths": [], "tasks_started": 0, "pod_restarts": 0, "update_workspace_settings": 0}


def fleet_specs(count, mix="default"):
    """A deterministic fleet ws-0001.. for load tests."""
    specs = []
    for index in range(1, count + 1):
        name = "ws-{0:04d}".format(index)
        spec = {"name": name, "ingress_name": "mage-ingress", "ingress_paths": ["/" + name]}
        if mix == "k8s-running":
            spec["container_config"] = 'image_tag: "2026.06.01"\nenv:\n  - name: MAGE_ENV\n    value: fleet\n'
        elif mix == "default":
            if index == 5:
                spec["status"] = "FAILED"
            elif index % 10 == 3:
                spec["status"] = "STOPPED"
            elif index % 20 == 7:
                spec = {"name": name, "cluster_type": "ecs"}
            elif index % 20 == 11:
                spec = {"name": name, "cluster_type": "cloud_run"}
            elif index % 20 == 19:
                spec = {"name": name, "cluster_type": "docker"}
            elif index % 20 == 17:
                spec["ingress_paths"] = []
        else:
            raise ValueError("unknown mix {0!r}".format(mix))
        specs.append(spec)
    return specs


def validate_rule(rule):
    if not isinstance(rule, dict):
        raise ValueError("a fault rule must be an object")
    kind = str(rule.get("kind"))
    if kind not in FAULT_KINDS:
        raise ValueError("unknown fault kind {0!r}".format(rule.get("kind")))
    path = rule.get("path") or "*"
    if not isinstance(path, str):
        raise ValueError("path must be a string")
    method = rule.get("method")
    act = rule.get("act")
    return {
        "method": method.upper() if isinstance(method, str) else None,
        "path": path,
        "kind": kind,
        "count": int(rule.get("count", 1)),
        "retry_after": rule.get("retry_after", 1),
        "delay": float(rule.get("delay", 1.0)),
        "act": DEFAULT_ACT[kind] if act is None else bool(act),
    }


def path_matches(pattern, path):
    if pattern.endswith("*"):
        return path.startswith(pattern[:-1])
    return path == pattern


class SimState:
    """Everything the simulator knows, under one lock."""

    def __init__(self, config=None, specs=None, faults=None, users=None, token=None, viewer_token=None):
        self.lock = threading.Lock()
        self.initial_config = dict(DEFAULT_CONFIG)
        self.initial_config.update(config or {})
        self.initial_specs = copy.deepcopy(specs or [])
        self.initial_faults = [validate_rule(rule) for rule in (faults or [])]
        self.users = users or {
            "owner": {"email": "admin@example.com", "username": "admin", "password": "admin-password"},
            "viewer": {"email": "viewer@example.com", "username": "viewer", "password": "viewer-password"},
        }
        self.secret = secrets.token_bytes(32)
        self.owner_token = token or secrets.token_hex(16)
        self.viewer_token = viewer_token or secrets.token_hex(16)
        self.base_url = ""
        self.config = {}
        self.workspaces = {}
        self.counters = {}
        self.requests = []
        self.faults = []
        self.tokens = {}
        self.rng = random.Random()
        self.generation = 0
        self.reset()

    # -- lifecycle ------------------------------------------------------
    def reset(self):
        with self.lock:
            self.generation += 1
            self.config = dict(self.initial_config)
            self.rng = random.Random(self.config.get("fault_seed"))
            self.workspaces = {}
            self.counters = {}
            self.requests = []
            self.faults = copy.deepcopy(self.initial_faults)
            far = time.time() + 10 * 365 * 86400
            self.tokens = {self.owner_token: {"role": "owner", "expires": far}, self.viewer_token: {"role": "viewer", "expires": far}}
            self._seed(self.initial_specs, replace=True)

    def workspace_page(self, name):
        """What GET <workspace url> answers: 200 while the workspace runs an image that works, 500 while it runs one
        listed in its seed's `broken_images`, 503 while it does not run, 404 without an ingress path."""
        with self.lock:
            workspace = self.workspaces.get(name)
            if workspace is None or workspace.url(self.base_url) is None:
                return html_page(404, "Not Found")
            status = workspace.status(time.monotonic()) if workspace.has_instance else "STOPPED"
            config = workspace.container_config or ""
            broken = [image for image in workspace.broken_images if image in config]
        if status != "RUNNING":
            return html_page(503, "Service Temporarily Unavailable")
        if broken:
            return html_page(500, "Internal Server Error")
        return html_page(200, "Mage")

    def seed(self, specs, replace=False):
        with self.lock:
            self._seed(specs, replace)

    def _seed(self, specs, replace):
        built = [Workspace(spec, index) for index, spec in enumerate(specs, start=1)]
        now = time.monotonic()
        for workspace, spec in zip(built, specs):
            # A workspace seeded in transition gets there after the usual delay, unless the seed says "settle": false.
            seeded = workspace.phases[0][1]
            if spec.get("settle", True) and workspace.has_instance and seeded in SEED_SETTLES:
                final, key = SEED_SETTLES[seeded]
                if final == "RUNNING" and workspace.fail_on_start:
                    final = "FAILED"
                workspace.set_phases(now, [(0.0, seeded), (self.delay(workspace, key), final)])
        if replace:
            self.workspaces = {}
        for workspace in built:
            self.workspaces[workspace.name] = workspace
            self.counters[workspace.name] = new_counters()

    def set_config(self, values):
        with self.lock:
            for key, value in values.items():
                if key not in DEFAULT_CONFIG:
                    raise ValueError("unknown config key {0!r}".format(key))
                if key in DELAY_KEYS or key == "fault_rate":
                    value = float(value)
                if key == "flavour" and value not in ("pro", "oss"):
                    raise ValueError("flavour must be pro or oss")
                self.config[key] = value
                if key == "fault_seed":
                    self.rng = random.Random(value)
            return dict(self.config)

    def delay(self, workspace, key):
        return workspace.delays.get(key, self.config[key])

    # -- tokens ---------------------------------------------------------
    def mint_token(self, role, expired=False, ttl=TOKEN_TTL):
        token = secrets.token_hex(16)
        expires = time.time() - 60 if expired else time.time() + ttl
        with self.lock:
            self.tokens[token] = {"role": role, "expires": expires}
        return token, expires

    def jwt(self, token, expires):
        header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode("utf-8"))
        payload = b64url(json.dumps({"expires": expires, "token": token}).encode("utf-8"))
        signature = b64url(hmac.new(self.secret, "{0}.{1}".format(header, payload).encode("ascii"), hashlib.sha256).digest())
        return "{0}.{1}.{2}".format(header, payload, signature)

    def token_from_jwt(self, value):
        parts = value.split(".")
        if len(parts) != 3:
            return None
        try:
            expected = b64url(hmac.new(self.secret, "{0}.{1}".format(parts[0], parts[1]).encode("ascii"), hashlib.sha256).digest())
            if not hmac.compare_digest(expected, parts[2]):
                return None
            return json.loads(b64url_decode(parts[1])).get("token")
        except (ValueError, AttributeError, UnicodeError):
            return None

    def lookup_token(self, token):
        with self.lock:
            entry = self.tokens.get(token)
        if entry is None:
            return None, False
        return entry["role"], entry["expires"] < time.time()

    # -- faults ---------------------------------------------------------
    def add_faults(self, rules):
        validated = [validate_rule(rule) for rule in rules]
        with self.lock:
            self.faults.extend(validated)
            return list(self.faults)

    def clear_faults(self):
        with self.lock:
            self.faults = []

    def take_fault(self, method, path):
        with self.lock:
            for rule in self.faults:
                if rule["count"] > 0 and rule["method"] in (None, method) and path_matches(rule["path"], path):
                    rule["count"] -= 1
                    taken = dict(rule)
                    self.faults = [item for item in self.faults if item["count"] > 0]
                    return taken
            rate = self.config.get("fault_rate") or 0.0
            if rate > 0 and self.rng.random() < rate:
                return {"kind": self.rng.choice(RANDOM_FAULT_KINDS), "act": False, "retry_after": 0, "delay": 0.0, "random": True}
        return None

    # -- request log ----------------------------------------------------
    def log_request(self, entry, generation):
        """Log an API request, unless a reset happened while it was being served."""
        with self.lock:
            if generation == self.generation:
                self.requests.append(entry)

    # -- API operations (called with auth already checked) ---------------
    def _get(self, name, query):
        workspace = self.workspaces.get(name)
        wanted = query.get("cluster_type", [None])[0]
        if workspace is None or (wanted and wanted != workspace.cluster_type):
            raise ApiError(404, "Project {0} was not found.".format(name), "record_not_found")
        return workspace

    def list_workspaces(self, query):
        now = time.monotonic()
        wanted = query.get("cluster_type", [None])[0]
        namespaces = query.get("namespace[]", []) + query.get("namespace", [])
        with self.lock:
            result = []
            for workspace in self.workspaces.values():
                if not workspace.has_instance or (wanted and workspace.cluster_type != wanted):
                    continue
                if workspace.cluster_type == "k8s":
                    if namespaces and "__all__" not in namespaces and workspace.namespace not in namespaces:
                        continue
                    if not namespaces and workspace.namespace != DEFAULT_NAMESPACE:
                        continue
                result.append(workspace.to_dict(now, self.base_url))
        return result

    def detail(self, name, query):
        with self.lock:
            return self._get(name, query).to_dict(time.monotonic(), self.base_url)

    def delete(self, name, query):
        with self.lock:
            workspace = self._get(name, query)
            before = workspace.to_dict(time.monotonic(), self.base_url)
            counters = self.counters.setdefault(name, new_counters())
            counters["ingress_paths"] = list(workspace.ingress_paths)
            del self.workspaces[name]
            return before

    def create(self, payload, query):
        if not isinstance(payload, dict):
            raise ApiError(400, "'workspace'", "api_resource_error")
        name = payload.get("name")
        if not isinstance(name, str) or not name:
            raise ApiError(400, "'name'", "api_resource_error")
        spec = {key: value for key, value in payload.items() if key not in ("status", "instance", "task_arn", "ingress_paths", "fail_on_start")}
        spec["cluster_type"] = payload.get("cluster_type") or query.get("cluster_type", ["k8s"])[0]
        if spec["cluster_type"] not in CLUSTER_TYPES:
            raise ApiError(400, "Invalid cluster type {0}.".format(spec["cluster_type"]), "api_resource_error")
        spec["status"] = "STOPPED"
        with self.lock:
            if name in self.workspaces:
                raise ApiError(400, "Project with name {0} already exists".format(name), "api_resource_error")
            now = time.monotonic()
            try:
                workspace = Workspace(spec, len(self.workspaces) + 1)
            except ValueError as exc:
                raise ApiError(400, str(exc), "record_invalid") from exc
            counters = self.counters[name] = new_counters()
            self.workspaces[name] = workspace
            if workspace.cluster_type == "ecs":
                workspace.tasks = 0
                workspace.known_tasks = set()
                self._start(workspace, now, counters)
            elif workspace.cluster_type != "cloud_run":
                self._start(workspace, now, counters)
        return {"success": True}

    def _start(self, workspace, now, counters):
        delay = self.delay(workspace, "start_delay")
        final = "FAILED" if workspace.fail_on_start else "RUNNING"
        if workspace.cluster_type == "k8s":
            sequence = [(0.0, "UNAVAILABLE"), (delay / 3.0, "PENDING"), (delay, final)]
        elif workspace.cluster_type == "ecs":
            workspace.new_task()
            counters["tasks_started"] += 1
            sequence = [(0.0, "PROVISIONING"), (delay / 4.0, "PENDING"), (delay / 2.0, "ACTIVATING"), (delay, final)]
        else:
            sequence = [(0.0, "PENDING"), (delay, final)]
        workspace.has_instance = True
        workspace.set_phases(now, sequence)

    def update(self, name, payload, query):
        if payload is None:
            payload = {}
        if not isinstance(payload, dict):
            raise ApiError(400, "'workspace'", "api_resource_error")
        with self.lock:
            workspace = self._get(name, query)
            now = time.monotonic()
            before = workspace.to_dict(now, self.base_url)
            action = payload.get("action")
            counters = self.counters.setdefault(name, new_counters())
            if action is None:
                raise ApiError(400, "'action'", "api_resource_error")
            key = str(action)
            counters["puts"][key] = counters["puts"].get(key, 0) + 1
            handler = {
                "k8s": self._action_k8s,
                "docker": self._action_k8s,
                "ecs": self._action_ecs,
                "cloud_run": self._action_cloud_run,
            }[workspace.cluster_type]
            handler(workspace, key, payload, now, counters)
            return before

    def _action_k8s(self, workspace, action, payload, now, counters):
        current = workspace.status(now)
        if action == "stop":
            if workspace.has_instance and workspace.target() != "STOPPED":
                delay = self.delay(workspace, "stop_delay")
                workspace.set_phases(now, [(0.0, current), (delay, "STOPPED")])
        elif action == "resume":
            if not workspace.has_instance or workspace.target() == "STOPPED":
                self._start(workspace, now, counters)
        elif action == "patch":
            self._patch(workspace, payload, now, counters, current)
        elif action == "add_to_ingress":
            if workspace.cluster_type != "k8s":
                raise ApiError(400, NO_INGRESS, "api_resource_error")
            if workspace.ingress_name:
                workspace.ingress_paths.append("/" + workspace.name)

    def _patch(self, workspace, payload, now, counters, current):
        changed = False
        if payload.get("container_config") is not None:
            config = payload["container_config"]
            if not isinstance(config, str):
                raise ApiError(400, "container_config must be a YAML string.", "record_invalid")
            changed = config != workspace.container_config
            workspace.container_config = config
        if payload.get("lifecycle_config") is not None and self.config["flavour"] == "pro":
            try:
                workspace.lifecycle_config = normalise_lifecycle(payload["lifecycle_config"])
            except ValueError as exc:
                raise ApiError(400, str(exc), "record_invalid") from exc
        if payload.get("update_workspace_settings"):
            counters["update_workspace_settings"] += 1
        if changed and workspace.has_instance and current == "RUNNING" and workspace.target() == "RUNNING":
            counters["pod_restarts"] += 1
            final = "FAILED" if workspace.fail_on_start else "RUNNING"
            workspace.set_phases(now, [(0.0, "PENDING"), (self.delay(workspace, "patch_delay"), final)])

    def _action_ecs(self, workspace, action, payload, now, counters):
        if action == "stop":
            arn = payload.get("task_arn")
            if not arn:
                raise ApiError(400, "task_arn is required to stop an ECS workspace.", "api_resource_error")
            if arn not in workspace.known_tasks:
                raise ApiError(400, "Task {0} was not found.".format(arn), "api_resource_error")
            if workspace.target() != "STOPPED":
                delay = self.delay(workspace, "stop_delay")
                workspace.set_phases(now, [(0.0, "DEACTIVATING"), (delay / 3.0, "STOPPING"), (2.0 * delay / 3.0, "DEPROVISIONING"), (delay, "STOPPED")])
        elif action == "resume":
            self._start(workspace, now, counters)
        elif action == "patch":
            raise ApiError(400, NOT_IMPLEMENTED.format("ECS"), "api_resource_error")
        elif action == "add_to_ingress":
            raise ApiError(400, NO_INGRESS, "api_resource_error")

    @staticmethod
    def _action_cloud_run(workspace, action, payload, now, counters):
        del workspace, payload, now, counters
        if action in ("stop", "resume", "patch"):
            raise ApiError(400, NOT_IMPLEMENTED.format("Cloud Run"), "api_resource_error")
        if action == "add_to_ingress":
            raise ApiError(400, NO_INGRESS, "api_resource_error")

    # -- admin views ----------------------------------------------------
    def counters_view(self):
        with self.lock:
            result = {}
            for name, counters in self.counters.items():
                item = copy.deepcopy(counters)
                workspace = self.workspaces.get(name)
                if workspace is not None:
                    item["ingress_paths"] = list(workspace.ingress_paths)
                result[name] = item
            return {"workspaces": result}

    def requests_view(self):
        with self.lock:
            return {"requests": copy.deepcopy(self.requests)}

    def clear_requests(self):
        with self.lock:
            self.requests = []

    def workspace_view(self, name):
        with self.lock:
            workspace = self.workspaces.get(name)
            if workspace is None:
                return None
            now = time.monotonic()
            return {
                "workspace": workspace.to_dict(now, self.base_url),
                "cluster_type": workspace.cluster_type,
                "has_instance": workspace.has_instance,
                "status": workspace.status(now),
                "target_status": workspace.target(),
                "ingress_paths": list(workspace.ingress_paths),
                "task_arns": sorted(workspace.known_tasks),
            }


def redact(body):
    if isinstance(body, dict) and isinstance(body.get("session"), dict) and "password" in body["session"]:
        body = copy.deepcopy(body)
        body["session"]["password"] = "********"
    return body


def error_response(err, query):
    payload = {"error": {"code": err.code, "message": err.message, "type": err.err_type}, "status": 200}
    if err.auth:
        status = 401
    elif query.get("_http_error_codes", [""])[0].lower() in ("true", "1"):
        status = err.code
    else:
        status = 200
    return json_response(payload, status)


class SimRequestHandler(BaseHTTPRequestHandler):
    """Serves the Mage API under <prefix>/api/ and the admin API under /_sim/."""

    server_version = "MageSim/1.0"
    protocol_version = "HTTP/1.1"
    timeout = 120

    def setup(self):
        super().setup()
        # Headers and body leave in separate writes; without TCP_NODELAY, Nagle's algorithm holds the body back
        # until the client's delayed ACK (about 40 ms a response). Production web servers set it too.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if isinstance(self.request, ssl.SSLSocket):
            self.request.do_handshake()

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if not self.server.quiet:
            sys.stderr.write("%s - - [%s] %s\n" % (self.address_string(), self.log_date_time_string(), format % args))

    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def do_PUT(self):
        self._dispatch()

    def do_DELETE(self):
        self._dispatch()

    def do_PATCH(self):
        self._dispatch()

    def do_HEAD(self):
        self._dispatch()

    def do_OPTIONS(self):
        self._dispatch()

    # -- plumbing -------------------------------------------------------
    def _read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, response):
        if response is None:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _dispatch(self):
        raw = self._read_body()
        parts = urlsplit(self.path)
        path = parts.path
        query = parse_qs(parts.query, keep_blank_values=True)
        try:
            body = json.loads(raw.decode("utf-8")) if raw.strip() else None
            body_ok = True
        except ValueError:
            body, body_ok = None, False
        if path == "/_sim" or path.startswith("/_sim/"):
            self._send(self._admin(path, body, body_ok))
            return
        prefix = self.server.prefix
        api_path = None
        if not prefix:
            api_path = path
        elif path.startswith(prefix + "/"):
            api_path = path[len(prefix):]
        if api_path is None or not (api_path == "/api" or api_path.startswith("/api/")):
            # A workspace's own url (<base>/<name>) answers like Mage's web server behind the ingress would.
            self._send(self.server.state.workspace_page(unquote(api_path.strip("/").split("/")[0])) if api_path else html_page(404, "Not Found"))
            return
        self._api(api_path, query, body, body_ok)

    # -- API ------------------------------------------------------------
    def _api(self, api_path, query, body, body_ok):
        state = self.server.state
        method = self.command
        segments = [unquote(seg) for seg in api_path.split("/")[2:]]
        entry = {
            "method": method,
            "path": unquote(urlsplit(self.path).path),
            "query": query,
            "body": redact(body),
            "status": None,
            "fault": None,
            "workspace": None,
            "action": None,
        }
        payload = body.get("workspace") if isinstance(body, dict) else None
        if len(segments) == 2 and segments[0] == "workspaces":
            entry["workspace"] = segments[1]
        elif segments == ["workspaces"] and method == "POST" and isinstance(payload, dict):
            entry["workspace"] = payload.get("name")
        if method == "PUT" and isinstance(payload, dict):
            entry["action"] = payload.get("action")

        generation = state.generation
        fault = state.take_fault(method, unquote(api_path))
        response = None
        if fault is not None:
            entry["fault"] = fault["kind"]
            if fault["kind"] == "slow":
                if not fault["act"]:
                    time.sleep(fault["delay"])
                response = self._api_response(segments, query, body, body_ok)
                if fault["act"]:
                    time.sleep(fault["delay"])
            else:
                if fault["act"]:
                    self._api_response(segments, query, body, body_ok)
                response = self._fault_response(fault, segments)
        else:
            response = self._api_response(segments, query, body, body_ok)
        entry["status"] = response.status if response is not None else None
        state.log_request(entry, generation)
        self._send(response)

    @staticmethod
    def _fault_response(fault, segments):
        kind = fault["kind"]
        if kind == "drop":
            return None
        if kind == "429":
            return text_response("429 Too Many Requests\n", 429, headers=[("Retry-After", str(fault["retry_after"]))])
        if kind == "redirect":
            # A front end that sends plain http to https (an ingress forcing TLS); the query stands for an SSO hop.
            response = html_page(302, "Found")
            name = segments[1] if len(segments) > 1 else ""
            response.headers.append(("Location", "https://sso:s3cr3t@mage.example.com/api/workspaces/%s?state=s3cr3t" % name))
            return response
        if kind == "500":
            return crash_response("'NoneType' object has no attribute 'status'", {"pk": segments[1] if len(segments) > 1 else None, "resource": "workspaces"})
        status, reason = PROXY_PAGES[kind]
        response = html_page(status, reason)
        if kind == "503":
            response.headers.append(("Retry-After", str(fault["retry_after"])))
        return response

    def _api_response(self, segments, query, body, body_ok):
        method = self.command
        if segments == ["sessions"]:
            allowed = ("POST",)
        elif segments == ["workspaces"]:
            allowed = ("GET", "POST")
        elif len(segments) == 2 and segments[0] == "workspaces" and segments[1]:
            allowed = ("GET", "PUT", "DELETE")
        else:
            return html_page(404, "Not Found")
        if method not in allowed:
            response = html_page(405, "Method Not Allowed")
            response.headers.append(("Allow", ", ".join(allowed)))
            return response
        try:
            return self._api_call(segments, query, body, body_ok)
        except ApiError as err:
            return error_response(err, query)
        except CrashError as exc:
            pk = segments[1] if len(segments) > 1 else None
            return crash_response(str(exc), {"pk": pk, "resource": segments[0]})

    def _auth(self, query, body, need_token=True):
        state = self.server.state
        key = self.headers.get("X-API-KEY")
        if key is None and query.get("api_key"):
            key = query["api_key"][0]
        if key is None and isinstance(body, dict) and isinstance(body.get("api_key"), str):
            key = body["api_key"]
        if key is not None and key != API_KEY:
            raise ApiError(401, "Invalid API key.", "invalid_api_key", auth=True)
        if key is None and state.config["flavour"] == "oss":
            raise ApiError(401, "Invalid API key.", "invalid_api_key", auth=True)
        if not need_token:
            return None
        token = self.headers.get("OAUTH-TOKEN")
        if token is None:
            authorization = self.headers.get("Authorization") or ""
            if authorization.lower().startswith("bearer "):
                token = authorization[7:].strip()
        if token is None:
            cookie = self.headers.get("Cookie") or ""
            for item in cookie.split(";"):
                name, _sep, value = item.strip().partition("=")
                if name == "oauth_token" and value:
                    token = state.token_from_jwt(unquote(value)) or ""
        if not token:
            raise ApiError(403, "Unauthorized access.", "unauthorized_access")
        role, expired = state.lookup_token(token)
        if role is None:
            raise ApiError(401, "Invalid token.", "invalid_oauth_token", auth=True)
        if expired:
            raise ApiError(401, "Token expired.", "expired_oauth_token", auth=True)
        return role

    def _api_call(self, segments, query, body, body_ok):
        state = self.server.state
        method = self.command
        if segments == ["sessions"]:
            self._auth(query, body, need_token=False)
            return self._login(body)
        role = self._auth(query, body)
        if method != "GET" and role != "owner":
            raise ApiError(403, "Unauthorized access.", "unauthorized_access")
        if not body_ok:
            raise ApiError(400, "Invalid JSON in the request body.", "api_resource_error")
        if len(segments) == 1:
            if method == "GET":
                return json_response({"workspaces": state.list_workspaces(query), "metadata": {}})
            payload = body.get("workspace") if isinstance(body, dict) else None
            return json_response({"workspace": state.create(payload, query), "metadata": None})
        name = segments[1]
        if state.config.get("require_cluster_type") and not query.get("cluster_type", [""])[0]:
            raise CrashError("'NoneType' object has no attribute 'get_workspace'")
        if method == "GET":
            workspace = state.detail(name, query)
        elif method == "DELETE":
            workspace = state.delete(name, query)
        else:
            payload = body.get("workspace") if isinstance(body, dict) else None
            workspace = state.update(name, payload, query)
        return json_response({"workspace": workspace, "metadata": None})

    def _login(self, body):
        state = self.server.state
        session = body.get("session") if isinstance(body, dict) else None
        if not isinstance(session, dict):
            raise ApiError(400, "'session'", "api_resource_error")
        login = session.get("email") or session.get("username")
        for role, user in state.users.items():
            if login in (user["email"], user["username"]) and session.get("password") == user["password"]:
                token, expires = state.mint_token(role)
                user_id, display = USER_FIELDS[role]
                return json_response({
                    "session": {
                        "token": state.jwt(token, expires),
                        "expires": datetime.fromtimestamp(expires, timezone.utc).isoformat(),
                        "user": {
                            "id": user_id,
                            "email": user["email"],
                            "username": user["username"],
                            "roles": user_id,
                            "roles_display": display,
                            "owner": role == "owner",
                        },
                    },
                })
        raise ApiError(400, "Email/username and/or password invalid.", "record_invalid")

    # -- admin ----------------------------------------------------------
    def _admin(self, path, body, body_ok):
        try:
            if not body_ok:
                raise ValueError("invalid JSON body")
            return self._admin_call(path.rstrip("/"), body if body is not None else {})
        except (ValueError, TypeError, KeyError) as exc:
            return json_response({"error": str(exc)}, 400)

    def _admin_call(self, path, body):  # pylint: disable=too-many-return-statements
        state = self.server.state
        method = self.command
        if not isinstance(body, dict):
            raise ValueError("the body must be a JSON object")
        route = (method, path)
        if route == ("GET", "/_sim/health"):
            return json_response({"ok": True})
        if route == ("GET", "/_sim/requests"):
            return json_response(state.requests_view())
        if route == ("DELETE", "/_sim/requests"):
            state.clear_requests()
            return json_response({"ok": True})
        if route == ("GET", "/_sim/counters"):
            return json_response(state.counters_view())
        if route == ("POST", "/_sim/reset"):
            state.reset()
            return json_response({"ok": True})
        if route == ("POST", "/_sim/seed"):
            specs = body.get("workspaces") or []
            if not isinstance(specs, list):
                raise ValueError("workspaces must be a list")
            state.seed(specs, replace=bool(body.get("replace", False)))
            return json_response({"ok": True, "count": len(specs)})
        if route == ("GET", "/_sim/faults"):
            with state.lock:
                return json_response({"rules": copy.deepcopy(state.faults)})
        if route == ("POST", "/_sim/faults"):
            rules = body["rules"] if "rules" in body else [body]
            return json_response({"rules": state.add_faults(rules)})
        if route == ("DELETE", "/_sim/faults"):
            state.clear_faults()
            return json_response({"ok": True})
        if route == ("GET", "/_sim/config"):
            with state.lock:
                return json_response({"config": dict(state.config)})
        if route == ("POST", "/_sim/config"):
            return json_response({"config": state.set_config(body)})
        if route == ("POST", "/_sim/tokens"):
            role = body.get("role", "owner")
            if role not in ("owner", "viewer"):
                raise ValueError("role must be owner or viewer")
            token, expires = state.mint_token(role, expired=bool(body.get("expired")), ttl=float(body.get("ttl", TOKEN_TTL)))
            return json_response({"token": token, "jwt": state.jwt(token, expires), "expires": expires})
        if method == "GET" and path.startswith("/_sim/workspaces/"):
            view = state.workspace_view(unquote(path[len("/_sim/workspaces/"):]))
            if view is None:
                return json_response({"error": "no such workspace"}, 404)
            return json_response(view)
        return json_response({"error": "unknown admin endpoint {0} {1}".format(method, path)}, 404)


class SimServer(ThreadingHTTPServer):
    """The simulator's HTTP(S) server."""

    daemon_threads = True
    request_queue_size = 2048
    allow_reuse_address = True

    def __init__(self, state, host="127.0.0.1", port=0, prefix="", quiet=True, ssl_context=None):
        self.state = state
        self.prefix = "/" + prefix.strip("/") if prefix and prefix.strip("/") else ""
        self.quiet = quiet
        super().__init__((host, port), SimRequestHandler)
        scheme = "http"
        if ssl_context is not None:
            self.socket = ssl_context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)
            scheme = "https"
        bound_host, bound_port = self.server_address[:2]
        shown = "127.0.0.1" if bound_host in ("0.0.0.0", "") else bound_host
        self.root_url = "{0}://{1}:{2}".format(scheme, shown, bound_port)
        self.url = self.root_url + self.prefix
        state.base_url = self.url

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, ssl.SSLError, socket.timeout, TimeoutError)):
            return
        if not self.quiet:
            super().handle_error(request, client_address)
