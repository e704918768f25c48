# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The PUT actions per cluster type and the timed transitions (contract sections 3 and 4)."""

import time

ALICE_CONFIG = "env:\n  - name: ENV\n    value: test\n"
NEW_CONFIG = 'image_tag: "2026.06.16"\nenv:\n  - name: ENV\n    value: prod\n'


def test_k8s_stop_then_stopped(api, mage_sim):
    body = api.put("dev-alice", "stop")
    assert body["metadata"] is None
    assert body["workspace"]["instance"]["status"] == "RUNNING"  # the state before the action
    assert api.status("dev-alice") == "RUNNING"  # still terminating
    seen = api.wait_status("dev-alice", "STOPPED")
    assert seen[0] == "RUNNING"
    assert set(seen) <= {"RUNNING", "STOPPED"}
    again = api.put("dev-alice", "stop")  # harmless
    assert again["workspace"]["instance"]["status"] == "STOPPED"
    time.sleep(0.05)
    assert api.status("dev-alice") == "STOPPED"
    assert mage_sim.admin.counters("dev-alice")["puts"] == {"stop": 2}


def test_k8s_resume_sequence(api, mage_sim):
    mage_sim.admin.config(start_delay=0.6)
    body = api.put("dev-bob", "resume")
    assert body["workspace"]["instance"]["status"] == "STOPPED"
    seen = api.wait_status("dev-bob", "RUNNING")
    assert seen[-1] == "RUNNING"
    assert seen[0] in ("UNAVAILABLE", "PENDING")
    assert seen[-2:] == ["PENDING", "RUNNING"]
    assert set(seen) <= {"UNAVAILABLE", "PENDING", "RUNNING"}
    api.put("dev-bob", "resume")  # harmless
    assert api.status("dev-bob") == "RUNNING"


def test_k8s_resume_repeat_during_start(api):
    api.put("dev-bob", "resume")
    api.put("dev-bob", "resume")
    api.wait_status("dev-bob", "RUNNING")


def test_resume_creates_instance(api):
    api.put("ghost", "resume")
    api.wait_status("ghost", "RUNNING")


def test_k8s_patch_rolls_pod(api, mage_sim):
    body = api.put("dev-alice", "patch", container_config=NEW_CONFIG, update_workspace_settings=True)
    assert body["workspace"]["container_config"] == ALICE_CONFIG  # before
    assert api.workspace("dev-alice")["container_config"] == NEW_CONFIG  # stored wholesale, exact string
    seen = api.wait_status("dev-alice", "RUNNING")
    assert seen[0] == "PENDING"
    counters = mage_sim.admin.counters("dev-alice")
    assert counters["pod_restarts"] == 1
    assert counters["update_workspace_settings"] == 1
    assert "update_workspace_settings" not in api.workspace("dev-alice")
    # the same config again does not roll
    api.put("dev-alice", "patch", container_config=NEW_CONFIG)
    assert api.status("dev-alice") == "RUNNING"
    assert mage_sim.admin.counters("dev-alice")["pod_restarts"] == 1


def test_k8s_patch_stopped_does_not_roll(api, mage_sim):
    api.put("dev-bob", "patch", container_config="a: 1\n")
    assert api.status("dev-bob") == "STOPPED"
    assert api.workspace("dev-bob")["container_config"] == "a: 1\n"
    assert mage_sim.admin.counters("dev-bob")["pod_restarts"] == 0


def test_patch_rejects_non_string_config(api):
    body = api.put("dev-alice", "patch", container_config={"a": 1})
    assert body["error"]["code"] == 400


def test_lifecycle_pro_vs_oss(api, mage_sim):
    lifecycle = {"termination_policy": {"enable_auto_termination": True}, "pre_start_script_path": "scripts/pre.sh"}
    api.put("no-ingress", "patch", lifecycle_config=lifecycle)
    assert api.workspace("no-ingress")["lifecycle_config"] == {
        "termination_policy": {"enable_auto_termination": True, "max_idle_seconds": 0},
        "pre_start_script_path": "/home/src/scripts/pre.sh",
        "post_start": {"command": None, "hook_path": None},
    }
    assert api.status("no-ingress") == "RUNNING"  # lifecycle alone does not roll
    mage_sim.admin.config(flavour="oss")
    before = api.workspace("dev-alice")["lifecycle_config"]
    api.put("dev-alice", "patch", lifecycle_config={"termination_policy": {"max_idle_seconds": 5}})
    assert api.workspace("dev-alice")["lifecycle_config"] == before


def test_add_to_ingress_duplicates(api, mage_sim):
    assert api.workspace("dev-bob")["url"] is None
    body = api.put("dev-bob", "add_to_ingress")
    assert body["workspace"]["url"] is None  # before
    assert api.workspace("dev-bob")["url"] == mage_sim.url + "/dev-bob"
    api.put("dev-bob", "add_to_ingress")
    assert mage_sim.admin.counters("dev-bob")["ingress_paths"] == ["/dev-bob", "/dev-bob"]
    api.put("dev-alice", "add_to_ingress")
    assert mage_sim.admin.counters("dev-alice")["ingress_paths"] == ["/dev-alice", "/dev-alice"]


