"""What the command line (`nhacviec ...`) says, in Vietnamese."""

from __future__ import annotations

# --- i8-cli ---
# The command line (`nhacviec ...`): one line per problem, on stderr.

# argparse's own messages (its gettext msgids), as the operator reads them.
ARGPARSE_MESSAGES = {
    "usage: ": "cách dùng: ",
    "positional arguments": "đối số",
    "options": "tùy chọn",
    "optional arguments": "tùy chọn",
    "show this help message and exit": "hiện hướng dẫn này rồi thoát",
    "argument %(argument_name)s: %(message)s": "đối số %(argument_name)s: %(message)s",
    "unrecognized arguments: %s": "đối số không hiểu được: %s",
    "the following arguments are required: %s": "thiếu đối số bắt buộc: %s",
    "one of the arguments %s is required": "cần một trong các đối số %s",
    "not allowed with argument %s": "không dùng được cùng đối số %s",
    "ignored explicit argument %r": "đối số %r không dùng được ở đây",
    "expected one argument": "cần một giá trị",
    "expected at most one argument": "cần nhiều nhất một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "expected %s argument": "cần %s giá trị",
    "expected %s arguments": "cần %s giá trị",
    "ambiguous option: %(option)s could match %(matches)s":
        "tùy chọn %(option)s không rõ, có thể là: %(matches)s",
    "unexpected option string: %s": "tùy chọn không mong đợi: %s",
    "invalid %(type)s value: %(value)r": "giá trị không hợp lệ: %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "lựa chọn không hợp lệ: %(value)r (chọn một trong: %(choices)s)",
    "invalid choice: %(value)r, maybe you meant %(closest)r? (choose from %(choices)s)":
        "lựa chọn không hợp lệ: %(value)r, có phải %(closest)r? (chọn một trong: %(choices)s)",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "can't open '%(filename)s': %(error)s": "không mở được «%(filename)s»: %(error)s",
}
CLI_USAGE_ERROR = "{prog}: lỗi: {message} (xem: {prog} --help)"
CLI_BAD_DATE = "ngày không hợp lệ (cần YYYY-MM-DD hoặc dd/mm/yyyy): {text}"
CLI_BROKEN_PIPE = "Đầu ra đã bị đóng trước khi in xong (ví dụ bởi `head`): dừng."
CLI_DB_UNREACHABLE = (
    "Không kết nối được cơ sở dữ liệu {url} (máy chủ chưa chạy, sai địa chỉ hoặc sai mật khẩu?)"
    ": {detail}"
)
CLI_DB_ERROR = "Lỗi cơ sở dữ liệu {url}: {detail}"
CLI_DB_DRIVER_MISSING = (
    "Thiếu thư viện kết nối cơ sở dữ liệu ({name}) cho {url}: cài đặt nó "
    '(PostgreSQL: pip install -e ".[postgres]") rồi chạy lại.'
)
CLI_NOT_XLSX = "tệp báo cáo phải có đuôi .xlsx hoặc .docx: {path}"
CLI_CANNOT_WRITE = "Không ghi được tệp {path}: {reason}."
CLI_NO_DIRECTORY = "thư mục {directory} không tồn tại"
CLI_OS_REASONS = {
    "ENOENT": "thư mục không tồn tại",
    "EACCES": "không có quyền ghi",
    "EPERM": "không có quyền ghi",
    "EROFS": "ổ đĩa chỉ cho đọc",
    "ENOSPC": "ổ đĩa đã đầy",
    "EISDIR": "đó là một thư mục",
    "ENOTDIR": "đường dẫn đi qua một tệp, không phải thư mục",
}
CLI_OS_REASON_OTHER = "lỗi hệ thống ({error})"
CLI_STATUS_UNKNOWN_TARGET = (
    "Không có cơ quan hay nhiệm vụ mã «{target}». Mã nhiệm vụ: {keys}. "
    "Mã cơ quan: xem plan_data/agencies.yaml (ví dụ SCT)."
)
CLI_HEALTH_OK = "Sẵn sàng: cơ sở dữ liệu {url} đúng cấu trúc mới nhất; kế hoạch {plan} hợp lệ."


# --- r-edges ---
# The command line's own lines (bot/cli/), besides its argparse help.
CLI_NOT_INITIALISED = (
    "Cơ sở dữ liệu chưa được khởi tạo hoặc chưa cập nhật: hãy chạy `nhacviec init`."
)
CLI_OFFICER_ID_NOT_A_NUMBER = "mã cán bộ phải là một số: {text}"
CLI_INIT_DATABASE = "Cơ sở dữ liệu: {url} (đã cập nhật cấu trúc mới nhất)."
CLI_INIT_PLAN = ("Kế hoạch {plan}: {tasks} nhiệm vụ, {occurrences} kỳ, {assignments} phân công "
                 "(lịch tính đến {until:%d/%m/%Y}).")
