"""Every word the bot says, in one place, in Vietnamese.

The command line's words are in bot/texts/cli.py, the Excel report's in bot/texts/report.py,
the log's lines in bot/texts/logs.py, the settings reader's in bot/texts/settings.py, the
plan importer's in plan_data/importer/texts.py (the importer sits below the bot and imports
nothing from it); all are reached as `texts.NAME`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from scheduler.policy import Step

if TYPE_CHECKING:
    from storage.sync import SyncReport

from bot.texts.cli import *  # noqa: F403  (the command line's words)
from bot.texts.deferred import *  # noqa: F403  (answers sent later, their files)
from bot.texts.help import *  # noqa: F403  (/help)
from bot.texts.i11_agencies import *  # noqa: F403  (agencies that change)
from bot.texts.i11_daily import *  # noqa: F403  (the daily message, lists by plan)
from bot.texts.i11_plans import *  # noqa: F403  (several plans, tracking from a day)
from bot.texts.i13_evidence import *  # noqa: F403  (evidence on reports, /tailieu)
from bot.texts.i13_workflow import *  # noqa: F403  (extensions, confirmation, history, /nhac)
from bot.texts.i14_reports import *  # noqa: F403  (Word report, /baocao, status sheet)
from bot.texts.i14_web import *  # noqa: F403  (the dashboard's words)
from bot.texts.logs import *  # noqa: F403  (the log's lines)
from bot.texts.report import *  # noqa: F403  (the Excel report's words)
from bot.texts.settings import *  # noqa: F403  (the settings reader's words)
from plan_data.importer.texts import *  # noqa: F403  (the plan importer's words)
from scheduler.status import LONG_OVERDUE_DAYS
from storage.models import Channel

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
    ("undo", ("huy", "rutlai"), "Hủy báo cáo vừa gửi: /huy MÃ [lý do]"),
    EVIDENCE_COMMAND,  # noqa: F405
    ("report", ("baocao",), "Tệp báo cáo: /baocao [xlsx|docx] [kế hoạch]"),
    ("extend", ("giahan",), "Xin gia hạn: /giahan MÃ DD/MM/YYYY lý do"),
    ("approve", ("duyet",), "Duyệt gia hạn: /duyet SỐ [ghi chú]"),
    ("refuse", ("tuchoi",), "Từ chối gia hạn: /tuchoi SỐ lý do"),
    ("setdue", ("doihan",), "Đổi hạn: /doihan MÃ CƠ_QUAN DD/MM/YYYY lý do"),
    ("confirm", ("xacnhan",), "Xác nhận hoàn thành: /xacnhan MÃ [CƠ_QUAN]"),
    ("giveback", ("tralai",), "Trả lại báo hoàn thành: /tralai MÃ [CƠ_QUAN] lý do"),
    ("history", ("lichsu",), "Lịch sử nhiệm vụ: /lichsu MÃ [CƠ_QUAN]"),
    ("nudge", ("nhac",), "Nhắc cơ quan ngay: /nhac MÃ CƠ_QUAN [lời nhắn]"),
    ("web", ("trangweb", "dashboard"), "Đường dẫn đăng nhập trang theo dõi"),
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
    "Nhiệm vụ {key} có nhiều kỳ chưa hoàn thành: {refs}. Ghi rõ kỳ, ví dụ: {example}"
)
NO_OPEN_OCCURRENCE = "Nhiệm vụ {key} hiện không có kỳ nào đang mở cho {agency}."
NOT_LEAD = "{agency} không chủ trì nhiệm vụ {key} nên không cập nhật được. Chủ trì: {leads}."
LEADER_READ_ONLY = "Tài khoản lãnh đạo chỉ xem, không cập nhật trạng thái."
COORDINATOR_NEEDS_AGENCY = (
    "Nhiệm vụ {key} có nhiều cơ quan chủ trì ({leads}). Ghi rõ cơ quan, ví dụ: "
    "/{command} {key} {first}"
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
    "khong_theo_doi": "không theo dõi",
    "cho_xac_nhan": "chờ xác nhận",
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
LONG_OVERDUE_FLAG = f" ⚠️ trên {LONG_OVERDUE_DAYS} ngày"
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


# The one table of channel names, one per storage.models.Channel (tests/test_channels.py checks).
CHANNEL_NAMES: dict[str, str] = {
    Channel.TELEGRAM: "Telegram", Channel.ZALO: "Zalo", Channel.CONSOLE: "dòng lệnh",
    Channel.WEB: "trang web",
}


def channel_label(channel: str) -> str:
    """The channel's name as a heading or table cell starts it: "Dòng lệnh"."""
    name = CHANNEL_NAMES.get(channel)
    return channel if name is None else name[:1].upper() + name[1:]


