# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Authentication and authorisation (contract sections 5 and 6)."""

import base64
import json

import pytest

from mage_sim import API_KEY


def decode_payload(jwt):
    part = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def error_of(response):
    return response.json()["error"]


def test_pro_key_optional(make_api):
    assert make_api(api_key=None).request("GET", "/api/workspaces/dev-alice").json()["workspace"]["name"] == "dev-alice"
    response = make_api(api_key="wrong").request("GET", "/api/workspaces/dev-alice")
    assert response.status_code == 401
    assert error_of(response)["type"] == "invalid_api_key"


def test_key_in_query(make_api):
    api = make_api(api_key=None)
    assert api.request("GET", "/api/workspaces", params={"api_key": API_KEY}).status_code == 200
    assert api.request("GET", "/api/workspaces", params={"api_key": "x"}).status_code == 401


def test_oss_requires_key(make_api, mage_sim):
    mage_sim.admin.config(flavour="oss")
    response = make_api(api_key=None).request("GET", "/api/workspaces")
    assert response.status_code == 401
    assert response.json() == {"error": {"code": 401, "message": "Invalid API key.", "type": "invalid_api_key"}, "status": 200}
    assert make_api(api_key="wrong").request("GET", "/api/workspaces").status_code == 401
    assert make_api().request("GET", "/api/workspaces").status_code == 200
    response = make_api(api_key=None).request("POST", "/api/sessions", json={"session": {"email": "admin@example.com", "password": "admin-password"}})
    assert response.status_code == 401


def test_missing_token_is_403(make_api):
    response = make_api(token=None).request("GET", "/api/workspaces")
    assert response.status_code == 200
    assert error_of(response) == {"code": 403, "message": "Unauthorized access.", "type": "unauthorized_access"}
    response = make_api(token=None, api_key=None).request("GET", "/api/workspaces", params={"_http_error_codes": "true"})
    assert response.status_code == 403


@pytest.mark.parametrize("codes", [None, "true"])
def test_bad_token_is_401(make_api, codes):
    params = {"_http_error_codes": codes} if codes else None
    response = make_api(token="not-a-token").request("GET", "/api/workspaces", params=params)
    assert response.status_code == 401
    assert response.json()["status"] == 200
    assert error_of(response)["type"] == "invalid_oauth_token"


def test_expired_token(make_api, mage_sim):
    token = mage_sim.admin.mint_token("owner", expired=True)
    response = make_api(token=token).request("GET", "/api/workspaces")
    assert response.status_code == 401
    assert error_of(response)["type"] == "expired_oauth_token"


def test_bearer_header(make_api, mage_sim):
    api = make_api(token=None)
    response = api.request("GET", "/api/workspaces/dev-alice", headers={"Authorization": "Bearer " + mage_sim.token})
    assert response.json()["workspace"]["name"] == "dev-alice"
    response = api.request("GET", "/api/workspaces/dev-alice", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


@pytest.mark.parametrize("field,login", [("email", "admin@example.com"), ("username", "admin")])
def test_login_and_use_token(make_api, field, login):
    anonymous = make_api(token=None)
    response = anonymous.request("POST", "/api/sessions", json={"session": {field: login, "password": "admin-password"}})
    session = response.json()["session"]
    assert session["user"]["email"] == "admin@example.com"
    assert session["expires"]
    assert session["token"].count(".") == 2
    payload = decode_payload(session["token"])
    assert {"token", "expires"} <= set(payload)
    api = make_api(token=payload["token"])
    assert "error" not in api.put("dev-alice", "dance")
    # the whole JWT is not an OAUTH-TOKEN, but works as the oauth_token cookie
    assert make_api(token=session["token"]).request("GET", "/api/workspaces").status_code == 401
    cookie = anonymous.request("GET", "/api/workspaces/dev-alice", headers={"Cookie": "oauth_token=" + session["token"]})
    assert cookie.json()["workspace"]["name"] == "dev-alice"


def test_login_wrong_password(make_api, mage_sim):
    response = make_api(token=None).request("POST", "/api/sessions", json={"session": {"email": "admin@example.com", "password": "nope"}})
    assert response.status_code == 200
    error = error_of(response)
    assert error["code"] == 400
    assert error["type"] in ("record_invalid", "api_resource_error")
    assert "password invalid" in error["message"]
    logged = mage_sim.admin.requests()[-1]
    assert logged["body"]["session"]["password"] != "nope"


def test_viewer_reads_but_cannot_write(viewer_api, make_api, mage_sim):
    assert viewer_api.workspace("dev-alice")["name"] == "dev-alice"
    assert viewer_api.request("GET", "/api/workspaces").status_code == 200
    body = viewer_api.put("dev-alice", "stop")
    assert body["error"]["code"] == 403 and body["error"]["type"] == "unauthorized_access"
    assert viewer_api.request("DELETE", "/api/workspaces/dev-alice").json()["error"]["code"] == 403
    assert viewer_api.request("POST", "/api/workspaces", json={"workspace": {"name": "v"}}).json()["error"]["code"] == 403
    response = viewer_api.put("dev-alice", "stop", params={"_http_error_codes": "true"})
    assert response["error"]["code"] == 403
    assert viewer_api.status("dev-alice") == "RUNNING"
    assert mage_sim.admin.counters("dev-alice")["puts"] == {}
    login = make_api(token=None).request("POST", "/api/sessions", json={"session": {"email": "viewer@example.com", "password": "viewer-password"}})
    token = decode_payload(login.json()["session"]["token"])["token"]
    assert make_api(token=token).put("dev-alice", "stop")["error"]["code"] == 403


def test_http_error_codes_403_status(make_api):
    response = make_api(token="viewer").request("PUT", "/api/workspaces/dev-alice", json={"workspace": {"action": "stop"}},
                                                params={"_http_error_codes": "true"})
    assert response.status_code == 403
