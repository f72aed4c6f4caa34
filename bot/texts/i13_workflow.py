"""What the follow-up workflow says: extension requests, due-date changes, confirmation of
completion, an item's history, the coordinator's reminder outside the ladder."""

from __future__ import annotations

# Usage lines
USAGE_EXTEND = ("Cách dùng: /giahan MÃ DD/MM/YYYY lý do, ví dụ: /giahan 3 31/08/2024 "
                "Chờ số liệu của các huyện")
USAGE_APPROVE = "Cách dùng: /duyet SỐ [ghi chú], ví dụ: /duyet 12 Đồng ý gia hạn"
USAGE_REFUSE = "Cách dùng: /tuchoi SỐ lý do, ví dụ: /tuchoi 12 Cần hoàn thành đúng hạn"
USAGE_SET_DUE = ("Cách dùng: /doihan MÃ CƠ_QUAN DD/MM/YYYY lý do, ví dụ: /doihan 5 LAGI "
                 "30/09/2024 Theo chỉ đạo của UBND tỉnh")
USAGE_CONFIRM = "Cách dùng: /xacnhan MÃ [CƠ_QUAN], ví dụ: /xacnhan 5 LAGI"
USAGE_RETURN = ("Cách dùng: /tralai MÃ [CƠ_QUAN] lý do, ví dụ: /tralai 5 LAGI "
                "Thiếu văn bản kèm theo")
USAGE_HISTORY = "Cách dùng: /lichsu MÃ [CƠ_QUAN], ví dụ: /lichsu 5 LAGI"
USAGE_NUDGE = ("Cách dùng: /nhac MÃ CƠ_QUAN [lời nhắn], ví dụ: /nhac 5 LAGI "
               "Đề nghị gửi báo cáo trước thứ Sáu")

# Who may do what
ONLY_PLAN_COORDINATOR = "Chỉ cán bộ điều phối của {agency} mới {what}."
WHAT_DECIDE = "duyệt hoặc từ chối đề nghị gia hạn"
WHAT_SET_DUE = "đổi hạn nhiệm vụ"
WHAT_CONFIRM = "xác nhận hoặc trả lại báo hoàn thành"
WHAT_NUDGE = "nhắc cơ quan ngoài lịch nhắc"
EXTEND_COORDINATOR = ("Cán bộ điều phối đổi hạn trực tiếp, không cần xin gia hạn: "
                      "/doihan {ref} CƠ_QUAN DD/MM/YYYY lý do")

# Dates
BAD_DATE = "Ngày «{text}» không hợp lệ; ghi theo dạng DD/MM/YYYY, ví dụ 31/08/2024."
DATE_IN_PAST = "Ngày {day} đã qua; hạn mới phải từ hôm nay ({today}) trở đi."
DATE_NOT_LATER = "Hạn xin gia hạn {day} phải sau hạn hiện tại {due} của nhiệm vụ {ref}."
DATE_SAME = "Nhiệm vụ {ref} của {agency} đã có hạn {due}; không thay đổi."

# Extension requests
EXTENSION_ALREADY_OPEN = (
    "Nhiệm vụ {ref} của {agency} đã có đề nghị gia hạn số {id} (đến {day}) đang chờ duyệt; "
    "mỗi nhiệm vụ chỉ có một đề nghị đang chờ."
)
EXTENSION_SENT = (
    "📨 Đã gửi đề nghị gia hạn số {id}: nhiệm vụ {ref} ({period}) của {agency}, "
    "từ {due} đến {day}. {coordinator} sẽ trả lời."
)
EXTENSION_NOTICE = (
    "📅 Đề nghị gia hạn số {id}\n"
    "{agency} xin gia hạn nhiệm vụ {ref}: {title}\n"
    "Kỳ: {period}\n"
    "Hạn hiện tại: {due}\n"
    "Xin gia hạn đến: {day}\n"
    "Lý do: {reason}\n"
    "Người đề nghị: {officer}\n"
    "Duyệt: /duyet {id} [ghi chú] · Từ chối: /tuchoi {id} lý do"
)
BUTTON_APPROVE = "✅ Duyệt"
BUTTON_REFUSE = "❌ Từ chối"
EXTENSION_CHOICES = "Trả lời 1 = duyệt, 2 <lý do> = từ chối"
UNKNOWN_REQUEST = "Không có đề nghị gia hạn số «{id}»."
DECISION_NAMES = {
    "approved": "duyệt",
    "refused": "từ chối",
    "superseded": "thay bằng hạn mới do cán bộ điều phối đặt",
}
REQUEST_DECIDED = "Đề nghị gia hạn số {id} đã được {decision} lúc {at}; không thay đổi."
REQUEST_STALE = ("Đề nghị gia hạn số {id} không còn hiệu lực: nhiệm vụ {ref} của {agency} "
                 "{standing}; không thay đổi.")
