"""The pure time domain: plans, Vietnamese time frames, working days and the reminder policy.

Nothing here imports telegram, sqlalchemy or apscheduler, and nothing reads the clock:
every function takes the instant it reasons about.
"""
