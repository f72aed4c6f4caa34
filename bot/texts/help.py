"""The answer to /help: every command a person can send, in one message."""

from bot.texts.i13_evidence import EVIDENCE_HELP

HELP = (
    "Nhắc việc: theo dõi kế hoạch triển khai.\n"
    "/viec: việc của cơ quan bạn\n"
    "/xong MÃ [ghi chú]: báo hoàn thành\n"
    "/vuongmac MÃ lý do: báo vướng mắc\n"
    "/tiendo MÃ nội dung: báo tiến độ\n"
    "/tinhhinh [CƠ QUAN|MÃ]: tình hình thực hiện\n"
    "/quahan: các việc quá hạn (điều phối, lãnh đạo)\n"
    "/web: đường dẫn đăng nhập trang theo dõi (một lần, 10 phút)\n"
    "/huy MÃ [lý do]: hủy báo cáo gần nhất của nhiệm vụ (người gửi trong 24 giờ; "
    "Sở Công Thương bất cứ lúc nào, ghi lý do)\n"
    "/baocao [xlsx|docx] [KẾ_HOẠCH] [KỲ]: tệp báo cáo Excel hoặc dự thảo Word (điều phối, "
    "lãnh đạo)\n"
    "/giahan MÃ DD/MM/YYYY lý do: xin gia hạn (cơ quan chủ trì)\n"
    "/lichsu MÃ [CƠ QUAN]: lịch sử nhiệm vụ\n"
    "Điều phối: /duyet SỐ, /tuchoi SỐ lý do, /doihan MÃ CƠ_QUAN DD/MM/YYYY lý do, "
    "/xacnhan MÃ, /tralai MÃ lý do, /nhac MÃ CƠ_QUAN [lời nhắn]\n"
    "MÃ là số nhiệm vụ trong kế hoạch (1-9, III.1...); thêm @KỲ để chọn kỳ, ví dụ 7@2024.\n"
    "Điều phối báo thay một cơ quan: /xong MÃ CƠ_QUAN, ví dụ /xong 5 LAGI.\n"
    "Trả lời một lời nhắc: 1 = đã hoàn thành, 2 <lý do> = vướng mắc, 3 = nhắc lại sau.\n"
    "Lệnh gõ không dấu cũng được: /xong, /vuongmac, /tiendo, /huy.\n"
    + EVIDENCE_HELP
)
