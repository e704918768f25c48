# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one HTTP client of the collection: authentication, URLs, retries and Mage's error envelope.

Mage answers most errors with HTTP 200 and a JSON body that has a top-level ``error`` key; proxies in front of it
answer with plain-text or HTML pages. Every response goes through :meth:`MageClient._parse`, which turns all of
these into :class:`MageAPIError` with a message that names the workspace and never contains a secret.
"""

from __future__ import annotations

import base64
import json
import os
import random
import re
import time
import traceback

from urllib.parse import quote, urlencode, urlsplit, urlunsplit

try:
    import requests
    import urllib3  # requests' own transport, installed with it
    from requests.adapters import HTTPAdapter
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised through missing_required_lib
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ansible.module_utils.basic import env_fallback

DEFAULT_API_KEY = 'zkWlN0PkIKSN0C11CfUHUj84OT5XOJ6tDZ6bDRO2'
CLUSTER_TYPES = ['k8s', 'ecs', 'cloud_run', 'docker']

# HTTP statuses a retry may help with. For a PUT, only those where the server surely did not act.
RETRY_STATUSES = frozenset([429, 502, 503, 504])
PUT_SAFE_STATUSES = frozenset([429, 503])
BACKOFF_BASE = 0.5
BACKOFF_CAP = 10.0
RETRY_AFTER_CAP = 60.0

# Characters that would make a workspace name reach another URL, or that Mage cannot store as a name.
_FORBIDDEN_NAME_CHARS = set('/?#%\\')


def connection_argument_spec():
    """The connection options of every module (documented in the mage_ai.pro.connection doc fragment)."""
    return dict(
        url=dict(type='str', required=True, fallback=(env_fallback, ['MAGE_URL'])),
        # The credentials' environment variables are read by resolve_credentials, so that a token in the
        # environment (an AWX credential) does not collide with a username given to a task, or the other way round.
        oauth_token=dict(type='str', no_log=True, aliases=['token']),
        username=dict(type='str'),
        password=dict(type='str', no_log=True),
        api_key=dict(type='str', no_log=True, default=DEFAULT_API_KEY, fallback=(env_fallback, ['MAGE_API_KEY'])),
        cluster_type=dict(type='str', choices=CLUSTER_TYPES, fallback=(env_fallback, ['MAGE_CLUSTER_TYPE'])),
        validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['MAGE_VALIDATE_CERTS'])),
        ca_path=dict(type='path', fallback=(env_fallback, ['MAGE_CA_PATH'])),
        timeout=dict(type='float', default=30),
        retries=dict(type='int', default=3),
    )


CONNECTION_MUTUALLY_EXCLUSIVE = [('oauth_token', 'username')]


def resolve_credentials(params, environ=None):
    """Return (token, username, password) from the options, else from the environment; raise MageValidationError.

    Options win over the environment as a whole: a task's ``username`` is used even when ``MAGE_OAUTH_TOKEN`` is set,
    and a task's ``oauth_token`` even when ``MAGE_USERNAME`` is.
    """
    environ = os.environ if environ is None else environ
    token, username, password = params.get('oauth_token'), params.get('username'), params.get('password')
    if token and username:
        raise MageValidationError('Set either oauth_token or username and password, not both.')
    if not token and not username:
        token = environ.get('MAGE_OAUTH_TOKEN') or None
        if not token:
            username = environ.get('MAGE_USERNAME') or None
    if username and not password:
        password = environ.get('MAGE_PASSWORD') or None
        if not password:
            raise MageValidationError('username %r needs a password (password or MAGE_PASSWORD).' % username)
    if not token and not username:
        raise MageValidationError('No credentials: set oauth_token (or MAGE_OAUTH_TOKEN), or username and password '
                                  '(or MAGE_USERNAME and MAGE_PASSWORD).')
    return token, username, password


class MageAPIError(Exception):
    """A failed Mage API call. ``str()`` is safe to show: it never contains a token, key or password."""

    def __init__(self, msg, status=None, code=None, error_type=None, ambiguous=False):
        super().__init__(msg)
        self.msg = msg
        self.status = status
        self.code = code
        self.error_type = error_type
        # True when a PUT may or may not have been carried out (read timeout, dropped connection, 500, 502, 504).
        self.ambiguous = ambiguous


class MageValidationError(ValueError):
    """Bad input found before any request is sent."""


def validate_workspace_name(name):
    """Return ``name`` if it is a safe single path segment, else raise MageValidationError saying what to do."""
    if not isinstance(name, str) or not name.strip():
        raise MageValidationError('The workspace name must be a non-empty string.')
    bad = sorted(set(name) & _FORBIDDEN_NAME_CHARS)
    if bad or name in ('.', '..') or any(ord(c) < 32 or c.isspace() for c in name):
        raise MageValidationError(
            'Invalid workspace name %r: a name is one URL path segment and may not contain %s, white space, or be '
            '"." or "..". Use the workspace name exactly as Mage shows it.' % (name, ' '.join(repr(c) for c in bad) or 'such characters'))
    return name


def validate_url(url):
    """Return the base URL without a trailing slash, or raise MageValidationError."""
    if not url or not isinstance(url, str):
        raise MageValidationError('The Mage URL is required: set the url option or the MAGE_URL environment variable.')
    lowered = url.lower()
    if not (lowered.startswith('http://') or lowered.startswith('https://')):
        raise MageValidationError('The Mage URL %r must start with http:// or https://.' % url)
    if '?' in url or '#' in url:
        raise MageValidationError('The Mage URL %r must not carry a query or fragment; give the base URL only.' % url)
    return url.rstrip('/')


def describe_exception(exc):
    """A short, secret-free description of a requests exception."""
    name = type(exc).__name__
    if isinstance(exc, requests.exceptions.SSLError):
        return ('TLS verification failed (%s). Set ca_path to the CA bundle that signed the server certificate, '
                'or validate_certs to false on a trusted network' % name)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return 'connection timed out'
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return 'no answer within the timeout (read timeout)'
    if isinstance(exc, requests.exceptions.ConnectionError):
        text = str(exc)
        if 'refused' in text.lower():
            return 'connection refused'
        if 'RemoteDisconnected' in text or 'aborted' in text.lower() or 'reset' in text.lower():
            return 'the server closed the connection without an answer'
        return 'connection error (%s)' % name
    return name


def _surely_not_sent(exc):
    """True when a request surely never reached the server's application (so a PUT is safe to retry)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(exc, requests.exceptions.SSLError):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError) and not isinstance(exc, requests.exceptions.ReadTimeout):
        cause = exc.args[0] if exc.args else None
        return (isinstance(cause, urllib3.exceptions.NewConnectionError) or 'refused' in str(exc).lower()
                or 'NewConnectionError' in str(exc) or 'NameResolutionError' in str(exc))
    return False


