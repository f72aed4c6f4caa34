"""A sliding-window rate limiter: at most `limit` sends in any window, the clock passed in.

Pure: it reads no clock and sleeps nowhere; the dispatcher asks it with the loop's time.
Spacing sends evenly is not enough: sends scheduled 1/rate apart bunch up when the event loop
was busy (they all wake at once), and the platform counts what arrives in each second, which is
some time between a call leaving and its answer coming back. So a call counts in the window from
the moment it may leave until one window after its answer: whenever it arrives, no window of the
platform's holds more than `limit` of them.
"""

from __future__ import annotations

import itertools
import math

# How long to look again when every call of the window is still waiting for its answer.
IN_FLIGHT_POLL = 0.005


class SlidingWindow:
    """At most `limit` calls in any half-open window of `window` seconds, a call counting from
    its start until `window` after its end."""

    def __init__(self, limit: int, window: float) -> None:
        if limit < 1 or window <= 0:
            raise ValueError(f"a rate needs a positive limit and window: {limit}, {window}")
        self.limit = limit
        self.window = window
        self._ids = itertools.count()
        self._until: dict[int, float] = {}  # call -> when it leaves the window (inf: in flight)

    @classmethod
    def per_second(cls, rate: float) -> SlidingWindow:
        """Return the limiter of `rate` calls a second: floor(rate) per window of
        floor(rate)/rate seconds (one per 1/rate seconds under 1/s)."""
        if rate <= 0:
            raise ValueError(f"a rate must be positive: {rate}")
        limit = max(1, math.floor(rate))
        return cls(limit, limit / rate)

    def wait(self, now: float) -> float:
        """Return how long to wait from `now` before the next call may start (0: now)."""
        for call in [call for call, until in self._until.items() if until <= now]:
            del self._until[call]
        if len(self._until) < self.limit:
            return 0.0
        earliest = min(self._until.values())
        return IN_FLIGHT_POLL if earliest == math.inf else earliest - now

    def begin(self, now: float) -> int:
        """Record a call starting at `now` (when `wait(now)` is 0); return its id for `end`."""
        if self.wait(now) > 0:
            raise RuntimeError("no call may start now: wait first")
        call = next(self._ids)
        self._until[call] = math.inf
        return call

    def end(self, call: int, now: float) -> None:
        """Record that `call` was answered at `now`: it counts for one more window."""
        if call in self._until:
            self._until[call] = now + self.window

    def take(self, now: float) -> float:
        """Record a call starting and ending at `now` if one may start then and return 0; else
        record nothing and return how long to wait."""
        delay = self.wait(now)
        if delay > 0:
            return delay
        self.end(self.begin(now), now)
        return 0.0