APPROVED_REPLY = (
    "✅ Đã duyệt đề nghị gia hạn số {id}: nhiệm vụ {ref} ({period}) của {agency} nay hạn {day} "
    "(hạn ban đầu {original})."
)
REFUSED_REPLY = (
    "❌ Đã từ chối đề nghị gia hạn số {id}: nhiệm vụ {ref} ({period}) của {agency} "
    "giữ hạn {due}."
)
APPROVED_NOTICE = (
    "✅ {coordinator} đã duyệt đề nghị gia hạn số {id}: nhiệm vụ {ref} ({period}) của {agency} "
    "nay hạn {day} (hạn ban đầu {original}).{note}"
)
REFUSED_NOTICE = (
    "❌ {coordinator} không duyệt đề nghị gia hạn số {id}: nhiệm vụ {ref} ({period}) của "
    "{agency} giữ hạn {due}.\nLý do: {note}"
)
NOTE_LINE = "\nGhi chú: {note}"
ASK_REFUSE_REASON = (
    "Vui lòng nhắn lý do từ chối đề nghị gia hạn số {id} trong tin nhắn tiếp theo."
)
DUE_SET_REPLY = (
    "📅 Đã đổi hạn nhiệm vụ {ref} ({period}) của {agency} từ {old} thành {day} "
    "(hạn ban đầu {original}).{superseded}"
)
DUE_SET_SUPERSEDED = " Đề nghị gia hạn số {id} đang chờ được thay bằng hạn này."
DUE_SET_NOTICE = (
    "📅 {coordinator} đã đổi hạn nhiệm vụ {ref} ({period}) của {agency} từ {old} thành {day}."
    "\nLý do: {reason}"
)

# Confirmation of completion
DONE_AWAITING = (
    "🕓 Đã ghi nhận: {agency} báo hoàn thành nhiệm vụ {key} ({period}) ngày {day}; "
    "đang chờ {coordinator} xác nhận."
)
CONFIRM_NOTICE = (
    "🕓 Đề nghị xác nhận hoàn thành\n"
    "{agency} báo hoàn thành nhiệm vụ {ref}: {title}\n"
    "Kỳ: {period}\n"
    "Hạn: {due}\n"
    "Ngày báo: {day}\n"
    "Ghi chú: {note}\n"
    "Người báo: {officer}\n"
    "Xác nhận: /xacnhan {ref} {code} · Trả lại: /tralai {ref} {code} lý do"
)
BUTTON_CONFIRM = "✅ Xác nhận"
BUTTON_RETURN = "↩️ Trả lại"
CONFIRM_CHOICES = "Trả lời 1 = xác nhận, 2 <lý do> = trả lại"
ALREADY_AWAITING = (
    "Nhiệm vụ {key} ({period}) của {agency} đã báo hoàn thành ngày {day} và đang chờ "
    "xác nhận; không thay đổi."
)
NOT_AWAITING = (
    "Nhiệm vụ {ref} ({period}) của {agency} không có báo hoàn thành nào đang chờ xác nhận "
    "({standing}); không thay đổi."
)
CONFIRMED_REPLY = (
    "✅ Đã xác nhận: {agency} hoàn thành nhiệm vụ {ref} ({period}) ngày {day}, {category}."
)
CONFIRMED_NOTICE = (
    "✅ {coordinator} đã xác nhận hoàn thành nhiệm vụ {ref} ({period}) của {agency} "
    "ngày {day}, {category}."
)
RETURNED_REPLY = (
    "↩️ Đã trả lại báo hoàn thành nhiệm vụ {ref} ({period}) của {agency}; nhiệm vụ tiếp tục "
    "thực hiện và được nhắc lại."
)
RETURNED_NOTICE = (
    "↩️ {coordinator} trả lại báo hoàn thành nhiệm vụ {ref} ({period}) của {agency}; "
    "nhiệm vụ tiếp tục thực hiện.\nLý do: {reason}"
)
ASK_RETURN_REASON = (
    "Vui lòng nhắn lý do trả lại báo hoàn thành nhiệm vụ {ref} ({period}) trong tin nhắn "
    "tiếp theo."
)
STATUS_AWAITING_LINE = "- Chờ xác nhận hoàn thành: {count}"
STATUS_AGENCY_AWAITING = " · CXN {count}"
NO_CHOICE = "Không có lựa chọn {number}. {choices}"

