"""Channels: thin adapters from a messenger to the command layer."""
