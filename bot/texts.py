"""Every word the bot says, in one place, in Vietnamese."""

from __future__ import annotations

from datetime import date

# Commands as (canonical name, aliases, menu description). Aliases are written without
# diacritics: input is folded the same way before matching.
COMMANDS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("start", ("batdau", "dangky"), "Đăng ký bằng mã mời: /start MÃ"),
    ("help", ("huongdan", "trogiup"), "Hướng dẫn sử dụng"),
    ("tasks", ("viec", "nhiemvu"), "Việc của cơ quan tôi"),
    ("done", ("xong", "hoanthanh"), "Báo hoàn thành: /done MÃ [ghi chú]"),
    ("blocked", ("vuongmac",), "Báo vướng mắc: /blocked MÃ lý do"),
    ("progress", ("tiendo",), "Báo tiến độ: /progress MÃ nội dung"),
    ("status", ("tinhhinh",), "Tình hình thực hiện kế hoạch"),
    ("overdue", ("quahan",), "Các việc quá hạn"),
)

HELP = (
    "Nhắc việc: theo dõi kế hoạch triển khai.\n"
    "/viec: việc của cơ quan bạn\n"
    "/xong MÃ [ghi chú]: báo hoàn thành\n"
    "/vuongmac MÃ lý do: báo vướng mắc\n"
    "/tiendo MÃ nội dung: báo tiến độ\n"
    "/tinhhinh [CƠ QUAN|MÃ]: tình hình thực hiện\n"
    "/quahan: các việc quá hạn (điều phối, lãnh đạo)\n"
    "MÃ là số nhiệm vụ trong kế hoạch (1-9, III.1...); thêm @KỲ để chọn kỳ, ví dụ 7@2024.\n"
    "Điều phối báo thay một cơ quan: /xong MÃ CƠ_QUAN, ví dụ /xong 5 LAGI.\n"
    "Trả lời một lời nhắc: 1 = đã hoàn thành, 2 <lý do> = vướng mắc, 3 = nhắc lại sau.\n"
    "Lệnh gõ không dấu cũng được: /xong, /vuongmac, /tiendo."
)

GENERIC_ERROR = "Xin lỗi, đã có lỗi khi xử lý tin nhắn. Vui lòng thử lại sau ít phút."
NOT_TEXT_HINT = "Nhắc việc chỉ đọc tin nhắn chữ. Gõ /help để xem các lệnh."

# Registration
NEED_INVITE = "Bạn chưa đăng ký. Hãy gửi mã mời do Sở Công Thương cấp: /start MÃ"
INVITE_UNKNOWN = "Mã mời không đúng. Vui lòng kiểm tra lại hoặc xin mã mới."
INVITE_USED = "Mã mời này đã được sử dụng. Vui lòng xin mã mới."
INVITE_EXPIRED = "Mã mời đã hết hạn. Vui lòng xin mã mới."
ALREADY_REGISTERED = "Tài khoản này đã được đăng ký cho {agency}. Không cần đăng ký lại."
ROLE_NAMES = {"focal": "đầu mối", "coordinator": "điều phối", "leader": "lãnh đạo"}

