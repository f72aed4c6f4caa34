"""What the settings reader (bot/settings.py) says about a bad setting, in Vietnamese.

str.format fields: `name` the variable, `value` what it holds (shown with !r).
"""

from __future__ import annotations

SETTING_URL = "{name}: cần một địa chỉ http(s)://..., nhận được {value!r}"
SETTING_HTTPS_URL = "{name}: cần một địa chỉ công khai https://..., nhận được {value!r}"
SETTING_DB_SCHEME = " (loại «{scheme}» không được hỗ trợ)"
SETTING_DB_URL = (
    "NHACVIEC_DB_URL: địa chỉ cơ sở dữ liệu không hợp lệ"
    "{scheme}; cần dạng sqlite:///nhacviec.db hoặc postgresql+psycopg://..."
)
SETTING_POSITIVE = "{name}: cần một số dương, nhận được {value!r}"
SETTING_PORT = "{name}: cần số cổng 1-65535, nhận được {value!r}"
SETTING_TOKEN = "{name}: sai định dạng (cần dạng 123456:ABC-xyz)"
SETTING_LOG_LEVEL = "{name}: cần DEBUG, INFO, WARNING hoặc ERROR, nhận được {value!r}"
SETTING_TZ = "NHACVIEC_TZ: múi giờ không tồn tại: {value!r}"
SETTING_SEND_AT = "NHACVIEC_SEND_AT: cần giờ dạng HH:MM, nhận được {value!r}"
SETTING_NO_FILE = "{name}: không tìm thấy tệp {value!r}"
SETTING_NO_FOLDER = "{name}: không có thư mục {value!r}"
SETTING_ZALO_SECRET = "ZALO_WEBHOOK_SECRET: bắt buộc khi có ZALO_WEBHOOK_URL, 8-256 ký tự"
