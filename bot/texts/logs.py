"""What the bot writes to its log for the operator, in Vietnamese (logging's %-style lines)."""

from __future__ import annotations

# The inbound journal (bot/inbox.py, storage/journal.py).
JOURNAL_BAD_LINE = "Nhật ký tin nhắn: bỏ qua một dòng hỏng (%s), giữ lại trong %s"

LOG_CONSOLE_FAILED = "console: lỗi khi xử lý lệnh"

LOG_TELEGRAM_COMMANDS_NOT_SET = "Không đặt được danh sách lệnh Telegram: %s"
LOG_TELEGRAM_NO_ANSWER = "Telegram chưa trả lời (%s), thử lại sau %.0f giây"
LOG_TELEGRAM_GET_UPDATES = "Telegram getUpdates lỗi (%s): %s"
LOG_TELEGRAM_CALLBACK_UNANSWERED = "Không trả lời được nút bấm %s: %s"
LOG_TELEGRAM_BUTTONS_KEPT = "Không gỡ được nút của tin nhắn %s: %s"
LOG_TELEGRAM_CONNECTION_LOST = "Mất kết nối tới Telegram: %s"
LOG_UNKNOWN_ERROR = "không rõ lỗi"
LOG_TELEGRAM_UPDATE_FAILED = "Lỗi khi xử lý cập nhật %s:\n%s"
LOG_TELEGRAM_REPLY_QUEUED = "Telegram: trả lời chưa gửi được, chuyển vào hàng đợi: %s"

ZALO_TOKEN_EMPTY = "ZALO_BOT_TOKEN trống"
LOG_ZALO_UNREADABLE_UPDATE = "Zalo getUpdates: bỏ qua một cập nhật không đọc được"

LOG_ZALO_NOT_AN_UPDATE = "Zalo: bỏ qua một nội dung không phải cập nhật"
LOG_ZALO_SEEN = "Zalo: bỏ qua tin nhắn %s đã xử lý"
LOG_ZALO_REPLY_QUEUED = "Zalo: trả lời chưa gửi được, chuyển vào hàng đợi: %s"
LOG_ZALO_REPLY_FAILED = "Zalo: không trả lời được tin nhắn %s: %s"
LOG_ZALO_HANDLING_FAILED = "Zalo: lỗi khi xử lý tin nhắn %s"
LOG_ZALO_RETRY = "%s; thử lại sau %.0f giây"
LOG_ZALO_POLL_RETRY = "%s; thử lại sau %.1f giây"
ZALO_WEBHOOK_SECRET_LENGTH = "ZALO_WEBHOOK_SECRET phải dài từ 8 đến 256 ký tự"
ZALO_WEBHOOK_URL_NOT_HTTPS = "ZALO_WEBHOOK_URL phải là địa chỉ https://"
ZALO_WEBHOOK_SECRET_EMPTY = "ZALO_WEBHOOK_SECRET trống"
LOG_ZALO_WEBHOOK_NOT_JSON = "Zalo webhook: bỏ qua nội dung không phải JSON"
LOG_ZALO_WEBHOOK_SLOW = "Zalo webhook: xử lý quá %s giây, vẫn trả lời 200"

ZALO_EMPTY_MESSAGE = "tin nhắn trống: Zalo không nhận tin nhắn trống"

LOG_JOURNAL_DB_STILL_DOWN = "Nhật ký tin nhắn: cơ sở dữ liệu vẫn chưa nhận được (%s), thử lại sau"
LOG_JOURNAL_APPLY_FAILED = "Nhật ký tin nhắn: lỗi khi áp dụng tin nhắn %s, giữ lại trong %s"
LOG_JOURNAL_KEPT = "Cơ sở dữ liệu chưa nhận được tin nhắn %s (%s): lưu vào nhật ký %s"
LOG_JOURNAL_UNREADABLE = "Không đọc hoặc làm trống được nhật ký tin nhắn %s: %s"
LOG_JOURNAL_REPLAYED = "Nhật ký tin nhắn: đã xử lý xong %d tin nhắn chờ"
LOG_JOURNAL_UNWRITABLE = "Không ghi được nhật ký tin nhắn %s: %s; tin nhắn %s chưa được lưu"

LOG_CRASH = "nhacviec dừng vì một lỗi không lường trước"
# The Zalo Bot API's failures, as ZaloApiError words them (str.format fields).
ZALO_TIMEOUT = "Zalo {method}: hết thời gian chờ ({error})"
ZALO_CONNECTION_ERROR = "Zalo {method}: lỗi kết nối ({error})"
ZALO_API_FAILED = "Zalo {method} thất bại ({code}): {description}"
LOG_TELEGRAM_SETWEBHOOK_RETRY = "Telegram setWebhook chưa được, thử lại sau %.0f giây"
LOG_TELEGRAM_WEBHOOK_NOT_UPDATE = "Telegram webhook: bỏ qua nội dung không phải cập nhật"
