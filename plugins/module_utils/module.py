# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Wiring shared by the collection's modules: AnsibleModule with the connection options, dependency checks,
a client, and results whose invocation never shows env values."""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.mage_ai.pro.plugins.module_utils.api import (
    CONNECTION_MUTUALLY_EXCLUSIVE,
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    MageAPIError,
    MageClient,
    MageValidationError,
    connection_argument_spec,
    resolve_credentials,
)
from ansible_collections.mage_ai.pro.plugins.module_utils.workspace import (
    HAS_YAML,
    YAML_IMPORT_ERROR,
    dump_container_config,
    mask_config_data,
    parse_container_config,
)


class MageModule(AnsibleModule):
    """AnsibleModule plus the connection options of the collection."""

    def __init__(self, argument_spec, mutually_exclusive=None, required_together=None, **kwargs):
        spec = connection_argument_spec()
        spec.update(argument_spec)
        super().__init__(argument_spec=spec,
                         mutually_exclusive=CONNECTION_MUTUALLY_EXCLUSIVE + list(mutually_exclusive or []),
                         required_together=required_together,
                         **kwargs)
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        if not HAS_YAML:
            self.fail_json(msg=missing_required_lib('PyYAML'), exception=YAML_IMPORT_ERROR)
        problem = None
        secrets = (None, None, None)
        try:
            secrets = resolve_credentials(self.params)
        except MageValidationError as exc:
            problem = str(exc)
        if problem:
            self.fail_json(msg=problem)
        # Secrets read from the environment are hidden in every output, like the no_log options.
        for secret in (secrets[0], secrets[2]):
            if secret:
                self.no_log_values.add(secret)

    def client(self, pool_size=10):
        """A logged-in client, or fail with a message that names the problem (and never a secret)."""
        problem = None
        try:
            client = MageClient.from_params(self.params, warn=self.warn, pool_size=pool_size)
            client.login()
        except (MageValidationError, MageAPIError) as exc:
            problem = str(exc)
        if problem:
            self.fail_json(msg=problem)
        return client

    def masked_invocation(self, show_env_values=False):
        """The module arguments as the result's invocation shows them: env values inside container_config hidden."""
        params = dict(self.params)
        value = params.get('container_config')
        if value is not None and not show_env_values:
            try:
                data = parse_container_config(value)
            except ValueError:
                params['container_config'] = '(hidden: not valid YAML)'
            else:
                masked = mask_config_data(data)
                params['container_config'] = masked if isinstance(value, dict) else dump_container_config(masked)
        return {'module_args': params}
