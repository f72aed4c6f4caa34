"""A sliding-window rate limiter: at most `limit` sends in any window, the clock passed in.

Pure: it reads no clock and sleeps nowhere; the dispatcher asks it with the loop's time.
Spacing sends evenly is not enough: sends scheduled 1/rate apart bunch up when the event loop
was busy (they all wake at once), and Telegram counts what arrives in each second.
"""

from __future__ import annotations

import math
from collections import deque


class SlidingWindow:
    """At most `limit` events in any half-open window of `window` seconds."""

    def __init__(self, limit: int, window: float) -> None:
        if limit < 1 or window <= 0:
            raise ValueError(f"a rate needs a positive limit and window: {limit}, {window}")
        self.limit = limit
        self.window = window
        self._events: deque[float] = deque()

    @classmethod
    def per_second(cls, rate: float, margin: float = 0.0) -> SlidingWindow:
        """Return the limiter of `rate` events a second: floor(rate) per window of
        floor(rate)/rate seconds (one per 1/rate seconds under 1/s), the window widened by
        `margin` seconds for the jitter between sending and arriving."""
        if rate <= 0:
            raise ValueError(f"a rate must be positive: {rate}")
        limit = max(1, math.floor(rate))
        return cls(limit, limit / rate + margin)

    def wait(self, now: float) -> float:
        """Return how long to wait from `now` before the next event may happen (0: now)."""
        self._forget(now)
        if len(self._events) < self.limit:
            return 0.0
        return self._events[0] + self.window - now

    def take(self, now: float) -> float:
        """Record an event at `now` if one may happen then and return 0; else record nothing
        and return how long to wait."""
        delay = self.wait(now)
        if delay <= 0:
            self._events.append(now)
            return 0.0
        return delay

    def _forget(self, now: float) -> None:
        while self._events and self._events[0] + self.window <= now:
            self._events.popleft()
