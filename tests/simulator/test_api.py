# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Endpoints, envelopes and the workspace object (contract sections 1, 2 and 5)."""

ALICE_CONFIG = "env:\n  - name: ENV\n    value: test\n"


def names(body):
    return sorted(item["name"] for item in body["workspaces"])


def test_list_default_namespace_and_null_instances(api):
    response = api.request("GET", "/api/workspaces")
    assert response.status_code == 200
    body = response.json()
    assert body["metadata"] == {}
    listed = names(body)
    assert "ghost" not in listed  # instance null
    assert "other-ns" not in listed  # k8s outside the default namespace
    assert {"dev-alice", "dev-bob", "ecs-one", "cr-one", "dock-one", "broken"} <= set(listed)
    statuses = {item["name"]: item["instance"]["status"] for item in body["workspaces"]}
    assert statuses["dev-bob"] == "STOPPED"
    assert statuses["broken"] == "FAILED"


def test_list_namespace_and_cluster_type_filters(api):
    body = api.request("GET", "/api/workspaces", params={"namespace[]": "team-b"}).json()
    assert "other-ns" in names(body) and "dev-alice" not in names(body)
    assert "ecs-one" in names(body)  # non-k8s always listed
    body = api.request("GET", "/api/workspaces", params={"namespace[]": "__all__"}).json()
    assert {"other-ns", "dev-alice"} <= set(names(body))
    body = api.request("GET", "/api/workspaces", params={"namespace[]": ["team-b", "mage"]}).json()
    assert {"other-ns", "dev-alice"} <= set(names(body))
    body = api.request("GET", "/api/workspaces", params={"cluster_type": "ecs"}).json()
    assert names(body) == ["ecs-one"]


def test_detail_k8s_object_shape(api):
    response = api.request("GET", "/api/workspaces/dev-alice")
    body = response.json()
    assert response.status_code == 200
    assert body["metadata"] is None
    ws = body["workspace"]
    expected_keys = {"name", "project_uuid", "lifecycle_config", "namespace", "container_config", "ingress_name", "pvc_retention_policy",
                     "service_account_name", "storage_access_mode", "storage_class_name", "storage_request_size", "url", "instance"}
    assert set(ws) == expected_keys
    assert ws["container_config"] == ALICE_CONFIG
    assert ws["namespace"] == "mage"
    assert ws["url"] == api.sim.url + "/dev-alice"
    assert set(ws["instance"]) == {"name", "type", "status", "ip"}
    assert ws["instance"]["status"] == "RUNNING"
    assert ws["lifecycle_config"] == {
        "termination_policy": {"enable_auto_termination": True, "max_idle_seconds": 1800},
        "pre_start_script_path": None,
        "post_start": {"command": ["echo", "started"], "hook_path": "/home/src/root/scripts/post.sh"},
    }


def test_url_key_rules(api):
    assert "url" not in api.workspace("no-ingress")
    assert api.workspace("dev-bob")["url"] is None  # ingress set, no path yet
    ghost = api.workspace("ghost")
    assert ghost["instance"] is None


def test_other_cluster_type_shapes(api):
    ecs = api.workspace("ecs-one")
    assert {"cluster_name", "task_definition", "container_name"} <= set(ecs)
    assert "namespace" not in ecs and "url" not in ecs
    assert ecs["instance"]["task_arn"].endswith("/first")
    cloud_run = api.workspace("cr-one")
    assert {"project_id", "region"} <= set(cloud_run)
    assert cloud_run["instance"]["status"] == "RUNNING"
    assert api.workspace("dock-one")["container_config"] == "image: repo/mage-pro:1\n"


def test_cluster_type_query(api):
    assert api.get("dev-alice", cluster_type="k8s")["workspace"]["name"] == "dev-alice"
    body = api.get("dev-alice", cluster_type="ecs")
    assert body["error"]["type"] == "record_not_found"