CLI_INIT_SET_PLAN = ("Lưu ý: đặt NHACVIEC_PLAN={path} để bot dùng kế hoạch này "
                     "(mỗi lần chạy, bot đọc lại tệp kế hoạch trong NHACVIEC_PLAN).")
CLI_INVITE_NEEDS_AGENCY = "Cần mã cơ quan hoặc --officer ID."
CLI_NO_ACTIVE_OFFICER = "Không có cán bộ đang hoạt động với ID {id}."
CLI_NO_AGENCY_CODES = "Không có cơ quan mã «{code}». Các mã có: {codes}."
CLI_INVITE_FOR = "Mã mời cho {name} ({code}), vai trò {role}:"
CLI_INVITE_EXPIRES = "Dùng một lần, hết hạn lúc {at:%H:%M} ngày {at:%d/%m/%Y}."
CLI_INVITE_LINK = "Gửi đường dẫn này cho cán bộ: {link}"
CLI_INVITE_SEND = "Cán bộ mở bot và gửi: /start {code}"
YES = "có"
NO = "không"
CLI_NO_OFFICERS = "Chưa có cán bộ nào. Tạo mã mời bằng: nhacviec invite MÃ_CƠ_QUAN"
CLI_OFFICERS_HEADER = ("ID", "Họ tên", "Cơ quan", "Vai trò", "Kênh", "Hoạt động", "Liên lạc được")
CLI_NO_OFFICER = "Không có cán bộ số {id}."
CLI_OFFICER_WHO = "cán bộ số {id}: {name} ({agency}, {role})"
CLI_REVOKED = "Đã vô hiệu hóa {who}. Cán bộ này không còn nhận nhắc việc hay báo cáo được nữa."
CLI_ALREADY_REVOKED = "{who} đã bị vô hiệu hóa từ trước; không có gì thay đổi."
CLI_PLAN_VALID = "Tệp hợp lệ: {path}"
CLI_BAD_PLAN_ID = "mã kế hoạch chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang: {text}"
CLI_CANNOT_WRITE_PLAN = "không ghi được tệp {path}: thư mục không tồn tại hoặc không có quyền ghi"
CLI_END_BEFORE_START = "Ngày kết thúc {end:%d/%m/%Y} trước ngày bắt đầu {start:%d/%m/%Y}."
CLI_NO_AGENCY_SEE_FILE = "Không có cơ quan mã «{code}». Xem plan_data/agencies.yaml."
PREVIEW_TITLE = "Lịch nhắc việc từ {start} đến {end}"
PREVIEW_EMPTY = "{title}: không có lời nhắc nào."
PREVIEW_HEADER = ("Ngày", "Cơ quan", "Nhiệm vụ", "Bước", "Hạn")
PREVIEW_HEADING = "{title} ({count} lời nhắc, gửi lúc {at:%H:%M})"
CLI_BAD_DATETIME = "thời điểm không hợp lệ (cần dạng 2024-06-20T08:00): {text}"
CLI_TICK_QUEUED = "Lượt nhắc lúc {at:%H:%M %d/%m/%Y}: {count} lời nhắc được xếp hàng gửi."
CLI_TICK_LINE = "- {agency}: nhiệm vụ {task}{period}, {step}, hạn {due}, {count} người nhận"
CLI_REPORT_WRITTEN = "Đã ghi báo cáo: {path}"
CLI_CHAT_NAME = "Cán bộ {agency}"
CLI_CHAT_INTRO = ("Nhắc việc — phiên dùng thử trên dòng lệnh ({agency}, {role}). "
                  "Gõ /help để xem lệnh, /thoat để thoát.\n")

