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
CLI_NOT_XLSX = "tệp báo cáo phải có đuôi .xlsx: {path}"
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