# Usage lines for bad input
USAGE_DONE = "Cách dùng: /xong MÃ [ghi chú], ví dụ: /xong 3 Đã trình UBND tỉnh"
USAGE_BLOCKED = "Cách dùng: /vuongmac MÃ lý do, ví dụ: /vuongmac 3 Chưa có số liệu của huyện"
USAGE_PROGRESS = "Cách dùng: /tiendo MÃ nội dung, ví dụ: /tiendo 6 Đã lấy ý kiến các sở"
UNKNOWN_COMMAND = "Không hiểu lệnh «{text}». Gõ /help để xem các lệnh."
NOTE_TOO_LONG = "Nội dung dài {length} ký tự, vượt quá {limit}. Vui lòng rút gọn rồi gửi lại."
UNKNOWN_TASK = "Không có nhiệm vụ mã «{key}» trong kế hoạch. Gõ /viec để xem các mã."
UNKNOWN_PERIOD = "Nhiệm vụ {key} không có kỳ «{period}». Các kỳ: {periods}."
UNKNOWN_AGENCY = "Không có cơ quan mã «{code}»."
WHICH_PERIOD = (
    "Nhiệm vụ {key} có nhiều kỳ chưa hoàn thành: {refs}. Ghi rõ kỳ, ví dụ: /xong {example}"
)
NO_OPEN_OCCURRENCE = "Nhiệm vụ {key} hiện không có kỳ nào đang mở cho {agency}."
NOT_LEAD = "{agency} không chủ trì nhiệm vụ {key} nên không cập nhật được. Chủ trì: {leads}."
LEADER_READ_ONLY = "Tài khoản lãnh đạo chỉ xem, không cập nhật trạng thái."
COORDINATOR_NEEDS_AGENCY = (
    "Nhiệm vụ {key} có nhiều cơ quan chủ trì ({leads}). Ghi rõ cơ quan, ví dụ: /xong {key} {first}"
)
ONLY_COORDINATOR = "Lệnh này dành cho Sở Công Thương và lãnh đạo."
FOCAL_OWN_AGENCY = "Bạn chỉ xem được tình hình của {agency}."
NO_REMINDER_TO_ANSWER = "Chưa có lời nhắc nào để trả lời. Gõ /viec để xem việc của bạn."
NUMBERED_CHOICES = "Trả lời 1 = đã hoàn thành, 2 <lý do> = vướng mắc, 3 = nhắc lại sau"

# Outcomes
DONE_RECORDED = (
    "✅ Đã ghi nhận: {agency} hoàn thành nhiệm vụ {key} ({period}) ngày {day}, {category}."
)
ALREADY_DONE = "Nhiệm vụ {key} ({period}) của {agency} đã hoàn thành ngày {day}; không thay đổi."
BLOCKED_RECORDED = (
    "⛔ Đã ghi nhận vướng mắc của {agency} ở nhiệm vụ {key} ({period}) "
    "và báo ngay Sở Công Thương."
)
PROGRESS_RECORDED = "📝 Đã ghi nhận tiến độ nhiệm vụ {key} ({period}) của {agency}."
SNOOZED = "⏰ Sẽ nhắc lại nhiệm vụ {key} vào ngày {day}."
ASK_BLOCKED_REASON = (
    "Vui lòng nhắn lý do vướng mắc của nhiệm vụ {key} ({period}) trong tin nhắn tiếp theo."
)
STALE_BUTTON = "Lời nhắc này đã cũ. Nhiệm vụ {key} ({period}) của {agency}: {standing}."

# Buttons
BUTTON_DONE = "✅ Đã hoàn thành"
BUTTON_BLOCKED = "⛔ Vướng mắc"
BUTTON_SNOOZE = "⏰ Nhắc lại sau"

# Categories (Vietnamese government task tracking)
CATEGORY_NAMES = {
    "hoan_thanh_dung_han": "hoàn thành đúng hạn",
    "hoan_thanh_qua_han": "hoàn thành quá hạn",
    "dang_thuc_hien_trong_han": "đang thực hiện trong hạn",
    "qua_han": "quá hạn",
}
BLOCKED_NAME = "vướng mắc"
STATUS_TITLE = "📊 Tình hình thực hiện ({scope}), ngày {day}"
STATUS_WHOLE_PLAN = "toàn kế hoạch"
STATUS_LEGEND = ("Theo cơ quan (ĐH = đúng hạn, HTQH = hoàn thành quá hạn, "
                 "TH = trong hạn, QH = quá hạn, VM = vướng mắc):")
STATUS_AGENCY_LINE = ("- {agency}: ĐH {on_time} · HTQH {late} · TH {in_progress} · "
                      "QH {overdue} · VM {blocked}")
