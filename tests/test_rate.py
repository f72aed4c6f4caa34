"""The dispatcher's rate: at most the configured number of sends in every 1-second window, and
close to that number over a minute. The limiter is pure: the clock is passed in."""

from __future__ import annotations

import asyncio
import random
import time

import pytest

from bot.channels.base import OutMessage
from bot.delivery.rate import SlidingWindow
from tests.test_delivery import FakeTransport, dispatcher, drain, empty, queue, run
from tests.world import World

__all__ = ["empty"]  # the fixture, used by name


def worst_window(times: list[float], window: float = 1.0) -> int:
    """Return the most events in any half-open window of `window` seconds."""
    ordered = sorted(times)
    worst, first = 0, 0
    for last, at in enumerate(ordered):
        while ordered[first] <= at - window:
            first += 1
        worst = max(worst, last - first + 1)
    return worst


def greedy(limiter: SlidingWindow, asks: list[float]) -> list[float]:
    """Let each asker wait as long as the limiter says, then try again; return when each went."""
    went: list[float] = []
    for at in sorted(asks):
        now = max(at, went[-1] if went else at)
        while (delay := limiter.take(now)) > 0:
            now += delay + 1e-9  # as a sleep does: never a hair early by rounding
        went.append(now)
    return went


def test_a_burst_is_cut_to_the_limit_in_every_window() -> None:
    limiter = SlidingWindow.per_second(25)
    went = greedy(limiter, [0.0] * 100)
    assert worst_window(went) == 25
    assert went[24] == 0.0 and went[25] == pytest.approx(1.0)
    assert went[50] == pytest.approx(2.0)


def test_an_event_waits_exactly_until_the_oldest_leaves_the_window() -> None:
    limiter = SlidingWindow(2, 1.0)
    assert limiter.take(0.0) == 0.0
    assert limiter.take(0.3) == 0.0
    assert limiter.take(0.5) == pytest.approx(0.5)
    assert limiter.take(1.0) == 0.0  # the event at 0.0 is out of [0.0, 1.0) once it is 1.0
    assert limiter.wait(1.2) == pytest.approx(0.1)


def test_random_demand_never_exceeds_the_rate_and_reaches_it_over_a_minute() -> None:
    rng = random.Random(12)
    limiter = SlidingWindow.per_second(25)
    # Far more demand than the rate, in clumps, over a minute.
    asks = [rng.uniform(0, 60) for _ in range(4000)] + [rng.choice((5.0, 20.0))] * 300
    went = [at for at in greedy(limiter, asks) if at < 60]
    assert worst_window(went) <= 25
    assert len(went) / 60 >= 0.95 * 25


def test_a_call_counts_until_a_window_after_its_answer() -> None:
    limiter = SlidingWindow(2, 1.0)
    first = limiter.begin(0.0)
    limiter.begin(0.1)
    assert limiter.wait(5.0) > 0  # both still in flight: nothing may start, however late
    limiter.end(first, 0.4)
    assert limiter.wait(1.0) == pytest.approx(0.4)
    assert limiter.wait(1.4) == 0.0
    with pytest.raises(RuntimeError):
        limiter.begin(1.4) and limiter.begin(1.4)


def test_a_rate_under_one_a_second_spaces_single_events() -> None:
    limiter = SlidingWindow.per_second(0.5)
    assert (limiter.limit, limiter.window) == (1, 2.0)
    assert greedy(limiter, [0.0, 0.0, 0.0]) == pytest.approx([0.0, 2.0, 4.0])


def test_a_limiter_needs_a_positive_rate() -> None:
    with pytest.raises(ValueError):
        SlidingWindow.per_second(0)
    with pytest.raises(ValueError):
        SlidingWindow(0, 1.0)


def test_sends_held_up_by_a_busy_loop_do_not_burst_past_the_rate(empty: World) -> None:
    # Sends are planned 1/rate apart; when the event loop is blocked (here by the first send,
    # as a slow database call on the loop would), the ones planned meanwhile all wake at once.
    for number in range(45):
        queue(empty, f"chat-{number}", f"tin {number}")
    transport = FakeTransport()
    blocked: list[bool] = []

    async def block_once(message: OutMessage) -> None:
        if not blocked:
            blocked.append(True)
            time.sleep(0.6)

    transport.while_sending = block_once
    run(drain(empty, dispatcher(empty, transport, per_second=20), deadline=8.0), timeout=10.0)
    assert len(transport.sent) == 45
    assert worst_window(transport.times) <= 20


def test_calls_of_uneven_latency_never_arrive_more_than_the_rate_in_a_second(
        empty: World) -> None:
    # The platform counts a call when it arrives: anywhere between leaving and the answer.
    # The fake transport notes its time after a random latency, as the platform would.
    for number in range(50):
        queue(empty, f"chat-{number}", f"tin {number}")
    transport = FakeTransport()
    rng = random.Random(3)

    async def latency(message: OutMessage) -> None:
        await asyncio.sleep(rng.choice((0.0, 0.0, 0.01, 0.3)))

    transport.while_sending = latency
    run(drain(empty, dispatcher(empty, transport, per_second=20), deadline=8.0), timeout=10.0)
    assert len(transport.sent) == 50
    assert worst_window(transport.times) <= 20
