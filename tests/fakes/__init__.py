"""Fake platform servers the test suite talks real HTTP to, on 127.0.0.1."""
