"""The reports' new words (branch i14-reports): the Excel print layout and period header, the Word
report (Decree 30/2020/NĐ-CP format), /baocao in chat with its download links, and the status
sheet of `nhacviec status export/import`."""

from __future__ import annotations

# ---- the Excel report: what the counts cover, the page footer, the bar chart's table -------

REPORT_SCOPE_TO_DATE = "Lũy kế từ đầu kế hoạch đến ngày {day}: mọi việc đã mở, mọi hạn"
REPORT_SCOPE_PERIOD = "{period}: các việc có hạn trong kỳ"
REPORT_BAD_PERIOD = (
    "Kỳ báo cáo không hợp lệ: \"{text}\". Dùng luy-ke (lũy kế đến nay), hien-tai (kỳ hiện tại), "
    "NĂM-H1 (6 tháng đầu năm, ví dụ 2025-H1) hoặc NĂM (cả năm, ví dụ 2025)."
)
REPORT_PAGE_FOOTER = "Trang &P/&N"
REPORT_CHART_COLUMNS = (
    "Số liệu biểu đồ: cơ quan", "Hoàn thành đúng hạn", "Hoàn thành quá hạn",
    "Đang thực hiện trong hạn (không vướng mắc)", "Quá hạn (không vướng mắc)", "Vướng mắc",
)

# ---- the Word report --------------------------------------------------------------------

WORD_MOTTO_COUNTRY = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
WORD_MOTTO = "Độc lập - Tự do - Hạnh phúc"
WORD_NUMBER = "Số: .../BC-SCT"
WORD_PLACE_DATE = "..., ngày ... tháng ... năm ..."
WORD_KIND = "BÁO CÁO"
WORD_PLAN_WORD = "kế hoạch"  # a plan title starting so is lowercased inside a sentence
WORD_TITLE = "Kết quả triển khai {plan}"
WORD_INTRO_TO_DATE = (
    "Thực hiện {plan}, {coordinator} báo cáo kết quả triển khai lũy kế từ đầu kế hoạch đến "
    "ngày {day} như sau:"
)
WORD_INTRO_PERIOD = (
    "Thực hiện {plan}, {coordinator} báo cáo kết quả triển khai trong {period} (các việc có "
    "hạn trong kỳ, tình hình tính đến ngày {day}) như sau:"
)
WORD_PART_RESULTS = "I. KẾT QUẢ THỰC HIỆN"
WORD_OVERVIEW = "1. Tình hình chung"
WORD_OVERVIEW_TEXT = (
    "Tổng số {total} việc (mỗi kỳ của một nhiệm vụ với mỗi cơ quan chủ trì là một việc): "
    "hoàn thành đúng hạn {on_time}; hoàn thành quá hạn {late}; đang thực hiện trong hạn "
    "{in_progress}; quá hạn {overdue} (tỷ lệ quá hạn {share}%), trong đó {long} việc quá hạn "
    "trên {days} ngày; {blocked} việc đang có vướng mắc."
)
WORD_NOTHING_YET = "Chưa có việc nào đến kỳ thực hiện."
WORD_BY_TASK = "2. Kết quả theo nhiệm vụ"
WORD_BY_AGENCY = "3. Kết quả theo cơ quan chủ trì"
WORD_COLUMN_NO = "STT"
WORD_COLUMN_TASK = "Nhiệm vụ"
WORD_COLUMN_AGENCY = "Cơ quan chủ trì"
WORD_COLUMN_ITEMS = "Số việc"
WORD_COLUMN_PERIOD = "Kỳ"
WORD_COLUMN_DUE = "Hạn"
WORD_COLUMN_DAYS_LATE = "Số ngày trễ"
WORD_COUNT_COLUMNS = ("Đúng hạn", "Quá hạn đã xong", "Trong hạn", "Quá hạn", "Vướng mắc")
WORD_SHARE_COLUMN = "Tỷ lệ quá hạn"
WORD_PART_BLOCKERS = "II. KHÓ KHĂN, VƯỚNG MẮC"
WORD_BLOCKER = "- Nhiệm vụ {key} ({title}), {period}, {agency}: {reason} ({who}, {when})."
WORD_BLOCKER_NO_REASON = "chưa nêu lý do"
WORD_BLOCKER_SYSTEM = "không rõ người báo"
WORD_NO_BLOCKERS = "Không có vướng mắc nào đang được báo cáo."
WORD_PART_OVERDUE = "III. CÁC VIỆC QUÁ HẠN"
WORD_OVERDUE_LEAD = (
    "Có {count} việc quá hạn chưa hoàn thành ({long} việc quá hạn trên {days} ngày):")