def test_unknown_workspace_envelope(api):
    response = api.request("GET", "/api/workspaces/nope")
    assert response.status_code == 200
    assert response.json() == {"error": {"code": 404, "message": "Project nope was not found.", "type": "record_not_found"}, "status": 200}
    response = api.request("GET", "/api/workspaces/nope", params={"_http_error_codes": "true"})
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "record_not_found"
    body = api.put("nope", "stop")
    assert body["error"]["code"] == 404


def test_url_decoded_names(api, mage_sim):
    mage_sim.admin.seed([{"name": "with space"}])
    assert api.request("GET", "/api/workspaces/with%20space").json()["workspace"]["name"] == "with space"


def test_create_and_duplicate(api, mage_sim):
    response = api.request("POST", "/api/workspaces", json={"workspace": {"name": "new-one", "container_config": "a: 1\n", "ingress_name": "mage-ingress"}})
    assert response.json() == {"workspace": {"success": True}, "metadata": None}
    api.wait_status("new-one", "RUNNING")
    ws = api.workspace("new-one")
    assert ws["container_config"] == "a: 1\n"
    assert ws["url"] is None
    response = api.request("POST", "/api/workspaces", json={"workspace": {"name": "new-one"}}, params={"_http_error_codes": "true"})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Project with name new-one already exists"
    body = api.request("POST", "/api/workspaces", json={"workspace": {"cluster_type": "k8s"}}).json()
    assert body["error"]["code"] == 400
    assert mage_sim.admin.requests()[0]["workspace"] == "new-one"


def test_create_ecs_starts_a_task(api, mage_sim):
    api.request("POST", "/api/workspaces", json={"workspace": {"name": "ecs-new", "cluster_type": "ecs"}})
    api.wait_status("ecs-new", "RUNNING")
    assert mage_sim.admin.counters("ecs-new")["tasks_started"] == 1


def test_delete_returns_before(api):
    before = api.workspace("dev-alice")
    response = api.request("DELETE", "/api/workspaces/dev-alice")
    assert response.json() == {"workspace": before, "metadata": None}
    assert api.get("dev-alice")["error"]["type"] == "record_not_found"


def test_verbs_and_paths(api):
    assert api.request("PATCH", "/api/workspaces/dev-alice", json={}).status_code == 405
    assert api.request("POST", "/api/workspaces/dev-alice", json={}).status_code == 405
    assert api.request("DELETE", "/api/workspaces").status_code == 405
    assert api.request("GET", "/api/sessions").status_code == 405
    assert api.request("GET", "/api/pipelines").status_code == 404
    assert api.request("GET", "/nothing/here").status_code == 404
    # the connection stays usable after error pages (keep-alive framing intact)
    assert api.request("GET", "/api/workspaces/dev-alice").status_code == 200


def test_require_cluster_type_crash(api, mage_sim):
    mage_sim.admin.config(require_cluster_type=True)
    response = api.request("GET", "/api/workspaces/dev-alice")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"error", "url_parameters"}
    assert body["error"]["code"] == 500
    assert "type" not in body["error"]
    assert {"errors", "exception", "message"} <= set(body["error"])
    assert "Traceback" in body["error"]["message"]
    assert body["url_parameters"]["pk"] == "dev-alice"
    assert api.put("dev-alice", "stop")["error"]["code"] == 500
    assert api.request("DELETE", "/api/workspaces/dev-alice").json()["error"]["code"] == 500
    assert api.get("dev-alice", cluster_type="k8s")["workspace"]["name"] == "dev-alice"
    assert "workspaces" in api.request("GET", "/api/workspaces").json()
    assert mage_sim.admin.counters("dev-alice")["puts"] == {}


def test_invalid_json_body(api):
    response = api.request("PUT", "/api/workspaces/dev-alice", data="{nope", headers={"Content-Type": "application/json"})
    assert response.json()["error"]["code"] == 400
