"""The dashboard's words said from Python: refusals, chart and table labels, sign-in links.

The pages' own words are in bot/dashboard/templates (text too, kept beside the markup).
"""

from __future__ import annotations

# /web in the chat, `nhacviec web-link` in the terminal.
WEB_LINK = ("🔗 Đường dẫn đăng nhập trang theo dõi (dùng một lần, hết hạn sau {minutes} phút):\n"
            "{url}")
WEB_NOT_CONFIGURED = ("Trang theo dõi chưa được bật: quản trị viên cần đặt NHACVIEC_WEB_URL "
                      "(địa chỉ của trang).")
CLI_WEB_LINK_UNKNOWN = "Không có cán bộ đang hoạt động với mã {officer_id}."
CLI_HELP_WEB = "chạy trang theo dõi (dashboard) trên NHACVIEC_WEB_PORT"
CLI_HELP_WEB_LINK = "in đường dẫn đăng nhập trang theo dõi (một lần, 10 phút) cho một cán bộ"
CLI_HELP_WEB_LINK_ID = "mã cán bộ (xem `nhacviec officers`)"
CLI_HELP_WEB_HOST = "địa chỉ lắng nghe (mặc định: mọi giao diện, 0.0.0.0)"
CLI_BAD_PORT = "cần số cổng 0-65535 (0: một cổng trống), nhận được {value!r}"
CLI_HELP_WEB_PORT = "cổng (mặc định: NHACVIEC_WEB_PORT, nếu không có thì 8080; 0: một cổng trống)"
CLI_WEB_SERVING = "Trang theo dõi đang chạy tại {url} (cổng {port}). Nhấn Ctrl+C để dừng."
WEB_PORT_UNAVAILABLE = ("Không mở được cổng {port} của trang theo dõi: {reason}. Hãy chọn cổng "
                        "khác (NHACVIEC_WEB_PORT) hoặc dừng chương trình đang dùng cổng này.")
SETTING_TWO_PORTS = ("NHACVIEC_WEB_PORT ({web}) và NHACVIEC_WEBHOOK_PORT ({webhook}) khác nhau: "
                     "trang theo dõi và webhook dùng chung một cổng; hãy đặt một giá trị.")

# Refusal pages: (title, explanation).
REFUSE_LINK_UNKNOWN = ("Đường dẫn không hợp lệ",
                       "Đường dẫn đăng nhập này không đúng. Hãy gõ /web trong trò chuyện với bot "
                       "để nhận đường dẫn mới.")
REFUSE_LINK_USED = ("Đường dẫn đã được dùng",
                    "Đường dẫn đăng nhập chỉ dùng được một lần. Hãy gõ /web để nhận đường dẫn mới.")
REFUSE_LINK_EXPIRED = ("Đường dẫn đã hết hạn",
                       "Đường dẫn đăng nhập chỉ có hiệu lực 10 phút. Hãy gõ /web để nhận đường "
                       "dẫn mới.")
REFUSE_LINK_REVOKED = ("Tài khoản đã bị thu hồi",
                       "Tài khoản cán bộ của đường dẫn này không còn hoạt động.")
REFUSE_SIGNED_OUT = ("Chưa đăng nhập",
                     "Phiên làm việc không hợp lệ hoặc đã hết hạn. Hãy gõ /web trong trò chuyện "
                     "với bot để nhận đường dẫn đăng nhập.")
REFUSE_OTHER_AGENCY = ("Không có quyền xem",
                       "Bạn chỉ xem được các việc của {agency}.")
REFUSE_COORDINATOR_ONLY = ("Dành cho Sở Công Thương",
                           "Trang này dành cho cán bộ điều phối và lãnh đạo.")
REFUSE_READ_ONLY = ("Chỉ xem", "Tài khoản lãnh đạo chỉ xem, không cập nhật trạng thái.")
REFUSE_ACT_COORDINATOR = ("Không có quyền thao tác",
                          "Chỉ cán bộ điều phối mới xử lý được các việc chờ quyết định.")