STATUS_TASK = "nhiệm vụ {key}"
STATUS_SUMMARY = (
    "Tổng số: {total}\n"
    "- Hoàn thành đúng hạn: {on_time}\n"
    "- Hoàn thành quá hạn: {late}\n"
    "- Đang thực hiện trong hạn: {in_progress}\n"
    "- Quá hạn: {overdue} (tỷ lệ quá hạn {share})\n"
    "- Vướng mắc: {blocked} ({blocked_in_time} trong hạn, {blocked_late} quá hạn)"
)
TASKS_TITLE = "📋 Việc của {agency} ({count}):"
TASK_LINE = "• {ref}: {title}\n  Kỳ: {period} · Hạn {due} · {standing}"
NO_OPEN_ITEMS = "{agency} không có việc nào đang mở."
NO_OVERDUE = "Không có việc nào quá hạn."
OVERDUE_TITLE = "❗ Việc quá hạn ({count}), ngày {day}:"
OVERDUE_LINE = "• {ref} ({period}) – hạn {due}, quá {days} ngày{flag}: {agencies}"
LONG_OVERDUE_FLAG = " ⚠️ trên 120 ngày"
BLOCKED_FLAG = " ⛔ vướng mắc"
DAYS_LATE = " {days} ngày"
NONE_YET = "chưa có"
NONE = "không có"
DIGEST_TITLE = "📬 Bản tin tuần {week} cho lãnh đạo"

# Reminders
STEP_HEADINGS = {
    "T-30": "🔔 Nhắc việc",
    "T-7": "🔔 Nhắc việc",
    "T-1": "🔔 Nhắc việc: ngày mai đến hạn",
    "due": "🔔 Đến hạn",
    "progress": "📝 Đề nghị báo cáo tiến độ",
    "overdue": "❗ Quá hạn",
    "snooze": "⏰ Nhắc lại",
    "coordinate": "🤝 Phối hợp thực hiện",
    "escalation": "🚨 Báo cáo: việc quá hạn",
}


def task_ref(key: str, period: str) -> str:
    """Return how people name one period of a task: "3", "5@2024-Q3" ("DX" periods: the key)."""
    return f"{key}@{period}" if period and not period.startswith("DX") else key


def day(value: date) -> str:
    """Return a date as people write it: dd/mm/yyyy."""
    return value.strftime("%d/%m/%Y")


def where_it_stands(due: date, today: date) -> str:
    """Return "còn 7 ngày", "đến hạn hôm nay" or "quá hạn 3 ngày"."""
    delta = (due - today).days
    if delta > 0:
        return f"còn {delta} ngày"
    if delta == 0:
        return "đến hạn hôm nay"
    return f"quá hạn {-delta} ngày"


def reminder(step: str, key: str, title: str, period: str, due: date, today: date,
             agency: str) -> str:
    """Return the text of a reminder to a lead agency."""
    return (
        f"{STEP_HEADINGS.get(step, '🔔 Nhắc việc')}\n"
        f"Nhiệm vụ {key}: {title}\n"
        f"Kỳ: {period}\n"
        f"Hạn: {day(due)} ({where_it_stands(due, today)})\n"
        f"Cơ quan chủ trì: {agency}"
    )


def progress_request(key: str, title: str, period: str, due: date, today: date,
                     agency: str) -> str:
    return (
        f"{STEP_HEADINGS['progress']}\n"
        f"Nhiệm vụ {key}: {title}\n"
        f"Kỳ: {period}, hạn {day(due)} ({where_it_stands(due, today)})\n"
        f"{agency} vui lòng cập nhật: /tiendo {key} nội dung"
    )


def coordinate_notice(key: str, title: str, period: str, due: date, today: date,
                      agency: str, leads: str) -> str:
    return (
        f"{STEP_HEADINGS['coordinate']}\n"
        f"{agency} là cơ quan phối hợp nhiệm vụ {key}: {title}\n"
        f"Kỳ: {period}, hạn {day(due)} ({where_it_stands(due, today)})\n"
        f"Cơ quan chủ trì: {leads}"
    )


def escalation(key: str, title: str, period: str, due: date, today: date,
               late_agencies: list[str]) -> str:
    lines = "\n".join(f"- {name}" for name in late_agencies)
    return (
        f"{STEP_HEADINGS['escalation']}\n"
        f"Nhiệm vụ {key}: {title}\n"
        f"Kỳ: {period}, hạn {day(due)} ({where_it_stands(due, today)})\n"
        f"Cơ quan chưa hoàn thành:\n{lines}"
    )


