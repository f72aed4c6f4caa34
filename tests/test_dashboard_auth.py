"""Signing in to the dashboard without passwords, the chat's roles on its pages, CSRF, and the
refusals (Vietnamese pages, 401/403, nothing changed), over the real app and a real SQLite file."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from bot.cli import main
from storage.models import Assignment, ExtensionRequest, PlanRow, StatusEvent
from storage.web_models import WebLink, WebSession
from tests.dashboard_world import DashboardWorld, make_dashboard_world


@pytest.fixture
def dw(tmp_path: Path) -> DashboardWorld:
    return make_dashboard_world(tmp_path)


def count(dw: DashboardWorld, model: type) -> int:
    with dw.world.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match is not None
    return match.group(1)


def test_a_link_opens_a_session_with_a_safe_cookie_and_is_stored_hashed(
        dw: DashboardWorld) -> None:
    token = dw.link("Lê Điều Phối")
    with dw.world.sessions() as session:
        stored = session.scalars(select(WebLink.token_hash)).one()
    assert stored == hashlib.sha256(token.encode()).hexdigest() and token not in stored
    client = dw.client()
    page = client.get(f"/vao/{token}")  # what a link preview fetches: spends nothing
    assert page.status_code == 200 and "Lê Điều Phối" in page.text
    answer = client.post(f"/vao/{token}")
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=28800" in cookie
    assert "expires=" in cookie.lower() and "Secure" not in cookie
    value = cookie.split(";")[0].split("=", 1)[1]
    with dw.world.sessions() as session:
        assert session.scalars(select(WebSession.token_hash)).one() == hashlib.sha256(
            value.encode()).hexdigest()
    overview = client.get("/")
    assert overview.status_code == 200 and "Tình hình thực hiện" in overview.text


def test_the_cookie_is_secure_when_the_dashboard_is_served_over_https(tmp_path: Path) -> None:
    dw = make_dashboard_world(tmp_path, "https://nhacviec.example.vn")
    client = dw.client(base_url="https://testserver")
    answer = client.post(f"/vao/{dw.link('Lê Điều Phối')}")
    assert "Secure" in answer.headers["set-cookie"]


def test_a_used_an_expired_or_an_unknown_link_is_refused_and_opens_nothing(
        dw: DashboardWorld) -> None:
    token = dw.link("Lê Điều Phối")
    assert dw.client().post(f"/vao/{token}").status_code == 303
    again = dw.client().post(f"/vao/{token}")
    assert again.status_code == 401 and "Đường dẫn đã được dùng" in again.text
    assert dw.client().get(f"/vao/{token}").status_code == 401
    stale = dw.link("Lê Điều Phối")
    dw.world.clock.now += timedelta(minutes=10, seconds=1)
    expired = dw.client().post(f"/vao/{stale}")
    assert expired.status_code == 401 and "hết hạn" in expired.text
    unknown = dw.client().post("/vao/khong-co-duong-dan-nay")
    assert unknown.status_code == 401 and "không đúng" in unknown.text
    assert "set-cookie" not in expired.headers and "set-cookie" not in unknown.headers
    assert count(dw, WebSession) == 1


def test_a_link_of_an_officer_revoked_since_opens_nothing(dw: DashboardWorld) -> None:
    token = dw.link("Võ La Gi")
    with dw.world.sessions() as session, session.begin():
        from storage.invites import revoke_officer

        revoke_officer(session, dw.officer_id("Võ La Gi"))
    answer = dw.client().post(f"/vao/{token}")
    assert answer.status_code == 401 and "thu hồi" in answer.text
    assert count(dw, WebSession) == 0


def test_no_cookie_or_a_forged_one_gets_the_sign_in_refusal(dw: DashboardWorld) -> None:
    client = dw.client()
    for path in ("/", "/co-quan/SCT", "/qua-han", "/cho-xu-ly", "/viec/1"):
        answer = client.get(path)
        assert answer.status_code == 401 and "Chưa đăng nhập" in answer.text, path
    client.cookies.set("nhacviec_phien", "gia-mao-" + "x" * 40)
    answer = client.get("/")
    assert answer.status_code == 401 and "/web" in answer.text
    events = count(dw, StatusEvent)
    assert client.post("/cho-xu-ly/1", data={"action": "xong"}).status_code == 401
    assert count(dw, StatusEvent) == events


def test_a_focal_officer_sees_its_own_agency_only(dw: DashboardWorld) -> None:
    client = dw.client("Võ La Gi")
    assert client.get("/co-quan/LAGI").status_code == 200
    other = client.get("/co-quan/SCT")
    assert other.status_code == 403 and "Bạn chỉ xem được các việc của" in other.text
    assert client.get("/qua-han?cq=SCT").status_code == 403
    assert client.get("/cho-xu-ly").status_code == 403
    with dw.world.sessions() as session:
        from storage.dashboard_lists import agency_items

        sct = agency_items(session, dw.world.clock().date(), "SCT")[0]
        lagi = agency_items(session, dw.world.clock().date(), "LAGI")[0]
    assert client.get(f"/viec/{sct.assignment_id}").status_code == 403
    assert client.get(f"/viec/{lagi.assignment_id}").status_code == 200
    overview = client.get("/").text
    assert "La Gi" in overview and 'data-agency="SCT"' not in overview


def test_a_leader_sees_everything_and_changes_nothing(dw: DashboardWorld) -> None:
    dw.world.say("sct", "/vuongmac 1 Chưa có kinh phí")
    client = dw.client("Phó Giám đốc")
    assert client.get("/co-quan/LAGI").status_code == 200
    pending = client.get("/cho-xu-ly")
    assert pending.status_code == 200 and "Chưa có kinh phí" in pending.text
    assert 'name="action"' not in pending.text
    events = count(dw, StatusEvent)
    answer = client.post("/cho-xu-ly/1", data={"csrf": csrf_of(pending.text), "action": "xong"})
    assert answer.status_code == 403 and "chỉ xem" in answer.text
    assert count(dw, StatusEvent) == events


def _blocked_item(dw: DashboardWorld) -> int:
    dw.world.say("sct", "/vuongmac 1 Chưa có kinh phí")
    with dw.world.sessions() as session:
        return session.scalars(select(StatusEvent.assignment_id)).one()


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
        dw: DashboardWorld) -> None:
    assignment = _blocked_item(dw)
    client = dw.client("Lê Điều Phối")
    events = count(dw, StatusEvent)
    for data in ({"action": "xong"}, {"action": "xong", "csrf": "sai"}):
        answer = client.post(f"/cho-xu-ly/{assignment}", data=data)
        assert answer.status_code == 403 and "Biểu mẫu không hợp lệ" in answer.text
    assert count(dw, StatusEvent) == events
    signed_out = client.post("/dang-xuat", data={})
    assert signed_out.status_code == 403 and client.get("/").status_code == 200


def test_the_coordinator_acts_through_the_command_layer_once_per_form(
        dw: DashboardWorld) -> None:
    assignment = _blocked_item(dw)
    client = dw.client("Lê Điều Phối")
    page = client.get("/cho-xu-ly").text
    form = {"csrf": csrf_of(page), "nonce": "n1", "action": "tiendo", "note": ""}
    empty = client.post(f"/cho-xu-ly/{assignment}", data=form)
    assert "Hãy ghi nội dung" in empty.text and count(dw, StatusEvent) == 1
    form.update(action="xong", note="Đã bố trí kinh phí")
    done = client.post(f"/cho-xu-ly/{assignment}", data=form)
    assert done.status_code == 200 and "hoàn thành" in done.text
    assert "Không có việc nào chờ xử lý" in done.text
    again = client.post(f"/cho-xu-ly/{assignment}", data=form)  # the same form sent twice
    assert again.status_code == 200
    with dw.world.sessions() as session:
        events = list(session.scalars(select(StatusEvent).order_by(StatusEvent.id)))
    assert [(e.status, e.channel, e.note) for e in events] == [
        ("blocked", "console", "Chưa có kinh phí"), ("done", "web", "Đã bố trí kinh phí")]
    assert events[1].officer_id == dw.officer_id("Lê Điều Phối")


def test_the_command_layers_refusal_is_shown_and_changes_nothing(dw: DashboardWorld) -> None:
    assignment = _blocked_item(dw)
    client = dw.client("Lê Điều Phối")
    csrf = csrf_of(client.get("/cho-xu-ly").text)
    # Withdrawing someone else's report needs a reason in the chat; the page asks for a note.
    answer = client.post(f"/cho-xu-ly/{assignment}",
                         data={"csrf": csrf, "nonce": "n2", "action": "huy", "note": "x" * 1001})
    assert answer.status_code == 200 and "vượt quá 1000" in answer.text
    assert count(dw, StatusEvent) == 1


def test_signing_out_ends_the_session(dw: DashboardWorld) -> None:
    client = dw.client("Lê Điều Phối")
    page = client.get("/").text
    out = client.post("/dang-xuat", data={"csrf": csrf_of(page)})
    assert out.status_code == 200 and "Đã đăng xuất" in out.text
    assert 'nhacviec_phien=""' in out.headers["set-cookie"] or "Max-Age=0" in out.headers[
        "set-cookie"]
    with dw.world.sessions() as session:
        assert session.scalars(select(WebSession.ended_at)).one() is not None
    client.cookies.clear()
    assert client.get("/").status_code == 401


def test_web_in_the_chat_gives_a_one_time_link_that_signs_in(dw: DashboardWorld) -> None:
    assert "chưa được bật" in dw.world.say("coord", "/web")  # no NHACVIEC_WEB_URL there
    layer = dw.dashboard.commands
    from bot.commands import Incoming

    text = "\n".join(r.text for r in layer.handle(Incoming("console", "coord", "x", "/web")))
    assert "10 phút" in text
    link = re.search(r"http://testserver(/vao/\S+)", text)
    assert link is not None
    client = dw.client()
    assert client.post(link.group(1)).status_code == 303
    assert "Lê Điều Phối" in client.get("/").text
    assert "chưa đăng ký" in "\n".join(
        r.text for r in layer.handle(Incoming("console", "nobody", "x", "/web")))


def test_nhacviec_web_link_prints_a_link_for_an_officer(
        dw: DashboardWorld, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("NHACVIEC_DB_URL", dw.world.url)
    monkeypatch.setenv("NHACVIEC_WEB_URL", "https://nhacviec.example.vn")
    monkeypatch.chdir(Path(dw.world.url.removeprefix("sqlite:///")).parent)
    officer = dw.officer_id("Phó Giám đốc")
    assert main(["web-link", str(officer)]) == 0
    out = capsys.readouterr().out
    assert "https://nhacviec.example.vn/vao/" in out and "10 phút" in out
    assert main(["web-link", "999"]) == 1
    assert "Không có cán bộ" in capsys.readouterr().err


def test_an_extension_request_waits_on_the_page_and_is_approved_from_it(
        dw: DashboardWorld) -> None:
    asked = dw.world.say("lagi", "/giahan 5@2024-Q2 10/07/2024 Chưa có số liệu của các xã")
    assert asked.startswith("📨 Đã gửi đề nghị gia hạn số 1"), asked
    with dw.world.sessions() as session:
        assignment = session.scalars(select(ExtensionRequest.assignment_id)).one()
    client = dw.client("Lê Điều Phối")
    page = client.get("/cho-xu-ly").text
    assert "Đề nghị gia hạn" in page and "Đề nghị số 1: gia hạn đến 10/07/2024" in page
    assert "Chưa có số liệu của các xã" in page
    form = {"csrf": csrf_of(page), "nonce": "g1", "action": "tuchoi", "note": ""}
    refused = client.post(f"/cho-xu-ly/{assignment}", data=form)  # a refusal needs its reason
    assert "Hãy ghi nội dung" in refused.text
    form.update(action="duyet", note="Đồng ý")
    approved = client.post(f"/cho-xu-ly/{assignment}", data=form)
    assert approved.status_code == 200 and "Đã duyệt đề nghị gia hạn số 1" in approved.text
    assert "Không có việc nào chờ xử lý" in approved.text
    with dw.world.sessions() as session:
        moved = session.get_one(Assignment, assignment)
        assert moved.due_override == date(2024, 7, 10)


def test_a_completion_to_confirm_waits_on_the_page_and_is_confirmed_from_it(
        dw: DashboardWorld) -> None:
    with dw.world.sessions() as session, session.begin():
        session.execute(update(PlanRow).values(confirm_done=True))
    waiting = dw.world.say("sct", "/xong 1 Đã tổ chức hội nghị")
    assert waiting.endswith("đang chờ Sở Công Thương xác nhận."), waiting
    with dw.world.sessions() as session:
        assignment = session.scalars(select(StatusEvent.assignment_id)).one()
    client = dw.client("Lê Điều Phối")
    page = client.get("/cho-xu-ly").text
    assert "Chờ xác nhận hoàn thành" in page and "Đã tổ chức hội nghị" in page
    form = {"csrf": csrf_of(page), "nonce": "c1", "action": "xacnhan", "note": ""}
    confirmed = client.post(f"/cho-xu-ly/{assignment}", data=form)
    assert confirmed.status_code == 200 and "Không có việc nào chờ xử lý" in confirmed.text
    with dw.world.sessions() as session:
        assert session.get_one(Assignment, assignment).status == "done"