# --- r-words --- argparse's descriptions, metavars and help lines
CLI_DESCRIPTION = "Nhắc việc: theo dõi kế hoạch."
CLI_METAVAR_COMMAND = "LỆNH"
CLI_COMMANDS_TITLE = "các lệnh"
CLI_HELP_TIMEFRAME = "phân tích thời gian thực hiện thành lịch"
CLI_METAVAR_TIMEFRAME = "THỜI_GIAN"
CLI_HELP_TIMEFRAME_TEXT = "thời gian thực hiện, ví dụ «Quý 2 năm 2024»"
CLI_METAVAR_DATE = "NGÀY"
CLI_HELP_PLAN_START = "ngày bắt đầu kế hoạch, YYYY-MM-DD hoặc dd/mm/yyyy (mặc định: 2024-04-01)"
CLI_HELP_PREVIEW = "xem trước lịch nhắc việc của kế hoạch"
CLI_HELP_FROM = "từ ngày (mặc định: hôm nay)"
CLI_METAVAR_CODE = "MÃ"
CLI_HELP_PREVIEW_AGENCY = "chỉ cơ quan có mã này (ví dụ PHANTHIET; HUYEN là cả mười huyện)"
CLI_HELP_JSON_LINES = "mỗi dòng một đối tượng JSON"
CLI_HELP_PLAN = "kế hoạch dạng dữ liệu"
CLI_HELP_PLAN_CHECK = "kiểm tra một tệp kế hoạch và tóm tắt nội dung"
CLI_METAVAR_FILE = "TỆP"
CLI_HELP_PLAN_FILE = "tệp YAML (mặc định: kế hoạch có sẵn)"
CLI_HELP_AGENCIES_FILE = "tệp cơ quan (mặc định: agencies.yaml có sẵn)"
CLI_HELP_PLAN_IMPORT = (
    "đọc văn bản kế hoạch (.md, .txt, .docx, .pdf), đề xuất tệp kế hoạch và rà soát"
)
CLI_METAVAR_DOCUMENT = "VĂN_BẢN"
CLI_HELP_IMPORT_DOC = "văn bản kế hoạch: Markdown, văn bản thường, .docx, .pdf có lớp chữ"
CLI_METAVAR_YAML_FILE = "TỆP.yaml"
CLI_HELP_IMPORT_OUT = "ghi tệp kế hoạch YAML (chỉ khi không còn thiếu sót)"
CLI_HELP_IMPORT_PLAN_ID = "mã kế hoạch (mặc định: theo tên tệp)"
CLI_HELP_IMPORT_PLAN_START = (
    "ngày bắt đầu, YYYY-MM-DD hoặc dd/mm/yyyy (mặc định: ngày ban hành trong văn bản)"
)
CLI_HELP_IMPORT_JSON = "in bảng rà soát dạng JSON"
CLI_HELP_INIT = "tạo hoặc cập nhật cơ sở dữ liệu và nạp kế hoạch"
CLI_HELP_INIT_PLAN = "tệp kế hoạch YAML (mặc định: NHACVIEC_PLAN hoặc kế hoạch có sẵn)"
CLI_HELP_INIT_AS_OF = "tính lịch như thể hôm nay là ngày này (YYYY-MM-DD hoặc dd/mm/yyyy)"
CLI_HELP_INVITE = "tạo mã mời dùng một lần cho cán bộ của một cơ quan"
CLI_METAVAR_AGENCY = "MÃ_CƠ_QUAN"
CLI_HELP_AGENCY_CODE = "mã cơ quan, ví dụ SCT"
CLI_HELP_INVITE_OFFICER = "thêm một kênh (Telegram hoặc Zalo) cho cán bộ đã đăng ký có ID này"
CLI_HELP_ROLE = "vai trò (mặc định: focal)"
CLI_HELP_INVITE_JSON = "in kết quả dạng JSON"
CLI_HELP_OFFICERS = "liệt kê cán bộ đã đăng ký"
CLI_HELP_REVOKE = "vô hiệu hóa một cán bộ"
CLI_HELP_REVOKE_ID = "số ID trong `nhacviec officers`"

CLI_HELP_RUN = "chạy bot (Telegram, Zalo), bộ hẹn giờ và bộ gửi tin"
CLI_HELP_CLOCK = "bắt đầu đồng hồ tại thời điểm này rồi chạy theo thời gian thực"
CLI_HELP_RUN_AGENCIES = "tệp cơ quan (mặc định: NHACVIEC_AGENCIES hoặc agencies.yaml có sẵn)"
CLI_HELP_TICK = "chạy một lượt nhắc việc ngay và in những gì được xếp hàng"
CLI_HELP_AS_OF = "tính như thể bây giờ là thời điểm này"
CLI_HELP_STATUS = "tình hình thực hiện (như lệnh /status của điều phối)"
CLI_HELP_STATUS_TARGET = "mã cơ quan hoặc mã nhiệm vụ"
CLI_HELP_REPORT = "báo cáo tình hình thực hiện ra tệp Excel (.xlsx) hoặc Word (.docx)"
CLI_METAVAR_XLSX_FILE = "TỆP.xlsx|TỆP.docx"
CLI_HELP_REPORT_OUT = (
    "tệp kết quả (mặc định: bao-cao-<kế hoạch>-<dd-mm-yyyy>.xlsx hoặc .docx); đuôi .docx "
    "chọn --format docx")
CLI_HELP_CHAT = "dùng thử bot trên dòng lệnh như một cán bộ"
CLI_METAVAR_NAME = "TÊN"
CLI_HELP_CHAT_NAME = "tên hiển thị"
CLI_HELP_TO = "đến ngày (mặc định: {days} ngày sau ngày bắt đầu)"
CLI_HELP_HEALTH = (
    "kiểm tra nhanh: cấu hình, kế hoạch và cơ sở dữ liệu "
    "sẵn sàng (dùng cho healthcheck của Docker)"
)
NO_CHANNEL = (
    "Chưa cấu hình kênh nào (TELEGRAM_BOT_TOKEN, ZALO_BOT_TOKEN). "
    "Để dùng thử không cần token: nhacviec chat --agency SCT --role coordinator"
)
CLI_DB_URL_UNREADABLE = "(địa chỉ cơ sở dữ liệu không hợp lệ)"