def test_add_to_ingress_without_ingress_name(api, mage_sim):
    body = api.put("no-ingress", "add_to_ingress")
    assert "error" not in body
    assert "url" not in api.workspace("no-ingress")
    assert mage_sim.admin.counters("no-ingress")["ingress_paths"] == []


def test_unknown_and_missing_action(api, mage_sim):
    before = api.workspace("dev-alice")
    body = api.put("dev-alice", "dance")
    assert body == {"workspace": before, "metadata": None}
    assert api.workspace("dev-alice") == before
    body = api.put("dev-alice", None, container_config="x: 1\n")
    assert body["error"] == {"code": 400, "message": "'action'", "type": "api_resource_error"}
    assert api.workspace("dev-alice")["container_config"] == ALICE_CONFIG
    assert mage_sim.admin.counters("dev-alice")["puts"] == {"dance": 1}


def test_ecs_stop_needs_task_arn(api):
    body = api.put("ecs-one", "stop")
    assert body["error"]["code"] == 400
    assert api.put("ecs-one", "stop", task_arn="arn:nope")["error"]["code"] == 400
    arn = api.workspace("ecs-one")["instance"]["task_arn"]
    body = api.put("ecs-one", "stop", task_arn=arn)
    assert body["workspace"]["instance"]["status"] == "RUNNING"
    seen = api.wait_status("ecs-one", "STOPPED")
    assert seen[0] in ("DEACTIVATING", "STOPPING", "DEPROVISIONING")
    assert set(seen) <= {"DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"}


def test_ecs_resume_starts_another_task_every_call(api, mage_sim):
    first = api.workspace("ecs-one")["instance"]["task_arn"]
    api.put("ecs-one", "resume")
    second = api.workspace("ecs-one")["instance"]["task_arn"]
    seen = api.wait_status("ecs-one", "RUNNING")
    assert seen[0] in ("PROVISIONING", "PENDING", "ACTIVATING")
    api.put("ecs-one", "resume")
    third = api.workspace("ecs-one")["instance"]["task_arn"]
    assert len({first, second, third}) == 3
    assert mage_sim.admin.counters("ecs-one")["tasks_started"] == 2


def test_ecs_refusals(api):
    assert api.put("ecs-one", "patch", container_config="a: 1\n")["error"]["code"] == 400
    body = api.put("ecs-one", "add_to_ingress")
    assert body["error"] == {"code": 400, "message": "This workspace does not support ingress.", "type": "api_resource_error"}


def test_cloud_run_refusals(api, mage_sim):
    for action in ("stop", "resume", "patch"):
        body = api.put("cr-one", action)
        assert body["error"]["code"] == 400
        assert "not implemented" in body["error"]["message"]
    assert api.put("cr-one", "add_to_ingress")["error"]["message"] == "This workspace does not support ingress."
    assert "error" not in api.put("cr-one", "dance")
    assert api.status("cr-one") == "RUNNING"
    assert mage_sim.admin.counters("cr-one")["puts"] == {"stop": 1, "resume": 1, "patch": 1, "add_to_ingress": 1, "dance": 1}


def test_docker_actions(api, mage_sim):
    api.put("dock-one", "stop")
    api.wait_status("dock-one", "STOPPED")
    api.put("dock-one", "resume")
    seen = api.wait_status("dock-one", "RUNNING")
    assert set(seen) <= {"STOPPED", "PENDING", "RUNNING"}
    api.put("dock-one", "patch", container_config="image: repo/mage-pro:2\n")
    seen = api.wait_status("dock-one", "RUNNING")
    assert seen[0] == "PENDING"
    assert mage_sim.admin.counters("dock-one")["pod_restarts"] == 1
    assert api.put("dock-one", "add_to_ingress")["error"]["message"] == "This workspace does not support ingress."


def test_failed_and_fail_on_start(api):
    assert api.status("broken") == "FAILED"
    api.put("broken", "resume")  # replicas already 1: nothing changes
    assert api.status("broken") == "FAILED"
    api.put("broken", "stop")
    api.wait_status("broken", "STOPPED")
    api.put("flaky", "resume")
    seen = api.wait_status("flaky", "FAILED")
    assert "RUNNING" not in seen


def test_per_workspace_delay_override(api, mage_sim):
    mage_sim.admin.seed([{"name": "slowpoke", "stop_delay": 30}])
    api.put("slowpoke", "stop")
    time.sleep(0.4)
    assert api.status("slowpoke") == "RUNNING"
    assert mage_sim.admin.workspace("slowpoke")["target_status"] == "STOPPED"


def test_runtime_delay_config(api, mage_sim):
    mage_sim.admin.config(stop_delay=0)
    api.put("dev-alice", "stop")
    assert api.status("dev-alice") == "STOPPED"
