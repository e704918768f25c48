# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fails when the text on stdin holds a JWT or a token-shaped string that the Mage server at argv[1] accepts."""

from __future__ import annotations

import json
import re
import sys
import urllib.error
import urllib.request

API_KEY = 'zkWlN0PkIKSN0C11CfUHUj84OT5XOJ6tDZ6bDRO2'


def accepted(url, token):
    request = urllib.request.Request(url + '/api/workspaces', headers={'OAUTH-TOKEN': token, 'X-API-KEY': API_KEY})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            data = json.load(response)
    except (urllib.error.HTTPError, ValueError):
        return False
    return isinstance(data, dict) and 'error' not in data


def main():
    url = sys.argv[1].rstrip('/')
    text = sys.stdin.read()
    jwts = set(re.findall(r'eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+', text))
    if jwts:
        sys.exit('LEAK: the output holds %d session JWT(s)' % len(jwts))
    candidates = set(re.findall(r'(?<![0-9a-fA-F])[0-9a-fA-F]{32}(?![0-9a-fA-F])', text))
    live = [token for token in candidates if accepted(url, token)]
    if live:
        sys.exit('LEAK: the output holds %d live token(s) (of %d token-shaped strings)' % (len(live), len(candidates)))
    print('no live token among %d token-shaped strings' % len(candidates))


if __name__ == '__main__':
    main()
