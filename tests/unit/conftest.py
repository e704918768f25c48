# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the client talk real HTTP to the Mage API simulator (tests/simulator), started once per session."""

from __future__ import annotations

import os
import sys

import pytest

SIMULATOR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'simulator')
if SIMULATOR not in sys.path:
    sys.path.insert(0, SIMULATOR)

SEED = [
    {'name': 'dev-alice', 'status': 'RUNNING', 'ingress_name': 'mage-ingress',
     'container_config': "env:\n  - name: ENV\n    value: test\n"},
    {'name': 'dev-bob', 'status': 'STOPPED', 'ingress_name': 'mage-ingress'},
    {'name': 'ecs-one', 'cluster_type': 'ecs', 'status': 'RUNNING', 'task_arn': 'arn:aws:ecs:task/one'},
]


@pytest.fixture(scope='session')
def sim_session():
    from mage_sim.fixture import start_simulator  # pylint: disable=import-error,import-outside-toplevel

    sim = start_simulator(seed=SEED, stop_delay=0.2, start_delay=0.3, patch_delay=0.2)
    yield sim
    sim.stop()


@pytest.fixture
def sim(sim_session):  # pylint: disable=redefined-outer-name
    sim_session.admin.reset()
    return sim_session
