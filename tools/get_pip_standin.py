# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stand-in for ansible-test's downloaded get-pip script.

ansible-test bootstraps pip in each virtual environment it creates by running a get-pip script that it downloads
from a host these machines cannot reach; it uses a cached copy when one exists. This stand-in does the same job
with the interpreter's own ensurepip, then installs the requested packages from the package index.
"""
import subprocess
import sys

ARGS = [arg for arg in sys.argv[1:] if arg not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'], stdout=subprocess.DEVNULL)
subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--quiet'] + ARGS)
