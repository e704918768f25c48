# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Command line: PYTHONPATH=tests/simulator python -m mage_sim --help"""

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import threading

from .server import SimServer, SimState, fleet_specs


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m mage_sim", description="Mage workspaces API simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--flavour", choices=("pro", "oss"), default="pro")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a generated CA (written to STATE_DIR/ca.pem)")
    parser.add_argument("--state-dir", help="where certificates go (default: a temporary directory removed on exit)")
    parser.add_argument("--prefix", default="", help="path prefix of the API, e.g. /mage")
    parser.add_argument("--workspaces", type=int, default=0, help="seed a deterministic fleet ws-0001..")
    parser.add_argument("--mix", choices=("default", "k8s-running"), default="default")
    parser.add_argument("--seed-file", help='JSON file {"workspaces": [spec, ...]}')
    parser.add_argument("--token", help="the static owner token (default: random)")
    parser.add_argument("--viewer-token", help="the static viewer token (default: random)")
    parser.add_argument("--owner-email", default="admin@example.com")
    parser.add_argument("--owner-username", default="admin")
    parser.add_argument("--owner-password", default="admin-password")
    parser.add_argument("--viewer-email", default="viewer@example.com")
    parser.add_argument("--viewer-username", default="viewer")
    parser.add_argument("--viewer-password", default="viewer-password")
    parser.add_argument("--stop-delay", type=float, default=1.0)
    parser.add_argument("--start-delay", type=float, default=1.5)
    parser.add_argument("--patch-delay", type=float, default=1.0)
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--fault-seed", type=int)
    parser.add_argument("--fault", action="append", default=[], help="a fault rule as JSON (repeatable)")
    parser.add_argument("--require-cluster-type", action="store_true")
    parser.add_argument("--ready-file")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--parent-pid", type=int,
                        help="exit when this process is gone (test fixtures pass their own pid, so a forked test "
                             "that ends without its teardown does not leave the simulator running)")
    return parser.parse_args(argv)


def build_specs(args):
    specs = fleet_specs(args.workspaces, args.mix) if args.workspaces else []
    if args.seed_file:
        with open(args.seed_file, encoding="utf-8") as handle:
            data = json.load(handle)
        extra = data.get("workspaces", []) if isinstance(data, dict) else data
        names = {spec.get("name") for spec in extra}
        specs = [spec for spec in specs if spec["name"] not in names] + extra
    return specs


def process_alive(pid):
    """Whether process ``pid`` still exists (a zombie counts as gone: its parent no longer runs code)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open("/proc/{0}/stat".format(pid), encoding="utf-8") as handle:
            return handle.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True


def main(argv=None):
    args = parse_args(argv)
    users = {
        "owner": {"email": args.owner_email, "username": args.owner_username, "password": args.owner_password},
        "viewer": {"email": args.viewer_email, "username": args.viewer_username, "password": args.viewer_password},
    }
    config = {
        "flavour": args.flavour,
        "stop_delay": args.stop_delay,
        "start_delay": args.start_delay,
        "patch_delay": args.patch_delay,
        "fault_rate": args.fault_rate,
        "fault_seed": args.fault_seed,
        "require_cluster_type": args.require_cluster_type,
    }
    state = SimState(config=config, specs=build_specs(args), faults=[json.loads(rule) for rule in args.fault],
                     users=users, token=args.token, viewer_token=args.viewer_token)

    made_state_dir = None
    ssl_context = None
    ca_path = None
    if args.tls:
        state_dir = args.state_dir
        if not state_dir:
            state_dir = made_state_dir = tempfile.mkdtemp(prefix="mage-sim-")
        from .tls import server_context

        hosts = ["127.0.0.1", "localhost"]
        if args.host not in hosts and args.host not in ("0.0.0.0", ""):
            hosts.append(args.host)
        ssl_context, ca_path = server_context(state_dir, hosts)
        ca_path = os.path.abspath(ca_path)

    server = SimServer(state, host=args.host, port=args.port, prefix=args.prefix, quiet=args.quiet, ssl_context=ssl_context)
    stop = threading.Event()

    def on_signal(signum, frame):
        del signum, frame
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()

    if args.ready_file:
        ready = {
            "url": server.url,
            "token": state.owner_token,
            "viewer_token": state.viewer_token,
            "ca_path": ca_path,
            "admin_url": server.root_url + "/_sim",
            "pid": os.getpid(),
        }
        temp = args.ready_file + ".tmp"
        with open(temp, "w", encoding="utf-8") as handle:
            json.dump(ready, handle)
        os.replace(temp, args.ready_file)

    lines = ["MAGE_URL=" + server.url, "MAGE_OAUTH_TOKEN=" + state.owner_token, "MAGE_VIEWER_TOKEN=" + state.viewer_token]
    if ca_path:
        lines.append("MAGE_CA_PATH=" + ca_path)
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
    while not stop.wait(0.5):
        if args.parent_pid and not process_alive(args.parent_pid):
            break
    server.shutdown()
    server.server_close()
    thread.join(5)
    if made_state_dir:
        shutil.rmtree(made_state_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
