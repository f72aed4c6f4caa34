"""Agencies that change (`nhacviec agency ...`, successions, dissolutions), in Vietnamese."""

from __future__ import annotations

# --- i11-agencies ---

CLI_HELP_AGENCY = "cơ quan: danh sách, thêm, đổi tên, hợp nhất, giải thể"
CLI_HELP_AGENCY_LIST = "liệt kê các cơ quan với tên có hiệu lực vào một ngày"
CLI_HELP_AGENCY_ON = "ngày xem tên và tình trạng (mặc định: hôm nay)"
CLI_HELP_AGENCY_ADD = "thêm một cơ quan mới"
CLI_HELP_AGENCY_RENAME = "đổi tên một cơ quan từ một ngày (tên cũ giữ cho lịch sử)"
CLI_HELP_AGENCY_SUCCEED = ("từ một ngày, cơ quan MỚI tiếp nhận việc đang mở của cơ quan CŨ "
                           "(lịch sử giữ tên CŨ)")
CLI_HELP_AGENCY_DISSOLVE = "giải thể một cơ quan từ một ngày, không có cơ quan tiếp nhận"
CLI_HELP_AGENCY_APPLY = ("áp dụng dữ liệu sắp xếp lại bộ máy năm 2025 (hoặc TỆP); "
                         "chạy lại không thay đổi gì")
CLI_HELP_AGENCY_FROM = "ngày có hiệu lực (YYYY-MM-DD hoặc dd/mm/yyyy)"
CLI_HELP_AGENCY_CODE_NEW = "mã cơ quan (chữ in hoa, số, dấu gạch dưới)"
CLI_HELP_AGENCY_NAME = "tên đầy đủ"
CLI_HELP_AGENCY_SHORT = "tên ngắn hiển thị trên điện thoại (mặc định: tên đầy đủ, hoặc giữ tên cũ)"
CLI_HELP_AGENCY_KIND = "loại cơ quan: so, ubnd_tinh, ubnd_huyen, bo ... (mặc định: so)"
CLI_HELP_AGENCY_OLD = "mã cơ quan cũ"
CLI_HELP_AGENCY_NEW = "mã cơ quan tiếp nhận"
CLI_HELP_REORGANISATION_FILE = "tệp YAML (mặc định: plan_data/reorganisation.yaml)"
CLI_METAVAR_OLD = "CŨ"
CLI_METAVAR_NEW = "MỚI"
CLI_METAVAR_NEW_NAME = "TÊN_MỚI"

AGENCY_LIST_HEADER = ("Mã", "Tên", "Tên ngắn", "Loại", "Tình trạng")
AGENCY_LIST_TITLE = "Các cơ quan ngày {day}:"
AGENCY_ACTIVE = "đang hoạt động"
AGENCY_SUCCEEDED = "đã hợp nhất vào {successor} từ {day}"
AGENCY_TO_BE_SUCCEEDED = "sẽ hợp nhất vào {successor} từ {day}"
AGENCY_DISSOLVED = "đã giải thể từ {day}, không có cơ quan tiếp nhận"
AGENCY_TO_BE_DISSOLVED = "sẽ giải thể từ {day}"
AGENCY_LIST_RENAMED = " (từ {day}: {name})"

AGENCY_ADDED = "Đã thêm cơ quan {code}: {name} ({short})."
AGENCY_RENAMED = ("Từ {day}, {code} mang tên {name} ({short}); tên trước đó vẫn dùng cho "
                  "lịch sử trước ngày này.")
AGENCY_SUCCESSION_RECORDED = ("Từ {day}, {new} tiếp nhận việc đang mở của {old}; "
                              "lịch sử vẫn giữ tên {old}.")
AGENCY_DISSOLUTION_RECORDED = "Từ {day}, {old} không còn tồn tại; chưa có cơ quan tiếp nhận."
AGENCY_APPLIED_NOW = "Đã áp dụng: chuyển {moved} việc, xếp {notices} tin báo vào hàng gửi."
AGENCY_APPLIED_LATER = "Sẽ áp dụng vào ngày {day} (lượt nhắc đầu tiên của ngày đó)."
AGENCY_NOBODY_ITEMS = "{count} việc đang mở không có cơ quan phụ trách (xem nhacviec status)."