def _as_requests_error(exc):
    """The requests exception that requests' own HTTPAdapter raises for urllib3's ``exc``, so that one set of
    rules (describe_exception, _surely_not_sent) reads every transport failure."""
    errors = requests.exceptions
    if isinstance(exc, urllib3.exceptions.SSLError):
        return errors.SSLError(exc)
    if isinstance(exc, urllib3.exceptions.ProxyError):
        return errors.ProxyError(exc)
    if isinstance(exc, urllib3.exceptions.ConnectTimeoutError) and not isinstance(exc, urllib3.exceptions.NewConnectionError):
        return errors.ConnectTimeout(exc)
    if isinstance(exc, urllib3.exceptions.ReadTimeoutError):
        return errors.ReadTimeout(exc)
    return errors.ConnectionError(exc)


class Answer:
    """One HTTP answer: status, headers, body bytes."""

    __slots__ = ('status_code', 'headers', 'content')

    def __init__(self, status_code, headers, content):
        self.status_code = status_code
        self.headers = headers
        self.content = content

    @property
    def text(self):
        return self.content.decode('utf-8', 'replace')

    def json(self):
        return json.loads(self.content)


def environ_proxies(url):
    """The proxies the environment sets for ``url`` (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY)."""
    return requests.utils.get_environ_proxies(url)