WORD_NO_OVERDUE = "Không có việc quá hạn."
WORD_PART_PROPOSALS = "IV. ĐỀ XUẤT, KIẾN NGHỊ"
WORD_PROPOSALS = (
    "1. Đối với UBND tỉnh: ...",
    "2. Đối với Bộ Công Thương: ...",
    "3. Đối với các sở, ngành, địa phương: ...",
)
WORD_PROPOSALS_HINT = "(Phần này do {coordinator} soạn bổ sung trước khi trình ký.)"
WORD_CLOSING = (
    "{coordinator} báo cáo UBND tỉnh, Bộ Công Thương xem xét, chỉ đạo./."
)
WORD_RECIPIENTS = "Nơi nhận:"
WORD_RECIPIENT_LINES = (
    "- UBND tỉnh (để báo cáo);",
    "- Bộ Công Thương (để báo cáo);",
    "- Các sở, ngành, địa phương liên quan;",
    "- Lưu: VT, ...",
)
WORD_SIGNER = "GIÁM ĐỐC"
WORD_SIGNATURE_HINT = "(Ký, đóng dấu)"
WORD_SIGNER_NAME = "Họ và tên"

# ---- /baocao in chat --------------------------------------------------------------------

BAOCAO_USAGE = (
    "Cách dùng: /baocao [xlsx|docx] [KỲ]. Ví dụ: /baocao docx, /baocao xlsx 2025-H1. "
    "KỲ: luy-ke (mặc định), hien-tai, 2025-H1, 2025."
)
BAOCAO_ONLY_COORDINATOR = "Chỉ cán bộ điều phối và lãnh đạo được lấy báo cáo."
BAOCAO_UNKNOWN_PLAN = "Không có kế hoạch \"{plan}\". Các kế hoạch: {plans}."
BAOCAO_CAPTION = "📎 {kind} kế hoạch {plan}. {scope}."
BAOCAO_KIND = {"xlsx": "Báo cáo Excel", "docx": "Dự thảo báo cáo (Word)"}
BAOCAO_LINK = (
    "📎 {kind} kế hoạch {plan}. {scope}.\nTải về (dùng được một lần, đến {until}):\n{url}"
)
BAOCAO_NO_WEB_URL = (
    "Kênh này không gửi được tệp, và chưa đặt địa chỉ tải về (NHACVIEC_WEB_URL) nên chưa tạo "
    "được liên kết. Hãy báo quản trị viên, hoặc lấy báo cáo bằng lệnh: nhacviec report "
    "--format {format}."
)
BAOCAO_UPLOAD_FAILED = "Chưa gửi được tệp báo cáo. Vui lòng gõ lại /baocao sau ít phút."
_NEW_LINK = " Gõ /baocao trong trò chuyện để lấy liên kết mới."
DOWNLOAD_USED = "Liên kết tải báo cáo này đã được dùng." + _NEW_LINK
DOWNLOAD_EXPIRED = "Liên kết tải báo cáo này đã hết hạn." + _NEW_LINK
DOWNLOAD_UNKNOWN = "Liên kết tải báo cáo không đúng." + _NEW_LINK

# ---- `nhacviec report --format`, `nhacviec status export/import` ------------------------

