# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A tiny stdlib client for the simulator's admin endpoints (/_sim/...)."""

import json
import ssl
import urllib.error
import urllib.request
from urllib.parse import quote, urlsplit


class SimAdminError(Exception):
    """An admin call failed."""


class SimAdmin:
    """Client for /_sim/...; base_url is the server root (any path in it, such as a prefix or /_sim, is ignored)."""

    def __init__(self, base_url, ca_path=None, timeout=30.0):
        parts = urlsplit(base_url)
        self.base_url = "{0}://{1}".format(parts.scheme, parts.netloc)
        self.timeout = timeout
        handlers = []
        if parts.scheme == "https":
            context = ssl.create_default_context(cafile=ca_path) if ca_path else ssl.create_default_context()
            handlers.append(urllib.request.HTTPSHandler(context=context))
        self._opener = urllib.request.build_opener(*handlers)

    def call(self, method, path, payload=None):
        data = None if payload is None else json.dumps(payload).encode("utf-8")
        request = urllib.request.Request(self.base_url + "/_sim/" + path.lstrip("/"), data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise SimAdminError("{0} {1}: HTTP {2}: {3}".format(method, path, exc.code, exc.read().decode("utf-8", "replace"))) from exc

    def health(self):
        return self.call("GET", "health")

    def requests(self, clear=False):
        result = self.call("GET", "requests")["requests"]
        if clear:
            self.clear_requests()
        return result

    def clear_requests(self):
        return self.call("DELETE", "requests")

    def counters(self, name=None):
        result = self.call("GET", "counters")["workspaces"]
        if name is None:
            return result
        return result.get(name, {"puts": {}, "ingress_paths": [], "tasks_started": 0, "pod_restarts": 0, "update_workspace_settings": 0})

    def reset(self):
        return self.call("POST", "reset")

    def seed(self, workspaces, replace=False):
        return self.call("POST", "seed", {"workspaces": list(workspaces), "replace": replace})

    def add_faults(self, *rules):
        return self.call("POST", "faults", {"rules": list(rules)})["rules"]

    def fault(self, kind, path="*", method=None, count=1, **extra):
        rule = {"kind": kind, "path": path, "method": method, "count": count}
        rule.update(extra)
        return self.add_faults(rule)

    def faults(self):
        return self.call("GET", "faults")["rules"]

    def clear_faults(self):
        return self.call("DELETE", "faults")

    def config(self, **values):
        if not values:
            return self.call("GET", "config")["config"]
        return self.call("POST", "config", values)["config"]

    def mint_token(self, role="owner", expired=False, **extra):
        payload = {"role": role, "expired": expired}
        payload.update(extra)
        return self.call("POST", "tokens", payload)["token"]

    def workspace(self, name):
        return self.call("GET", "workspaces/" + quote(name, safe=""))
