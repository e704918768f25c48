# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Connection options shared by every module of the collection.
    DOCUMENTATION = r"""
options:
  url:
    description:
      - Base URL of the Mage server, for example V(https://mage.example.com).
      - It may carry a path prefix (V(https://example.com/mage)); the API is then reached under that prefix.
      - If not set, the value of the E(MAGE_URL) environment variable is used.
    type: str
    required: true
  oauth_token:
    description:
      - The Mage OAuth token, sent as the C(OAUTH-TOKEN) header.
      - If not set, the value of the E(MAGE_OAUTH_TOKEN) environment variable is used.
      - Mutually exclusive with O(username) and O(password).
    type: str
    aliases: [token]
  username:
    description:
      - Email address or user name to log in with through C(POST /api/sessions), once per task, instead of O(oauth_token).
      - If not set, the value of the E(MAGE_USERNAME) environment variable is used.
      - Requires O(password).
    type: str
  password:
    description:
      - Password for O(username).
      - If not set, the value of the E(MAGE_PASSWORD) environment variable is used.
    type: str
  api_key:
    description:
      - The Mage API key, sent as the C(X-API-KEY) header.
      - The open-source Mage server requires it next to the token; its only valid value is Mage's public client id,
        which is the default. Mage Pro accepts it too.
      - If not set, the value of the E(MAGE_API_KEY) environment variable is used.
    type: str
    default: zkWlN0PkIKSN0C11CfUHUj84OT5XOJ6tDZ6bDRO2
  cluster_type:
    description:
      - Cluster type of the workspaces, sent as the C(cluster_type) query parameter on every request.
      - A Mage server that is not a main project needs it.
      - If not set, the value of the E(MAGE_CLUSTER_TYPE) environment variable is used; when neither is set the
        parameter is not sent and the cluster type of each workspace is read from the workspace itself.
    type: str
    choices: [k8s, ecs, cloud_run, docker]
  validate_certs:
    description:
      - Whether to verify the server's TLS certificate. Only set to V(false) on trusted networks.
      - If not set, the value of the E(MAGE_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - Path of a PEM file with the CA certificates to verify the server with, instead of the system's.
      - If not set, the value of the E(MAGE_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Timeout of each HTTP request, in seconds.
    type: float
    default: 30
  retries:
    description:
      - How many times a request is retried after a connection error or a C(429), C(502), C(503) or C(504) answer,
        with capped exponential backoff and jitter, honouring C(Retry-After).
      - A C(PUT) is only retried when the server surely did not act on it (connection refused, C(429), C(503)).
        After an ambiguous failure the workspace is read again and the comparison decides, so a retry never
        sends C(add_to_ingress) twice or starts a second ECS task.
      - Each retry is reported as a warning.
    type: int
    default: 3
notes:
  - HTTP and HTTPS proxies are taken from the usual environment variables (E(HTTPS_PROXY), E(NO_PROXY), ...).
  - The token, the API key and the password are never shown in results, diffs, warnings or error messages.
requirements:
  - requests >= 2.25.0
  - PyYAML >= 5.1
"""

    # The same options for plugins (the workspaces inventory plugin), set in the plugin's configuration file, from
    # the same environment variables, or from variables (for an inventory plugin: extra vars).
    PLUGINS = r"""
options:
  url:
    description:
      - Base URL of the Mage server, for example V(https://mage.example.com).
      - It may carry a path prefix (V(https://example.com/mage)); the API is then reached under that prefix.
    type: str
    required: true
    env:
      - name: MAGE_URL
    vars:
      - name: mage_url
  oauth_token:
    description:
      - The Mage OAuth token, sent as the C(OAUTH-TOKEN) header.
      - Mutually exclusive with O(username) and O(password).
    type: str
    aliases: [token]
    env:
      - name: MAGE_OAUTH_TOKEN
    vars:
      - name: mage_oauth_token
  username:
    description:
      - Email address or user name to log in with through C(POST /api/sessions), once per run, instead of O(oauth_token).
      - Requires O(password).
    type: str
    env:
      - name: MAGE_USERNAME
    vars:
      - name: mage_username
  password:
    description:
      - Password for O(username).
    type: str
    env:
      - name: MAGE_PASSWORD
    vars:
      - name: mage_password
  api_key:
    description:
      - The Mage API key, sent as the C(X-API-KEY) header.
      - The open-source Mage server requires it next to the token; its only valid value is Mage's public client id,
        which is the default. Mage Pro accepts it too.
    type: str
    default: zkWlN0PkIKSN0C11CfUHUj84OT5XOJ6tDZ6bDRO2
    env:
      - name: MAGE_API_KEY
    vars:
      - name: mage_api_key
  cluster_type:
    description:
      - Cluster type of the workspaces, sent as the C(cluster_type) query parameter on every request.
      - A Mage server that is not a main project needs it.
      - When not set the parameter is not sent and the cluster type of each workspace is read from the workspace itself.
    type: str
    choices: [k8s, ecs, cloud_run, docker]
    env:
      - name: MAGE_CLUSTER_TYPE
    vars:
      - name: mage_cluster_type
  validate_certs:
    description:
      - Whether to verify the server's TLS certificate. Only set to V(false) on trusted networks.
    type: bool
    default: true
    env:
      - name: MAGE_VALIDATE_CERTS
    vars:
      - name: mage_validate_certs
  ca_path:
    description:
      - Path of a PEM file with the CA certificates to verify the server with, instead of the system's.
    type: path
    env:
      - name: MAGE_CA_PATH
    vars:
      - name: mage_ca_path
  timeout:
    description:
      - Timeout of each HTTP request, in seconds.
    type: float
    default: 30
    vars:
      - name: mage_timeout
  retries:
    description:
      - How many times a request is retried after a connection error or a C(429), C(502), C(503) or C(504) answer,
        with capped exponential backoff and jitter, honouring C(Retry-After).
      - Each retry is reported as a warning.
    type: int
    default: 3
    vars:
      - name: mage_retries
notes:
  - HTTP and HTTPS proxies are taken from the usual environment variables (E(HTTPS_PROXY), E(NO_PROXY), ...).
  - The token, the API key and the password are never shown in output, warnings or error messages.
requirements:
  - requests >= 2.25.0
  - PyYAML >= 5.1
"""