# History
HISTORY_TITLE = (
    "📜 Lịch sử nhiệm vụ {ref} ({period}) của {agency}\nHạn: {due}{original} · {standing}"
)
HISTORY_CONTINUED = "📜 Lịch sử nhiệm vụ {ref} của {agency} (tiếp, phần {part})"
HISTORY_ORIGINAL = " (hạn ban đầu {day})"
HISTORY_EMPTY = "Chưa có cập nhật nào."
HISTORY_ENTRY = "• {at} · {who} · {channel}\n  {what}"
HISTORY_WHO = "{name} ({agency})"
HISTORY_SYSTEM = "hệ thống"
HISTORY_NOTE = ": {note}"
HISTORY_WITHDRAWN = " (đã hủy)"
HISTORY_WHAT = {
    "done": "Báo hoàn thành",
    "blocked": "Báo vướng mắc",
    "progress": "Báo tiến độ",
    "snooze": "Hẹn nhắc lại",
    "reopened": "Mở lại",
    "withdrawn": "Hủy báo cáo",
    "ext_asked": "Xin gia hạn (số {id}) từ {old} đến {day}",
    "ext_approved": "Duyệt gia hạn (số {id}): hạn mới {day}",
    "ext_refused": "Từ chối gia hạn (số {id}), giữ hạn {old}",
    "due_changed": "Đổi hạn từ {old} thành {day}",
    "confirmed": "Xác nhận hoàn thành",
    "returned": "Trả lại báo hoàn thành",
    "nudged": "Nhắc việc ngoài lịch",
}
HISTORY_WHICH_PERIOD = (
    "Nhiệm vụ {key} có nhiều kỳ đang mở: {refs}. Ghi rõ kỳ, ví dụ: /lichsu {example}"
)

# The coordinator's reminder outside the ladder
NUDGE_MESSAGE = (
    "📣 {coordinator} nhắc việc\n"
    "Nhiệm vụ {ref}: {title}\n"
    "Kỳ: {period}\n"
    "Hạn: {due} ({where})\n"
    "Cơ quan chủ trì: {agency}{note}"
)
NUDGE_NOTE = "\nLời nhắn: {note}"
NUDGE_SENT = "📣 Đã nhắc {count} tài khoản của {agency} về nhiệm vụ {ref} ({period})."
NUDGE_NO_CHAT = ("{agency} chưa có cán bộ nào nhận tin được; chưa nhắc. Cấp mã mời: "
                 "nhacviec invite {code}")

# One piece of evidence under its report in /lichsu: "📎 Minh chứng số 3: qd-15.pdf, 2,5 MB".
HISTORY_EVIDENCE = "\n  📎 Minh chứng số {id}: {what} (/tailieu {id})"