REFUSE_CSRF = ("Biểu mẫu không hợp lệ",
               "Biểu mẫu đã cũ hoặc không đến từ trang theo dõi. Hãy tải lại trang rồi thử lại; "
               "chưa có gì thay đổi.")
REFUSE_NOT_FOUND = ("Không tìm thấy", "Không có trang hoặc việc này.")
REFUSE_BAD_FILTER = ("Bộ lọc không hợp lệ", "{detail}")
FILTER_BAD_DATE = "Ngày «{text}» không đúng dạng dd/mm/yyyy hoặc yyyy-mm-dd."
FILTER_BAD_DAYS = "Số ngày quá hạn «{text}» phải là số nguyên từ 0 trở lên."
ACTION_UNKNOWN = "Thao tác không hợp lệ."
ACTION_NEEDS_NOTE = "Hãy ghi nội dung (lý do, chỉ đạo hoặc ghi chú) trước khi gửi."

# Chart and table words.
ALL_PLANS = "Tất cả kế hoạch"
TREND_TITLE = "Diễn biến theo tuần"
SHARE_TITLE = "Tỷ lệ theo loại"
RANK_TITLE = "Cơ quan có nhiều việc quá hạn"
CHART_NO_DATA = "Chưa có dữ liệu"
CHART_WEEK = "Tuần đến {day}"
TIMELINE_REMINDER = "Nhắc việc: {step}"
EVENT_NAMES = {"done": "Báo hoàn thành", "blocked": "Báo vướng mắc", "progress": "Báo tiến độ",
               "snooze": "Hẹn nhắc lại", "reopened": "Mở lại", "withdrawn": "Hủy báo cáo"}
DECISION_KINDS = {"blocked": "Vướng mắc cần xem xét", "extension": "Đề nghị gia hạn",
                  "awaiting": "Chờ xác nhận hoàn thành"}
XLSX_HEADERS_ITEMS = ("Kế hoạch", "Mã", "Nhiệm vụ", "Kỳ", "Cơ quan", "Hạn", "Ngày hoàn thành",
                      "Tình trạng", "Số ngày quá hạn", "Vướng mắc")
XLSX_HEADERS_AGENCIES = ("Cơ quan", "Hoàn thành đúng hạn", "Hoàn thành quá hạn",
                         "Đang thực hiện trong hạn", "Quá hạn", "Vướng mắc", "Tỷ lệ quá hạn",
                         "Quá hạn trên 120 ngày")
XLSX_HEADERS_PLANS = ("Kế hoạch", *XLSX_HEADERS_AGENCIES[1:])
XLSX_HEADERS_TREND = ("Tuần đến ngày", "Hoàn thành đúng hạn", "Hoàn thành quá hạn",
                      "Đang thực hiện trong hạn", "Quá hạn", "Vướng mắc")
XLSX_HEADERS_HISTORY = ("Thời điểm", "Kế hoạch", "Mã", "Kỳ", "Nội dung", "Ghi chú", "Người báo")
XLSX_HEADERS_TIMELINE = ("Thời điểm", "Sự kiện", "Ghi chú", "Người báo", "Kênh")
XLSX_HEADERS_PENDING = ("Loại", "Kế hoạch", "Mã", "Kỳ", "Cơ quan", "Từ lúc", "Nội dung",
                        "Người báo")
XLSX_YES = "có"
SHEET_NAMES = {"items": "Danh sách", "agencies": "Theo cơ quan", "trend": "Theo tuần",
               "history": "Lịch sử", "plans": "Theo kế hoạch", "timeline": "Diễn biến",
               "pending": "Chờ xử lý",
               "long": "Quá hạn trên 120 ngày", "overdue": "Quá hạn"}
ACTION_NO_REQUEST = "Việc này không còn đề nghị gia hạn nào chờ duyệt. Chưa có gì thay đổi."
