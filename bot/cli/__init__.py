"""The `nhacviec` command line (`python -m bot.cli`, the `nhacviec` script)."""

from bot.cli.parser import build_parser, main

__all__ = ["build_parser", "main"]
