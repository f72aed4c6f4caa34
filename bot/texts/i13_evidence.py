"""The words of evidence on reports (files, photos, links) and of /tailieu."""

from __future__ import annotations

EVIDENCE_COMMAND = ("evidence", ("tailieu", "minhchung"),
                    "Lấy lại tài liệu kèm báo cáo: /tailieu SỐ")
EVIDENCE_HELP = ("Gửi kèm tài liệu: gửi tệp PDF, Word, Excel hoặc ảnh với chú thích là lệnh báo "
                 "cáo (/xong 3 Đã ban hành), hoặc ngay sau khi báo cáo; đường link trong ghi chú "
                 "được lưu làm tài liệu. /tailieu SỐ: lấy lại tài liệu.")

EVIDENCE_PHOTO = "ảnh"
EVIDENCE_FILE = "tệp"
EVIDENCE_SAVED = "📎 Đã lưu tài liệu #{id} ({what}) kèm báo cáo. Lấy lại: /tailieu {id}"
EVIDENCE_TOO_BIG = "tệp nặng {size}, vượt quá mức {limit}"
EVIDENCE_WRONG_TYPE = "chỉ nhận tệp PDF, Word, Excel hoặc ảnh"
EVIDENCE_REFUSED = "⚠️ Không lưu {what}: {reason}."
EVIDENCE_REPORT_KEPT = "Báo cáo vẫn được ghi nhận; có thể gửi tệp khác ngay sau tin này."
EVIDENCE_ASK_TELEGRAM = ("📎 Gửi kèm văn bản? Gửi tệp PDF, Word, Excel, ảnh hoặc đường link ngay "
                         "sau tin này (trong vòng {minutes} phút).")
EVIDENCE_ASK_ZALO = ("📎 Gửi kèm văn bản? Gửi ảnh hoặc đường link ngay sau tin này (trong vòng "
                     "{minutes} phút).")
EVIDENCE_NO_REPORT = ("Tệp chưa được lưu: hãy gửi tệp với chú thích là lệnh báo cáo, ví dụ "
                      "/xong 3 Đã ban hành, hoặc gửi ngay sau khi báo cáo.")
EVIDENCE_NOT_KEPT = ("Tệp gửi kèm không được lưu: chỉ lưu kèm báo cáo /xong, /tiendo, "
                     "/vuongmac được ghi nhận.")

USAGE_EVIDENCE = "Cách dùng: /tailieu SỐ, ví dụ: /tailieu 3 (số có trong tin xác nhận báo cáo)"
EVIDENCE_UNKNOWN = "Không có tài liệu số {id}."
EVIDENCE_FORBIDDEN = ("Chỉ điều phối (Sở Công Thương) và đầu mối của {agency} được lấy tài liệu "
                      "#{id}.")
EVIDENCE_HEADER = ("📎 Tài liệu #{id}: {what}\n"
                   "Nhiệm vụ {key} ({period}), {agency}: {status} ngày {day}.")
EVIDENCE_LINK = "Đường link: {link}"
EVIDENCE_STORED_AT = "Bản lưu trên máy chủ: {path}"
EVIDENCE_ON_OTHER_CHANNEL = ("Tệp được gửi qua {channel}: gửi /tailieu {id} trong {channel} để "
                             "nhận tệp.")
EVIDENCE_CONSOLE_FILE = "[Tệp: {ref}]"

REPORT_EVIDENCE_COLUMN = "Tài liệu minh chứng"

LOG_EVIDENCE_DOWNLOAD_FAILED = "Không tải được tệp %s về thư mục tài liệu: %s"


def evidence_size(size: int) -> str:
    """Return a size as people read it: "850 KB", "2,5 MB"."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def evidence_what(kind: str, file_name: str | None, link: str | None,
                  size: int | None = None) -> str:
    """Return what a piece of evidence is, as a reply names it: "qd-15.pdf, 2,5 MB", "ảnh"."""
    if kind == "link":
        return link or ""
    name = file_name or (EVIDENCE_PHOTO if kind == "photo" else EVIDENCE_FILE)
    return f"{name}, {evidence_size(size)}" if size else name
