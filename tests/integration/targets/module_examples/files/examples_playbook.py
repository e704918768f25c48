# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Print a playbook whose tasks are the EXAMPLES of the given modules, exactly as `ansible-doc --json` shows them."""

import json
import subprocess
import sys

HEADER = """- name: EXAMPLES of %s
  hosts: localhost
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
    mage_url: "{{ lookup('ansible.builtin.env', 'MAGE_URL') }}"
    mage_token: "{{ lookup('ansible.builtin.env', 'MAGE_OAUTH_TOKEN') }}"
    mage_user: admin@example.com
    mage_password: admin-password
  tasks:
"""

print('---')
for module in sys.argv[1:]:
    docs = json.loads(subprocess.run(['ansible-doc', '--json', module], check=True, capture_output=True, text=True).stdout)
    examples = docs[module]['examples']
    print(HEADER % module + '\n'.join(('    ' + line) if line.strip() else '' for line in examples.strip('\n').splitlines()))