def backoff_delay(attempt, retry_after=None, rand=random.random):
    """Seconds to wait before retry number ``attempt`` (1-based): capped exponential with full jitter,
    never less than what the server asked for in Retry-After (itself capped)."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** (attempt - 1)))
    delay = ceiling * (0.5 + rand() / 2)
    if retry_after is not None:
        delay = max(delay, min(retry_after, RETRY_AFTER_CAP))
    return delay


def parse_retry_after(value):
    """The Retry-After header as seconds, or None (HTTP dates are not used by Mage or its usual proxies)."""
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return None


def token_from_session(session_token):
    """Mage's login answer carries a JWT whose payload's ``token`` field is the value for OAUTH-TOKEN."""
    parts = session_token.split('.') if isinstance(session_token, str) else []
    if len(parts) == 3:
        payload = parts[1] + '=' * (-len(parts[1]) % 4)
        try:
            data = json.loads(base64.urlsafe_b64decode(payload.encode('ascii')).decode('utf-8'))
        except (ValueError, UnicodeDecodeError):
            data = None
        if isinstance(data, dict) and data.get('token'):
            return data['token']
    return session_token


class MageClient:
    """HTTP client for Mage's workspaces API over one keep-alive ``requests`` session.

    ``warn`` is called with a message for each retry; ``sleep`` and ``clock`` can be swapped by tests.
    """

    def __init__(self, url, oauth_token=None, api_key=DEFAULT_API_KEY, cluster_type=None, validate_certs=True,
                 ca_path=None, timeout=30, retries=3, username=None, password=None, warn=None, pool_size=10,
                 sleep=time.sleep):
        self.base_url = validate_url(url)
        self.cluster_type = cluster_type
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.warn = warn or (lambda msg: None)
        self.sleep = sleep
        self._username = username
        self._password = password
        self._token = oauth_token
        self.session = requests.Session()
        # Proxies come from the environment (HTTPS_PROXY, NO_PROXY, ...), read once here: requests would scan the
        # whole environment again on every request. trust_env off also keeps ~/.netrc credentials out of requests.
        self.session.trust_env = False
        self.proxies = environ_proxies(self.base_url)
        self.adapter = HTTPAdapter(pool_connections=1, pool_maxsize=max(1, pool_size), max_retries=0)
        self.session.mount('http://', self.adapter)
        self.session.mount('https://', self.adapter)
        # Passed on every request: a session-level verify loses to REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE in requests.
        self.verify = ca_path if ca_path else bool(validate_certs)
        # API calls go straight to the adapter's urllib3 pool (same TLS, proxy and pool settings as requests): the
        # session's per-request work (merging settings, cookies, hooks, redirects) was most of a bulk run's CPU.
        # Through an HTTP proxy, a plain-http request names the whole URL; otherwise the path.
        self._probe = requests.Request('GET', self.base_url + '/').prepare()
        target = self.adapter.request_url(self._probe, self.proxies)
        self._target_prefix = self.base_url if target.startswith(('http://', 'https://')) else self._probe.path_url.rstrip('/')
        self._timeout = urllib3.Timeout(connect=timeout, read=timeout)
        self.session.headers.update({'Accept': 'application/json', 'User-Agent': 'mage_ai.pro-ansible'})
        if api_key:
            self.session.headers['X-API-KEY'] = api_key
        if oauth_token:
            self.session.headers['OAUTH-TOKEN'] = oauth_token

    @classmethod
    def from_params(cls, params, warn=None, pool_size=10):
        """Build a client from module or plugin options (see connection_argument_spec), credentials resolved."""
        token, username, password = resolve_credentials(params)
        return cls(params['url'], oauth_token=token, api_key=params.get('api_key'),
                   cluster_type=params.get('cluster_type'), validate_certs=params.get('validate_certs', True),
                   ca_path=params.get('ca_path'), timeout=params.get('timeout') or 30,
                   retries=params.get('retries') if params.get('retries') is not None else 3,
                   username=username, password=password, warn=warn, pool_size=pool_size)

    # -- authentication -------------------------------------------------------------------------------------------

    def login(self):
        """Log in with username and password once (POST /api/sessions) and use the returned token."""
        if self._token or not self._username:
            return
        key = 'email' if '@' in self._username else 'username'
        body = {'session': {key: self._username, 'password': self._password}}
        try:
            data = self.request('POST', '/api/sessions', body=body, retry_put=True, authenticated=False)
        except MageAPIError as exc:
            raise MageAPIError('Login as %r failed: %s. Check the username and password.' % (self._username, exc.msg.rstrip('.')),
                               status=exc.status, code=exc.code, error_type=exc.error_type) from None
        token = (data.get('session') or {}).get('token') if isinstance(data, dict) else None
        if not token:
            raise MageAPIError('Login as %r failed: the answer carried no session token.' % self._username)
        self._token = token_from_session(token)
        self.session.headers['OAUTH-TOKEN'] = self._token

    # -- low level ------------------------------------------------------------------------------------------------

    def _query(self, params=None):
        # Mage answers errors with HTTP 200 unless asked for real codes, and not every server honours the asking:
        # _parse reads the error object from the body whatever the status, so nothing is asked.
        query = {}
        if self.cluster_type:
            query['cluster_type'] = self.cluster_type
        if params:
            query.update(params)
        return query

    def request(self, method, path, params=None, body=None, what=None, retry_put=False, authenticated=True):
        """Send one API request with retries; return the parsed JSON body or raise MageAPIError.

        GET (and anything with ``retry_put``) is retried on connection errors and 429/502/503/504. Other verbs are
        retried only when the server surely did not act; an ambiguous failure raises with ``ambiguous=True``.
        """
        if authenticated and self._username and not self._token:
            self.login()
        idempotent = method == 'GET' or retry_put
        what = what or '%s %s' % (method, path)
        attempt = 0
        while True:
            attempt += 1
            retry_after = None
            try:
                response = self._exchange(method, path, self._query(params), body)
            except requests.exceptions.RequestException as exc:
                reason = describe_exception(exc)
                retriable = not isinstance(exc, requests.exceptions.SSLError) and (idempotent or _surely_not_sent(exc))
                if not retriable or attempt > self.retries:
                    raise MageAPIError('%s failed: %s.' % (what, reason),
                                       ambiguous=not idempotent and not _surely_not_sent(exc)) from None
            else:
                status = response.status_code
                if status in RETRY_STATUSES and (idempotent or status in PUT_SAFE_STATUSES) and attempt <= self.retries:
                    retry_after = parse_retry_after(response.headers.get('Retry-After'))
                    reason = 'HTTP %d' % status
                else:
                    return self._parse(response, what, ambiguous_possible=not idempotent)
            delay = backoff_delay(attempt, retry_after)
            self.warn('Mage API: %s got %s; retry %d of %d in %.1fs.' % (what, reason, attempt, self.retries, delay))
            self.sleep(delay)

    def _pool(self):
        """The adapter's connection pool for the Mage URL, set up for ``verify`` and the proxies."""
        with_tls = getattr(self.adapter, 'get_connection_with_tls_context', None)
        if with_tls is not None:
            return with_tls(self._probe, self.verify, proxies=self.proxies)
        pool = self.adapter.get_connection(self._probe.url, self.proxies)  # requests older than 2.32.2
        self.adapter.cert_verify(pool, self._probe.url, self.verify, None)
        return pool

    def _exchange(self, method, path, query, body):
        """Send one request, never following a redirect (requests would turn a redirected PUT into a GET); return an
        :class:`Answer` or raise the requests exception requests would."""
        target = self._target_prefix + path
        if query:
            target += '?' + urlencode(query, doseq=True)
        headers = dict(self.session.headers)
        data = None
        if body is not None:
            data = json.dumps(body, allow_nan=False).encode('utf-8')
            headers['Content-Type'] = 'application/json'
        try:
            answer = self._pool().request(method, target, body=data, headers=headers, retries=False, redirect=False,
                                          assert_same_host=False, timeout=self._timeout, preload_content=True)
        except urllib3.exceptions.HTTPError as exc:
            raise _as_requests_error(exc) from None
        except OSError as exc:
            raise requests.exceptions.ConnectionError(exc) from None
        return Answer(answer.status, answer.headers, answer.data or b'')

    def _parse(self, response, what, ambiguous_possible=False):
        status = response.status_code
        if 300 <= status < 400:
            # Not followed: requests would have turned a redirected PUT into a GET, a silent no-op.
            # Without query, fragment or user info: an SSO hop may carry a state or credentials there.
            parts = urlsplit(response.headers.get('Location') or '')
            location = urlunsplit((parts.scheme, parts.netloc.rpartition('@')[2], parts.path, '', '')) or 'no Location'
            raise MageAPIError('%s: the server answered with a redirect (HTTP %d to %s). Set url to the address where '
                               'Mage answers itself (the scheme, host and path prefix after the redirect).'
                               % (what, status, location), status=status)
        try:
            data = response.json()
        except ValueError:
            data = None
        if isinstance(data, dict) and 'error' in data:
            return self._raise_envelope(data['error'], status, what, ambiguous_possible)
        if status == 401:
            raise MageAPIError('%s: authentication failed (HTTP 401). Check the OAuth token (or username and password) '
                               'and the API key.' % what, status=status)
        if status >= 400 or data is None:
            kind = response.headers.get('Content-Type', 'unknown content type').split(';')[0]
            snippet = ' '.join(re.sub(r'<[^>]*>', ' ', response.text or '').split())[:100]
            raise MageAPIError('%s: unexpected answer HTTP %d (%s) that is not Mage JSON%s.'
                               % (what, status, kind, (': %s' % snippet) if snippet else ''),
                               status=status, ambiguous=ambiguous_possible and status not in PUT_SAFE_STATUSES)
        return data

    @staticmethod
    def _raise_envelope(error, status, what, ambiguous_possible):
        if not isinstance(error, dict):
            error = {'message': str(error)}
        code = error.get('code')
        error_type = error.get('type')
        message = error.get('message') or ''
        if code == 500 or error.get('exception'):
            # The crash body carries a traceback as message: keep its last line only.
            lines = [line for line in str(message).strip().splitlines() if line.strip()]
            message = (error.get('exception') or (lines[-1] if lines else 'internal server error'))
            message = str(message).strip().splitlines()[-1] if str(message).strip() else 'internal server error'
            raise MageAPIError('%s: Mage had an internal error (code 500): %s' % (what, message), status=status, code=500,
                               ambiguous=ambiguous_possible)
        if code == 401 or status == 401 or error_type in ('invalid_api_key', 'invalid_oauth_token', 'expired_oauth_token'):
            hint = {
                'invalid_api_key': 'Check the API key (api_key / MAGE_API_KEY).',
                'expired_oauth_token': 'The OAuth token has expired: get a new one (or log in with username and password).',
            }.get(error_type, 'Check the OAuth token (oauth_token / MAGE_OAUTH_TOKEN) or username and password, and the API key.')
            raise MageAPIError('%s: authentication failed (%s: %s). %s' % (what, error_type or 'code %s' % code, message, hint),
                               status=status, code=code or 401, error_type=error_type)
        if code == 403 or error_type == 'unauthorized_access':
            raise MageAPIError('%s: permission denied (code 403: %s). The user needs owner rights on the workspaces to '
                               'change them, viewer rights to read them.' % (what, message), status=status, code=403,
                               error_type=error_type)
        raise MageAPIError('%s: Mage answered with an error (code %s, %s): %s' % (what, code, error_type or 'no type', message),
                           status=status, code=code, error_type=error_type)

    # -- workspaces -----------------------------------------------------------------------------------------------

    @staticmethod
    def workspace_path(name):
        return '/api/workspaces/' + quote(validate_workspace_name(name), safe='')

    def get_workspace(self, name):
        """The workspace object, or None when Mage says it does not exist."""
        try:
            data = self.request('GET', self.workspace_path(name), what='Reading workspace %r' % name)
        except MageAPIError as exc:
            if exc.code == 404 or exc.error_type == 'record_not_found':
                return None
            raise
        workspace = data.get('workspace') if isinstance(data, dict) else None
        if not isinstance(workspace, dict):
            raise MageAPIError('Reading workspace %r: the answer has no workspace object.' % name)
        return workspace

    def list_workspaces(self, namespaces=None):
        params = {'namespace[]': list(namespaces)} if namespaces else None
        data = self.request('GET', '/api/workspaces', params=params, what='Listing workspaces')
        workspaces = data.get('workspaces') if isinstance(data, dict) else None
        if not isinstance(workspaces, list):
            raise MageAPIError('Listing workspaces: the answer has no workspaces list.')
        return workspaces

    def update_workspace(self, name, body):
        """PUT one action. The answer shows the workspace BEFORE the action, so it is not returned."""
        self.request('PUT', self.workspace_path(name), body={'workspace': body},
                     what='Action %r on workspace %r' % (body.get('action'), name))
