"""What the Excel report (`nhacviec report`) says, in Vietnamese: sheets, titles, column labels."""

from __future__ import annotations

REPORT_SUMMARY_SHEET = "Tổng hợp"
REPORT_DETAIL_SHEET = "Chi tiết"
REPORT_HISTORY_SHEET = "Nhật ký"

# The status of a status event, as the history sheet names it.
REPORT_STATUS_LABELS = {
    "done": "Hoàn thành",
    "blocked": "Vướng mắc",
    "progress": "Tiến độ",
    "snooze": "Nhắc lại sau",
    "reopened": "Mở lại",
    "withdrawn": "Hủy báo cáo",
    "ext_asked": "Xin gia hạn",
    "ext_approved": "Duyệt gia hạn",
    "ext_refused": "Từ chối gia hạn",
    "due_changed": "Đổi hạn",
    "confirmed": "Xác nhận hoàn thành",
    "returned": "Trả lại báo hoàn thành",
    "nudged": "Nhắc việc ngoài lịch",
}
REPORT_WITHDRAWN_MARK = " (đã hủy)"

REPORT_PERIOD_HALF_YEAR = "6 tháng đầu năm"
REPORT_PERIOD_YEAR = "cả năm"
REPORT_PERIOD = "Kỳ báo cáo {name} {year} ({start} - {end})"

REPORT_TITLE = "Báo cáo tình hình thực hiện {plan}"
REPORT_AS_OF = "Tính đến ngày {day}"

REPORT_SUMMARY_SUBTITLE = "Tổng hợp theo tình trạng"
REPORT_BLOCKED_IN_TIME = "Vướng mắc trong hạn"
REPORT_BLOCKED_OVERDUE = "Vướng mắc quá hạn"
REPORT_TOTAL = "Tổng số"
REPORT_OVERDUE_SHARE = "Tỷ lệ quá hạn"
REPORT_LONG_OVERDUE = "Quá hạn trên {days} ngày"
REPORT_SUMMARY_COLUMNS = ("Chỉ tiêu", "Số lượng")
REPORT_BLOCKED_NOTE = "Việc vướng mắc đã được tính trong các tình trạng ở trên."
REPORT_PIE_TITLE = "Cơ cấu theo tình trạng"
REPORT_BY_AGENCY = "Theo cơ quan chủ trì"
REPORT_AGENCY = "Cơ quan"
REPORT_BLOCKED = "Vướng mắc"
REPORT_BARS_TITLE = "Tình trạng theo cơ quan chủ trì"
REPORT_BARS_AXIS = "Số việc"

REPORT_DETAIL_SUBTITLE = "Chi tiết từng việc (cơ quan chủ trì, các kỳ đã mở)"
REPORT_DETAIL_COLUMNS = (
    "Mã nhiệm vụ", "Nội dung", "Kỳ", "Cơ quan chủ trì", "Hạn", "Tình trạng",
    "Số ngày trễ", "Vướng mắc", "Lý do vướng mắc", "Ngày hoàn thành",
    "Ghi chú mới nhất", "Người báo cáo gần nhất",
    "Hạn ban đầu", "Gia hạn, đổi hạn", "Xác nhận hoàn thành",
)
# The due-date changes of an item, oldest first: "30/06/2024 → 10/07/2024 (đề nghị số 1)".
REPORT_DUE_CHANGE = "{previous} → {new}"
REPORT_DUE_CHANGE_REQUEST = " (đề nghị số {id})"
REPORT_DUE_CHANGE_DIRECT = " (điều phối đổi hạn)"
REPORT_AWAITING = "Chờ xác nhận (báo ngày {day})"
REPORT_CONFIRMED = "Đã xác nhận"
REPORT_YES = "có"
REPORT_NO = "không"

REPORT_HISTORY_SUBTITLE = "Nhật ký cập nhật trạng thái (không sửa, không xóa)"
REPORT_HISTORY_COLUMNS = (
    "Thời gian", "Cơ quan chủ trì", "Cán bộ báo cáo", "Đơn vị của cán bộ", "Kênh",
    "Trạng thái", "Mã nhiệm vụ", "Kỳ", "Ghi chú",
)
REPORT_SYSTEM = "(hệ thống)"
