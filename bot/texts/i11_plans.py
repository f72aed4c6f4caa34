"""Several plans at once, and plans taken up mid-way: what the chat and the command line say."""

from __future__ import annotations

# --- i11-plans ---

# The chat: naming a task of one plan among several.
UNKNOWN_PLAN = "Không có kế hoạch mã «{plan}». Các kế hoạch đang theo dõi: {plans}."
UNKNOWN_TASK_IN_PLAN = "Kế hoạch {plan} không có nhiệm vụ mã «{key}». Gõ /viec để xem các mã."
AMBIGUOUS_TASK = (
    "Mã nhiệm vụ «{key}» có trong nhiều kế hoạch: {choices}. "
    "Ghi rõ kế hoạch trước mã, ví dụ: {example}. Chưa có gì thay đổi."
)
STATUS_NOT_TRACKED = "- Không theo dõi (đến hạn trước ngày bắt đầu theo dõi): {count}"
STATUS_PLAN_SCOPE = "kế hoạch {plan}, {scope}"


def plan_task_ref(code: str, key: str) -> str:
    """Return how people name a task of one plan among several: "ND32:3"."""
    return f"{code}:{key}"


# The command line: plan add, list, update, archive, track-from; --plan.
CLI_HELP_PLAN_ADD = "thêm một kế hoạch mới vào cơ sở dữ liệu (bên cạnh các kế hoạch đã có)"
CLI_HELP_PLAN_ADD_FILE = "tệp kế hoạch YAML"
CLI_HELP_TRACK_FROM = ("chỉ theo dõi các kỳ đến hạn từ ngày này (YYYY-MM-DD hoặc dd/mm/yyyy); "
                       "kỳ đến hạn trước đó: không nhắc, không tính quá hạn")
CLI_HELP_TRACK_FROM_DAY = ("ngày bắt đầu theo dõi (YYYY-MM-DD hoặc dd/mm/yyyy); «-»: theo dõi "
                           "lại mọi kỳ")
CLI_HELP_PLAN_LIST = "liệt kê các kế hoạch đã lưu"
CLI_HELP_PLAN_UPDATE = ("cập nhật một kế hoạch đã lưu theo tệp (giữ nguyên tình trạng; nhiệm vụ "
                        "mới được thêm, nhiệm vụ bị bỏ được lưu trữ)")
CLI_HELP_PLAN_ARCHIVE = "lưu trữ một kế hoạch: thôi nhắc, bỏ khỏi /status; lịch sử vẫn giữ"
CLI_HELP_PLAN_TRACK = "đặt ngày bắt đầu theo dõi của một kế hoạch"
CLI_HELP_PLAN_ID_OR_CODE = "mã kế hoạch (id, ví dụ nd32-binh-thuan) hoặc mã ngắn (ví dụ ND32)"
CLI_HELP_ONE_PLAN = "chỉ một kế hoạch: id hoặc mã ngắn (ví dụ ND32)"
CLI_METAVAR_PLAN = "KẾ_HOẠCH"
CLI_HELP_PREVIEW_PLAN = ("một kế hoạch đã lưu (id hoặc mã ngắn): đọc từ cơ sở dữ liệu, theo giờ "
                         "gửi và ngày bắt đầu theo dõi của kế hoạch")

CLI_PLAN_ALREADY_STORED = ("Kế hoạch «{plan}» đã có trong cơ sở dữ liệu: dùng "
                           "`nhacviec plan update {path}` để cập nhật.")
CLI_PLAN_NOT_STORED = ("Kế hoạch «{plan}» chưa có trong cơ sở dữ liệu: dùng "
                       "`nhacviec plan add {path}` để thêm.")
CLI_PLAN_CODE_TAKEN = ("Mã ngắn «{code}» đã thuộc kế hoạch «{owner}»: đặt `code:` khác trong "
                       "tệp kế hoạch.")
CLI_UNKNOWN_PLAN = "Không có kế hoạch «{plan}» trong cơ sở dữ liệu. Các kế hoạch: {plans}."
CLI_PLAN_ADDED = ("Đã thêm kế hoạch {plan} (mã {code}): {tasks} nhiệm vụ, {occurrences} kỳ, "
                  "{assignments} phân công (lịch tính đến {until:%d/%m/%Y}).")
CLI_PLAN_UPDATED = ("Đã cập nhật kế hoạch {plan} (mã {code}): {tasks} nhiệm vụ, "
                    "{occurrences} kỳ, {assignments} phân công.")
CLI_PLAN_ARCHIVED = ("Đã lưu trữ kế hoạch {plan} (mã {code}): không còn nhắc việc, không có "
                     "trong /status; lịch sử vẫn được giữ.")
CLI_PLAN_ALREADY_ARCHIVED = "Kế hoạch {plan} (mã {code}) đã được lưu trữ trước đó."
CLI_PLAN_TRACK_FROM = ("Kế hoạch {plan} (mã {code}): theo dõi các kỳ đến hạn từ ngày "
                       "{day:%d/%m/%Y}; kỳ đến hạn trước đó không nhắc, không tính quá hạn.")
CLI_PLAN_TRACK_ALL = "Kế hoạch {plan} (mã {code}): theo dõi mọi kỳ."
CLI_NO_PLANS = "Chưa có kế hoạch nào: chạy `nhacviec init`."
CLI_PLAN_LIST_HEADER = ("Mã", "Id", "Tên", "Điều phối", "Giờ gửi", "Theo dõi từ", "Nhiệm vụ",
                        "Việc chủ trì", "Trạng thái")
CLI_PLAN_ACTIVE = "đang theo dõi"
CLI_PLAN_ARCHIVED_STATE = "đã lưu trữ"
CLI_PLAN_ALL_PERIODS = "mọi kỳ"
CLI_PLAN_DEFAULT_SEND_AT = "{at:%H:%M} (mặc định)"