def blocked_alert(agency: str, key: str, title: str, period: str, reason: str,
                  officer: str) -> str:
    return (
        f"⛔ Vướng mắc cần xử lý\n"
        f"{agency} báo vướng mắc ở nhiệm vụ {key}: {title}\n"
        f"Kỳ: {period}\n"
        f"Lý do: {reason}\n"
        f"Người báo: {officer}"
    )


CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "console": "dòng lệnh"}


# What the platforms answer (in English), as a coordinator should read it.
FAILURE_REASONS = (
    ("blocked by the user", "người nhận đã chặn bot"),
    ("blocked the bot", "người nhận đã chặn bot"),
    ("chat not found", "không tìm thấy cuộc trò chuyện"),
    ("user is deactivated", "tài khoản người nhận đã bị xóa"),
    ("kicked", "bot đã bị mời ra khỏi nhóm"),
    ("can't initiate conversation", "người nhận chưa bắt đầu trò chuyện với bot"),
    ("(403)", "Zalo từ chối gửi tới người nhận này"),
    ("(404)", "Zalo không tìm thấy người nhận"),
)


def failure_reason(error: str) -> str:
    """Return why a message could not be delivered, in Vietnamese; the raw error in brackets."""
    folded = error.lower()
    for marker, reason in FAILURE_REASONS:
        if marker in folded:
            return reason
    return f"lỗi không xác định ({error})"


def unreachable_alert(officer: str, agency: str, channel: str, error: str) -> str:
    return (
        f"⚠️ Không gửi được tin nhắn cho {officer} ({agency}) qua "
        f"{CHANNEL_NAMES.get(channel, channel)}: {failure_reason(error)}. "
        "Cần liên hệ lại cán bộ này để đăng ký lại."
    )


def greeting(name: str, role: str, agency_name: str) -> str:
    return (
        f"Xin chào {name}! Bạn đã được đăng ký là {ROLE_NAMES.get(role, role)} "
        f"của {agency_name}. Gõ /help để xem các lệnh."
    )


# --- i10-import ---

IMPORT_AGENCIES_WRITTEN = (
    "Đã ghi tệp cơ quan (có cơ quan đề xuất mới): {agencies} (dùng: nhacviec plan check {plan} "
    "--agencies {agencies}, hoặc đặt NHACVIEC_AGENCIES={agencies} cho init và run)"
)

# The review of an imported plan (bot/plan_import): what the reader proposed and guessed.
IMPORT_UNKNOWN_AGENCY = (
    "Cơ quan {role} «{name}» không có trong danh mục cơ quan: đề xuất thêm mới với mã {code} "
    "(kiểm tra trong tệp cơ quan đề xuất)."
)
IMPORT_DUTY_OPEN_LEAD = (
    "Nhiệm vụ của «{group}» không chỉ rõ cơ quan nào: chưa đưa vào tệp kế hoạch (ghi tên cơ "
    "quan để được nhắc)."
)
IMPORT_DUTY_NO_TIMEFRAME = (
    "Nhiệm vụ theo chức năng, văn bản không ghi thời gian: chưa đưa vào tệp kế hoạch (thêm thời "
    "gian để được nhắc)."
)
IMPORT_READ_FROM_TEXT = "{what} «{value}» đọc từ câu văn, không từ mục ghi riêng: cần kiểm tra."
IMPORT_READ_LEAD = "Cơ quan chủ trì"
IMPORT_READ_TIMEFRAME = "Thời gian"
IMPORT_NUMBER_LINE = "Số văn bản:       {number}"
IMPORT_PROPOSED_HEADING = "Cơ quan chưa có trong danh mục, đề xuất thêm mới (cần kiểm tra):"
IMPORT_PROPOSED_LINE = "    {code}: {name} (tên ngắn: {short_name}; loại: {kind})"
IMPORT_AGENCIES_FILE_HEADER = (
    "# Danh mục cơ quan cho kế hoạch nhập từ {source} bằng `nhacviec plan import`.\n"
    "# {count} cơ quan cuối danh sách là đề xuất mới (mã, tên rút gọn, loại do máy đặt): hãy "
    "kiểm tra.\n"
    "# Dùng: nhacviec plan check KẾ_HOẠCH --agencies TỆP_NÀY, hoặc đặt NHACVIEC_AGENCIES.\n\n"
)
