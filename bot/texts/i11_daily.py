"""The words of the daily message (one per agency and day), its numbered answers, and of the
/viec, /tinhhinh, /quahan views grouped by plan."""

from __future__ import annotations

# ---- the daily message ----------------------------------------------------------------------

DAILY_TITLE = "📬 Nhắc việc ngày {day} cho {agency}: {count} việc"
# One item: "{number}. " opens it (bot.answers reads the number back), its lines follow.
DAILY_ITEM = "{number}. {heading} – nhiệm vụ {ref}: {title}\nKỳ: {period} · Hạn {due} · {standing}"
DAILY_PLAN = "Kế hoạch: {plan}"
DAILY_PROGRESS_HINT = "Cập nhật tiến độ: /tiendo {ref} nội dung"
DAILY_NOTICES_TITLE = "Để phối hợp (không cần trả lời):"
DAILY_NOTICE = ("• {heading} – nhiệm vụ {ref}: {title}\nKỳ: {period} · Hạn {due} · "
                "Chủ trì: {leads}")
DAILY_ESCALATION_TITLE = "🚨 Báo cáo ngày {day}: {count} việc quá hạn cần đôn đốc"
DAILY_ESCALATION_ITEM = ("{number}. Nhiệm vụ {ref} ({period}, kế hoạch {plan}): {title} – "
                         "hạn {due} ({late}); chưa hoàn thành: {agencies}")

# Buttons of item N (Telegram: one row per item).
ITEM_BUTTON_DONE = "✅ {number} Xong"
ITEM_BUTTON_BLOCKED = "⛔ {number} Vướng mắc"
ITEM_BUTTON_SNOOZE = "⏰ {number} Nhắc sau"
# Zalo and the console: how to answer item N by numbers.
ITEM_CHOICES = ("Trả lời theo số mục: 1 3 = mục 3 đã hoàn thành · 2 3 <lý do> = mục 3 vướng "
                "mắc · 3 3 = nhắc lại mục 3 sau")
ITEM_NUMBER_NEEDED = ("Tin nhắc gần nhất có {count} việc: ghi số mục sau lựa chọn, ví dụ "
                      "1 {count} = mục {count} đã hoàn thành, 2 {count} <lý do> = vướng mắc.")
ITEM_NUMBER_UNKNOWN = "Tin nhắc gần nhất không có mục {number} (chỉ có mục 1 đến {count})."

# ---- lists grouped by plan ------------------------------------------------------------------

PLAN_HEADING = "🗂 Kế hoạch {plan}:"
TASKS_PLAN_HEADING = "🗂 Kế hoạch {plan} ({count}):"
OVERDUE_SUMMARY_TITLE = "❗ Việc quá hạn ({count}), ngày {day}, theo cơ quan:"
OVERDUE_AGENCY_COUNT = "- {agency}: {count} việc quá hạn{long}{blocked}"
OVERDUE_LONG_COUNT = ", {count} trên {days} ngày"
OVERDUE_BLOCKED_COUNT = ", {count} vướng mắc"
OVERDUE_DETAILS_HINT = ("Chi tiết: /quahan MÃ_CƠ_QUAN (ví dụ /quahan {agency}) hoặc "
                        "/quahan MÃ_NHIỆM_VỤ.")
OVERDUE_OF_AGENCY_TITLE = "❗ Việc quá hạn của {agency} ({count}), ngày {day}:"
OVERDUE_AGENCY_LINE = "• {ref} ({period}): {title} – hạn {due}, quá {days} ngày{flag}{blocked}"
OVERDUE_OF_TASK_TITLE = "❗ Nhiệm vụ {key} quá hạn ({count}), ngày {day}:"
NO_OVERDUE_OF = "{scope}: không có việc nào quá hạn."
OVERDUE_UNKNOWN = ('Không có cơ quan hay nhiệm vụ "{text}". Gõ /quahan để xem tất cả.')
