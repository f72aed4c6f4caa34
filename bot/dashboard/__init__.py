"""The web dashboard: server-rendered pages (Jinja2 templates, SVG charts) on the bot's one web
server, signed in by one-time links, with the chat's roles (bot/dashboard/auth.py)."""

from bot.dashboard.app import Dashboard

__all__ = ["Dashboard"]
