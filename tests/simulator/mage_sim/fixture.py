# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start the simulator as a subprocess, for tests (no pytest needed)."""

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from .admin import SimAdmin

SIM_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_FLAGS = {
    "host": "--host",
    "port": "--port",
    "flavour": "--flavour",
    "prefix": "--prefix",
    "workspaces": "--workspaces",
    "mix": "--mix",
    "seed_file": "--seed-file",
    "token": "--token",
    "viewer_token": "--viewer-token",
    "owner_email": "--owner-email",
    "owner_username": "--owner-username",
    "owner_password": "--owner-password",
    "viewer_email": "--viewer-email",
    "viewer_username": "--viewer-username",
    "viewer_password": "--viewer-password",
    "stop_delay": "--stop-delay",
    "start_delay": "--start-delay",
    "patch_delay": "--patch-delay",
    "fault_rate": "--fault-rate",
    "fault_seed": "--fault-seed",
}
_SWITCHES = {"tls": "--tls", "require_cluster_type": "--require-cluster-type", "quiet": "--quiet"}


class RunningSim:
    """A simulator subprocess: url, token, viewer_token, ca_path, admin, stop()."""

    def __init__(self, process, ready, state_dir, owns_state_dir, log_path):
        self.process = process
        self.url = ready["url"]
        self.token = ready["token"]
        self.viewer_token = ready["viewer_token"]
        self.ca_path = ready.get("ca_path")
        self.admin_url = ready["admin_url"]
        self.pid = ready["pid"]
        self.state_dir = state_dir
        self.log_path = log_path
        self._owns_state_dir = owns_state_dir
        self.admin = SimAdmin(self.admin_url, ca_path=self.ca_path)

    @property
    def verify(self):
        """What to pass as `verify=` to requests."""
        return self.ca_path if self.ca_path else True

    def env(self):
        """Environment variables a client of this simulator would use."""
        result = {"MAGE_URL": self.url, "MAGE_OAUTH_TOKEN": self.token, "MAGE_VIEWER_TOKEN": self.viewer_token}
        if self.ca_path:
            result["MAGE_CA_PATH"] = self.ca_path
        return result

    def log(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as handle:
                return handle.read()
        except OSError:
            return ""

    def stop(self, timeout=10.0):
        """Stop with SIGTERM; return the exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        if self._owns_state_dir:
            shutil.rmtree(self.state_dir, ignore_errors=True)
        return self.process.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


def start_simulator(seed=None, extra_args=None, state_dir=None, timeout=30.0, python=None, **options):
    """Launch `python -m mage_sim` on a free port and wait until it is ready.

    options: the CLI options with underscores (flavour="oss", tls=True, prefix="/mage", workspaces=100, stop_delay=0.2, ...);
    seed: a list of workspace specs (written to a seed file); faults: a list of fault rules.
    """
    owns = state_dir is None
    if owns:
        state_dir = tempfile.mkdtemp(prefix="mage-sim-")
    os.makedirs(state_dir, exist_ok=True)
    ready_file = os.path.join(state_dir, "ready.json")
    if os.path.exists(ready_file):
        os.unlink(ready_file)
    options.setdefault("quiet", True)
    faults = options.pop("faults", None) or []
    command = [python or sys.executable, "-m", "mage_sim", "--ready-file", ready_file, "--state-dir", state_dir,
               "--parent-pid", str(os.getpid())]
    for key, value in options.items():
        if key in _SWITCHES:
            if value:
                command.append(_SWITCHES[key])
        elif key in _FLAGS:
            if value is not None:
                command.extend([_FLAGS[key], str(value)])
        else:
            raise TypeError("unknown simulator option {0!r}".format(key))
    for rule in faults:
        command.extend(["--fault", json.dumps(rule)])
    if seed is not None:
        seed_path = os.path.join(state_dir, "seed.json")
        with open(seed_path, "w", encoding="utf-8") as handle:
            json.dump({"workspaces": list(seed)}, handle)
        command.extend(["--seed-file", seed_path])
    command.extend(extra_args or [])

    env = dict(os.environ)
    env["PYTHONPATH"] = SIM_ROOT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    log_path = os.path.join(state_dir, "sim.log")
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # pylint: disable=consider-using-with
    deadline = time.monotonic() + timeout
    while True:
        if os.path.exists(ready_file):
            with open(ready_file, encoding="utf-8") as handle:
                ready = json.load(handle)
            return RunningSim(process, ready, state_dir, owns, log_path)
        if process.poll() is not None or time.monotonic() > deadline:
            if process.poll() is None:
                process.kill()
                process.wait()
            with open(log_path, encoding="utf-8", errors="replace") as handle:
                output = handle.read()
            if owns:
                shutil.rmtree(state_dir, ignore_errors=True)
            raise RuntimeError("the simulator did not start (exit {0}): {1}".format(process.returncode, output))
        time.sleep(0.05)


@contextlib.contextmanager
def simulator(**options):
    """Context manager around start_simulator()."""
    sim = start_simulator(**options)
    try:
        yield sim
    finally:
        sim.stop()