REORGANISATION_APPLIED = ("Sắp xếp lại bộ máy ({path}): áp dụng {applied} thay đổi, "
                          "{already} đã có từ trước, bỏ qua {skipped}.")
REORGANISATION_SKIPPED_LINE = "  - bỏ qua {entry}: {reason}"
REORGANISATION_UNKNOWN_AGENCY = "không có cơ quan {code} trong cơ sở dữ liệu"
REORGANISATION_ENTRY = {
    "succeed": "hợp nhất {code} vào {successor} từ {day}",
    "dissolve": "giải thể {code} từ {day}",
    "rename": "đổi tên {code} từ {day}",
    "add": "thêm cơ quan {code}",
}
REORGANISATION_BAD_FIELD = "{path}: mục {where}: trường '{field}' thiếu hoặc không hợp lệ."
REORGANISATION_BAD_FILE = "{path}: không đọc được tệp sắp xếp lại bộ máy: {detail}"

# Why a change is refused (storage.agencies.AgencyError.reason); nothing was changed.
AGENCY_ERRORS = {
    "unknown": "Không có cơ quan mã {code}. Xem danh sách: nhacviec agency list",
    "bad_code": ("Mã cơ quan '{code}' không hợp lệ: dùng chữ in hoa không dấu, số và dấu gạch "
                 "dưới, bắt đầu bằng chữ, tối đa 32 ký tự."),
    "exists": "Đã có cơ quan mã {code}; muốn đổi tên thì dùng: nhacviec agency rename {code} ...",
    "empty_name": "Tên cơ quan không được để trống.",
    "name_too_long": "Tên cơ quan quá dài (tên đầy đủ tối đa 255, tên ngắn tối đa 120 ký tự).",
    "rename_before": ("Tên hiện tại của {code} có hiệu lực từ {day}: tên mới phải có hiệu lực "
                      "sau ngày đó."),
    "same_name": "{code} đã mang đúng tên này; không có gì thay đổi.",
    "self": "Cơ quan {code} không thể tự tiếp nhận chính mình.",
    "cycle": ("Không thể để {successor} tiếp nhận {code}: {successor} đã (hoặc sẽ) được {code} "
              "tiếp nhận, thành vòng lặp."),
    "already_succeeded": "{code} đã được {successor} tiếp nhận từ {day}.",
    "before_ceased": ("{code} giải thể từ {day}: ngày tiếp nhận phải từ ngày đó trở đi."),
    "successor_ceased": "{code} không còn tồn tại từ {day}: không thể tiếp nhận việc.",
    "already_ceased": "{code} đã không còn tồn tại từ {day}.",
}

AGENCY_NOBODY = "{short} (không có cơ quan phụ trách)"

# Told once, in the chat, when the day of a change comes.
AGENCY_SUCCEEDED_NOTICE = (
    "🏛 Từ ngày {day}, {old} được hợp nhất vào {new}. Các việc đang mở của {old} đã chuyển "
    "sang {new}; bạn sẽ không nhận nhắc việc của {old} nữa. Lịch sử báo cáo vẫn giữ tên {old}.")
AGENCY_DISSOLVED_NOTICE = (
    "🏛 Từ ngày {day}, {old} không còn tồn tại. Bạn sẽ không nhận nhắc việc của {old} nữa.")
AGENCY_NOBODY_NOTICE_TITLE = (
    "🏛 Từ ngày {day}, {old} không còn tồn tại và chưa có cơ quan tiếp nhận. "
    "{count} việc đang mở không có cơ quan phụ trách:")
AGENCY_NOBODY_NOTICE_LINE = "- {ref}. {title} ({period}), hạn {due}"
AGENCY_NOBODY_NOTICE_HINT = (
    "Giao cho cơ quan khác: nhacviec agency succeed {code} MÃ_MỚI --from NGÀY")

# Registration for an agency that no longer exists.
CLI_INVITE_AGENCY_CEASED = ("Cơ quan {code} ({name}) không còn tồn tại từ {day}: không tạo mã "
                            "mời được.{successor}")
CLI_INVITE_AGENCY_SUCCESSOR = " Hãy mời cán bộ của {name}: nhacviec invite {code}"
INVITE_AGENCY_CEASED = ("Mã mời này dành cho một cơ quan đã không còn tồn tại (đã hợp nhất "
                        "hoặc giải thể). Hãy xin mã mời mới của cơ quan tiếp nhận.")