# What the platforms answer (in English), as a coordinator should read it.
FAILURE_REASONS = (
    ("blocked by the user", "người nhận đã chặn bot"),
    ("blocked the bot", "người nhận đã chặn bot"),
    ("chat not found", "không tìm thấy cuộc trò chuyện"),
    ("user is deactivated", "tài khoản người nhận đã bị xóa"),
    ("kicked", "bot đã bị mời ra khỏi nhóm"),
    ("can't initiate conversation", "người nhận chưa bắt đầu trò chuyện với bot"),
    # Zalo's documented codes: 403 is an internal server error, 404 an invalid request.
    ("(403)", "máy chủ Zalo gặp lỗi nội bộ"),
    ("(404)", "Zalo báo yêu cầu không hợp lệ"),
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


# --- i8-journal ---
# A message the database could not take: kept in the journal, applied when it is back.
JOURNAL_KEPT = (
    "📥 Đã nhận tin nhắn của bạn lúc {time}. Hệ thống tạm thời chưa ghi được vào cơ sở dữ liệu "
    "nên tin nhắn đã được lưu riêng và sẽ được áp dụng ngay khi hệ thống hoạt động lại, tính theo "
    "thời điểm nhận. Kết quả sẽ được gửi cho bạn, không cần gửi lại."
)
JOURNAL_APPLIED = "📥 Tin nhắn bạn gửi lúc {time} («{text}») nay đã được áp dụng:"
JOURNAL_APPLIED_TAP = "📥 Nút bạn bấm lúc {time} nay đã được áp dụng:"
JOURNAL_FAILED = (
    "Xin lỗi, hệ thống đang gặp sự cố lưu trữ nên tin nhắn của bạn CHƯA được ghi nhận. "
    "Vui lòng gửi lại sau ít phút."
)

# --- i8-messengers ---

ZALO_TOKEN_REJECTED = ("Zalo từ chối token bot (mã 401: token hết hạn hoặc không hợp lệ). "
                       "Kiểm tra ZALO_BOT_TOKEN rồi khởi động lại nhacviec.")
TELEGRAM_TOKEN_REJECTED = ("Telegram từ chối token bot (token sai hoặc đã bị thu hồi). "
                           "Kiểm tra TELEGRAM_BOT_TOKEN với @BotFather rồi khởi động lại nhacviec.")
NO_CHANNEL_LEFT = "Không còn kênh nào hoạt động: nhacviec dừng."
# Shown on the tapped button at once, before the work it asks for is done.
TAP_RECEIVED = "Đã nhận, đang xử lý…"


def server_unreachable(channel: str, setting: str, attempts: int, reason: str) -> str:
    """The operator's line when a messenger's server cannot be reached at start-up."""
    return (f"Không kết nối được máy chủ {CHANNEL_NAMES.get(channel, channel)} sau {attempts} "
            f"lần thử ({reason}). Kiểm tra mạng và {setting} rồi khởi động lại nhacviec.")


def channel_stopped(channel: str, reason: str) -> str:
    """The operator's log line when a channel stops for good while running."""
    return f"Kênh {CHANNEL_NAMES.get(channel, channel)} ngừng hoạt động: {reason}"


def channel_down_alert(channel: str, reason: str) -> str:
    """What every coordinator on another channel is told, once, when a channel stops."""
    name = CHANNEL_NAMES.get(channel, channel)
    return (f"⚠️ Kênh {name} của bot đã ngừng hoạt động: {reason} Tin nhắn qua {name} được giữ "
            f"lại và sẽ gửi khi kênh hoạt động trở lại. Cần báo người vận hành xử lý.")


def chat_migrated(old: str, new: str) -> str:
    """The log line when a Telegram group became a supergroup under a new chat id."""
    return f"Telegram: nhóm {old} đã chuyển thành siêu nhóm {new}; đã cập nhật và gửi lại."
# --- i8-records ---

PERIOD_NOT_OPENED = (
    "Kỳ {ref} ({period}) chưa bắt đầu (từ {start}) nên chưa báo cáo được. {open}"
)
OPEN_PERIODS = "Kỳ đang mở: {refs}."
NO_PERIOD_OPEN = "Nhiệm vụ {key} hiện không có kỳ nào đang mở cho {agency}."
LATEST_PERIOD_DONE = "Kỳ gần nhất {ref} đã hoàn thành ngày {day}."
USAGE_UNDO = "Cách dùng: /huy MÃ [lý do], ví dụ: /huy 3 Báo nhầm nhiệm vụ"
NOTHING_TO_UNDO = "Không có báo cáo nào của {agency} ở nhiệm vụ {ref} để hủy."
UNDO_NOT_AUTHOR = (
    "Báo cáo «{what}» ở nhiệm vụ {ref} do {author} gửi lúc {at}. Chỉ người gửi (trong 24 giờ) "
    "hoặc Sở Công Thương mới hủy được."
)
UNDO_TOO_LATE = (
    "Báo cáo «{what}» ở nhiệm vụ {ref} gửi lúc {at}, đã quá 24 giờ nên không tự hủy được. "
    "Đề nghị Sở Công Thương hủy giúp: /huy {ref} lý do"
)
UNDO_NEEDS_REASON = (
    "Sở Công Thương hủy báo cáo của người khác cần ghi lý do, ví dụ: /huy {ref} Báo nhầm kỳ"
)
UNDO_RECORDED = (
    "↩️ Đã hủy báo cáo «{what}» gửi lúc {at} của {agency} ở nhiệm vụ {ref} ({period}). "
    "Hiện trạng: {standing}."
)
UNDO_BLOCKED_ALERT = (
    "↩️ {agency} đã hủy báo vướng mắc ở nhiệm vụ {ref} ({period}) gửi lúc {at}.\n"
    "Người hủy: {officer}"
)
REPORT_NAMES = {"done": "hoàn thành", "blocked": "vướng mắc", "progress": "tiến độ"}
SOMEONE = "người khác"


def moment(value: datetime) -> str:
    """Return an instant as people write it: HH:MM dd/mm/yyyy (in the instant's zone)."""
    return value.strftime("%H:%M %d/%m/%Y")
# --- r-commands ---

CHOICES_TITLE = "Trả lời:"


# --- r-storage ---

STEP_LABELS: dict[Step, str] = {
    Step.T30: "nhắc trước 30 ngày",
    Step.T7: "nhắc trước 7 ngày",
    Step.T1: "nhắc trước 1 ngày",
    Step.DUE: "đến hạn",
    Step.PROGRESS: "báo cáo tiến độ",
    Step.OVERDUE: "quá hạn",
    Step.ESCALATION: "báo cáo cơ quan điều phối",
    Step.COORDINATE: "phối hợp",
    Step.SNOOZE: "nhắc lại",
}

# Why a chat or a message is out of service (stored, shown by the CLI).
SESSION_CLOSED = "phiên đã đóng"
OFFICER_REVOKED = "cán bộ đã bị vô hiệu hóa"


def snooze_note(until: date) -> str:
    """Return the note recorded with a snooze until `until`."""
    return f"nhắc lại ngày {until.isoformat()}"


def describe_sync(report: SyncReport) -> str:
    """Return one Vietnamese line saying what the sync changed, or that nothing changed."""
    changes = [
        f"{verb} {count} {noun}"
        for verb, count, noun in (
            ("thêm", report.agencies_added, "cơ quan"),
            ("cập nhật", report.agencies_updated, "cơ quan"),
            ("thêm", report.tasks_added, "nhiệm vụ"),
            ("cập nhật", report.tasks_updated, "nhiệm vụ"),
            ("lưu trữ", report.tasks_archived, "nhiệm vụ"),
            ("thêm", report.occurrences_added, "kỳ"),
            ("cập nhật", report.occurrences_updated, "kỳ"),
            ("lưu trữ", report.occurrences_archived, "kỳ"),
            ("thêm", report.assignments_added, "phân công"),
            ("cập nhật", report.assignments_updated, "phân công"),
            ("lưu trữ", report.assignments_archived, "phân công"),
        )
        if count
    ]
    if report.plan_updated:
        changes.append("cập nhật thông tin kế hoạch")
    return "Thay đổi: " + ", ".join(changes) + "." if changes else "Không có thay đổi."


# --- r-asgi ---

def webhook_port_unavailable(port: int, reason: str) -> str:
    """Return the operator's line when the webhooks' port cannot be opened."""
    return (f"Không mở được cổng webhook {port} (NHACVIEC_WEBHOOK_PORT): {reason}. "
            "Hãy chọn cổng khác hoặc dừng chương trình đang dùng cổng này.")
