"""Transports: one class per messenger, one error type."""
