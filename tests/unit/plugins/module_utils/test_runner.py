# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The poller's timing, on a fake clock (no real sleeping)."""

from __future__ import annotations

from ansible_collections.mage_ai.pro.plugins.module_utils.runner import Poller, SharedList, summarise


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


class ListingClient:
    """Counts list and detail calls; the list shows only the workspaces in ``listed``."""

    def __init__(self, listed):
        self.listed = listed
        self.lists = 0
        self.details = []

    def list_workspaces(self, namespaces=None):
        assert namespaces == ['__all__']
        self.lists += 1
        return [dict(name=name, instance={'status': status}) for name, status in self.listed.items()]

    def get_workspace(self, name):
        self.details.append(name)
        return {'name': name, 'instance': None}


def test_shared_list_is_reused_only_while_fresh_and_newer_than_the_action():
    fake = FakeClock()
    client = ListingClient({'a': 'RUNNING', 'b': 'PENDING'})
    shared = SharedList(client, max_age=1.0, clock=fake.clock)
    assert shared.read('a', since=0.0)['instance']['status'] == 'RUNNING'
    assert shared.read('b', since=0.0)['instance']['status'] == 'PENDING'
    assert client.lists == 1
    fake.now = 0.5
    shared.read('a', since=0.2)  # the list in hand was asked for before this caller acted: ask again
    assert client.lists == 2
    shared.read('b', since=0.2)
    assert client.lists == 2
    fake.now = 1.6
    shared.read('a', since=0.2)  # too old
    assert client.lists == 3


def test_shared_list_falls_back_to_the_detail_call():
    client = ListingClient({'a': 'RUNNING'})
    shared = SharedList(client, max_age=1.0, clock=FakeClock().clock)
    assert shared.read('gone', since=0.0) == {'name': 'gone', 'instance': None}
    assert client.details == ['gone']


def test_summary_sorts_names_by_outcome():
    def result(name, changed=False, failed=False, rolled_back=False, attempted=True, batch=1, msg=''):
        return dict(name=name, changed=changed, failed=failed, rolled_back=rolled_back, attempted=attempted, batch=batch, msg=msg)

    summary = summarise([
        result('kept', changed=True),
        result('same'),
        result('undone', changed=True, rolled_back=True, batch=2),
        result('broke', changed=True, failed=True, rolled_back=True, batch=2, msg='HTTP 500'),
        result('later', attempted=False, batch=3),
    ])
    assert summary == dict(changed=['kept'], rolled_back=['undone', 'broke'], failed=['broke'], failures={'broke': 'HTTP 500'},
                           untouched=['same', 'later'], not_attempted=['later'], batches=3, stopped_early=True)
    assert summarise([result('a', changed=True)])['stopped_early'] is False
    assert summarise([]) == dict(changed=[], rolled_back=[], failed=[], failures={}, untouched=[], not_attempted=[], batches=0,
                                 stopped_early=False)
