"""Texts of an answer sent later through the outbox, whose file could not travel with it."""

from __future__ import annotations

DEFERRED_FILE_LINK = (
    "Tệp «{filename}» không gửi kèm được lúc trả lời. Tải về (dùng được một lần, đến "
    "{until}):\n{url}"
)
DEFERRED_ATTACHMENT_AGAIN = "Tệp đính kèm không gửi lại được lúc này. Gõ lại lệnh để xem tệp."
