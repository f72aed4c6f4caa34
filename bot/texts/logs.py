"""What the bot writes to its log for the operator, in Vietnamese (logging's %-style lines)."""

from __future__ import annotations

# The inbound journal (bot/inbox.py, storage/journal.py).
JOURNAL_BAD_LINE = "Nhật ký tin nhắn: bỏ qua một dòng hỏng (%s), giữ lại trong %s"