CLI_HELP_REPORT_FORMAT = "định dạng: xlsx (bảng tính, mặc định) hoặc docx (dự thảo báo cáo Word)"
CLI_HELP_REPORT_PERIOD = (
    "kỳ báo cáo: luy-ke (mặc định: lũy kế đến nay), hien-tai (kỳ của Thông tư 14/2024/TT-BCT "
    "chứa ngày báo cáo), 2025-H1 (6 tháng đầu năm), 2025 (cả năm)"
)
CLI_HELP_REPORT_OUT_ANY = "tệp ghi ra (.xlsx hoặc .docx, theo --format)"
CLI_REPORT_WRONG_SUFFIX = "Tệp \"{path}\" phải có đuôi .{suffix} (theo --format {suffix})."
CLI_HELP_STATUS_SHEET = "xuất hoặc nhập bảng tình trạng các việc đang mở (.xlsx)"
CLI_HELP_STATUS_EXPORT = "ghi mọi việc đang mở ra một bảng tính để điền tình trạng"
CLI_HELP_STATUS_IMPORT = "áp dụng bảng tính đã điền: mỗi dòng thành một cập nhật của điều phối"
CLI_HELP_STATUS_FILE = "tệp .xlsx"
CLI_HELP_STATUS_PLAN = "mã kế hoạch (mặc định: kế hoạch đang chạy)"
CLI_HELP_DRY_RUN = "chỉ kiểm tra và cho biết sẽ áp dụng gì, không ghi gì"
CLI_HELP_STATUS_AS_OF = "ngày giờ ghi nhận (mặc định: bây giờ)"
CLI_STATUS_EXPORTED = "Đã ghi {count} việc đang mở vào {path}."
CLI_STATUS_IMPORTED = "Đã áp dụng {count} cập nhật từ {path} (bỏ qua {skipped} dòng để trống)."
CLI_STATUS_DRY_RUN = (
    "Kiểm tra xong {path}: {count} cập nhật hợp lệ, {skipped} dòng để trống. "
    "Chưa ghi gì (--dry-run)."
)
CLI_STATUS_REFUSED = "Không áp dụng gì: bảng tính có {count} dòng lỗi."
CLI_STATUS_NO_PLAN = "Không có kế hoạch \"{plan}\" trong cơ sở dữ liệu."
CLI_STATUS_NO_COORDINATOR = (
    "Chưa có cán bộ điều phối nào của {agency}: tạo bằng nhacviec invite {code} --role "
    "coordinator trước khi nhập."
)
CLI_STATUS_UNREADABLE = "Không đọc được bảng tính \"{path}\": {reason}."
CLI_STATUS_NO_SHEET = "không có trang \"{sheet}\" với dòng tiêu đề của nhacviec"

# ---- the status sheet -------------------------------------------------------------------

SHEET_TITLE = "Tình trạng"
SHEET_LISTS = "Danh mục"
SHEET_HEADING = "Cập nhật tình trạng các việc đang mở: {plan} (xuất ngày {day})"
SHEET_HINT = (
    "Điền cột Tình trạng (chọn trong danh sách), Ngày (dd/mm/yyyy, mặc định hôm nay) và Ghi chú; "
    "để trống Tình trạng nếu không đổi. Vướng mắc và Tiến độ cần Ghi chú. "
    "Không sửa các cột từ Kế hoạch đến Hạn."
)
SHEET_COLUMNS = ("Kế hoạch", "Mã nhiệm vụ", "Kỳ", "Cơ quan chủ trì", "Hạn", "Tình trạng",
                 "Ngày", "Ghi chú", "Nội dung", "Tên kỳ", "Tên cơ quan", "Hiện nay")
SHEET_OPEN = "Đang thực hiện"
# What the Tình trạng cell may say (the list in the cell), by event status.
SHEET_STATUSES = {"done": "Hoàn thành", "blocked": "Vướng mắc", "progress": "Tiến độ"}
SHEET_VALIDATION_TITLE = "Tình trạng"
SHEET_VALIDATION_ERROR = "Chọn Hoàn thành, Vướng mắc hoặc Tiến độ (hoặc để trống)."

ROW_ERROR = "Dòng {row}: {reason}"
ROW_UNKNOWN_STATUS = "tình trạng \"{text}\" không hợp lệ (Hoàn thành, Vướng mắc hoặc Tiến độ)"
ROW_BAD_DATE = "ngày \"{text}\" không hợp lệ (dd/mm/yyyy)"
ROW_FUTURE_DATE = "ngày {day} ở sau ngày nhập {today}"
ROW_NEEDS_NOTE = "{status} cần ghi chú (lý do, nội dung)"
ROW_NOTE_TOO_LONG = "ghi chú dài {length} ký tự, tối đa {limit}"
ROW_UNKNOWN_ITEM = "không có việc {plan}:{key}@{period} của {agency} đang mở"
ROW_ALREADY_DONE = "việc {key}@{period} của {agency} đã hoàn thành"
ROW_MISSING = "thiếu {column}"
ROW_DUPLICATE = "việc {key}@{period} của {agency} đã có ở dòng {first}"
ROW_WRONG_PLAN = "kế hoạch \"{plan}\" khác kế hoạch đang nhập \"{expected}\""
CLI_METAVAR_PERIOD = "KỲ"
BAOCAO_WHICH_PLAN = "Có nhiều kế hoạch, hãy ghi mã kế hoạch: {plans}."
CLI_STATUS_ROW = "Dòng {row}: {item}: {status} (ngày {day}), ghi nhận bởi {who}"
CLI_HELP_STATUS_VERBS = (
    "tình hình thực hiện; nhacviec status export TỆP.xlsx / status import TỆP.xlsx: "
    "bảng tình trạng các việc đang mở"
)
