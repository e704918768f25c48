# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The poller's timing, on a fake clock (no real sleeping)."""

from __future__ import annotations

from ansible_collections.mage_ai.pro.plugins.module_utils.runner import Poller


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def test_steady_interval_then_backoff_up_to_the_cap():
    fake = FakeClock()
    poller = Poller(100, sleep_first=2, max_sleep=10, steady=10, clock=fake.clock, sleep=fake.sleep)
    _value, waited, timed_out, reason = poller.until(lambda: None, lambda v: False)
    assert timed_out and reason is None and waited >= 100
    assert fake.sleeps[:5] == [2, 2, 2, 2, 2]
    assert fake.sleeps[5] == 3 and max(fake.sleeps) == 10


def test_done_and_failed_stop_at_once():
    fake = FakeClock()
    poller = Poller(100, sleep_first=1, clock=fake.clock, sleep=fake.sleep)
    values = iter(['PENDING', 'PENDING', 'RUNNING'])
    value, waited, timed_out, _reason = poller.until(lambda: next(values), lambda v: v == 'RUNNING')
    assert (value, waited, timed_out) == ('RUNNING', 2.0, False)
    value, _waited, timed_out, reason = poller.until(lambda: 'FAILED', lambda v: False, lambda v: 'it failed')
    assert reason == 'it failed' and not timed_out


def test_the_last_sleep_never_overshoots_the_timeout():
    fake = FakeClock()
    poller = Poller(5, sleep_first=2, clock=fake.clock, sleep=fake.sleep)
    poller.until(lambda: None, lambda v: False)
    assert fake.sleeps == [2, 2, 1]


def test_sleep_before_skips_the_wasted_first_read():
    fake = FakeClock()
    reads = []
    poller = Poller(10, sleep_first=1, clock=fake.clock, sleep=fake.sleep)
    poller.until(lambda: reads.append(fake.now) or 'RUNNING', lambda v: True, sleep_before=True)
    assert reads == [1.0]
