"""Delivery: the tick (`tick.py`) queues due reminders; the dispatcher (`dispatcher.py`) sends.

The database decides what is due and what was sent.
"""
