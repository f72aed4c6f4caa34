"""What `nhacviec plan import` says about the documents it reads, in Vietnamese."""

from __future__ import annotations

# --- i10-import-formats ---
# What `nhacviec plan import` says about a document it cannot read.


def import_unreadable(path: object, kind: str) -> str:
    return f"không đọc được tệp {kind}: {path} (tệp hỏng, có mật khẩu hoặc không phải {kind})"


def import_old_word(path: object) -> str:
    return (
        f"tệp {path} là văn bản Word cũ (.doc), chưa đọc được: hãy mở bằng Word hoặc LibreOffice, "
        "chọn Lưu thành (Save As) định dạng .docx rồi nhập lại tệp .docx"
    )


def import_other_office(path: object, kind: str) -> str:
    return (
        f"chưa đọc được định dạng {kind} ({path}): hãy mở bằng Word hoặc LibreOffice, "
        "lưu thành .docx (hoặc .txt) rồi nhập lại"
    )


def import_scanned_pdf(path: object) -> str:
    return (
        f"tệp {path} là PDF quét (ảnh, không có lớp chữ), chưa đọc được: hãy nhận dạng chữ (OCR) "
        "để có PDF có lớp chữ hoặc .docx, hoặc xin cơ quan ban hành bản .docx hay bản văn bản"
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

# A time frame the importer could not read (i8-cli).
IMPORT_UNSCHEDULED_REASON = (
    "Không đọc được thời gian khi nhập bằng nhacviec plan import: cần xem lại"
)
