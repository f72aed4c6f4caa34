"""Registration: invite codes, redeeming them, and the officers/revoke commands."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.cli import main
from storage.db import make_engine, make_sessionmaker, upgrade
from storage.invites import (
    InviteError,
    InviteErrorReason,
    UnknownAgencyError,
    UnknownOfficerError,
    create_invite,
    invite_link,
    list_officers,
    redeem_invite,
    revoke_officer,
)
from storage.models import AgencyRow, Invite, Officer, OfficerChat, Role

NOW = datetime(2024, 5, 2, 1, 0, tzinfo=UTC)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'nhacviec.db'}"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    upgrade(db_url)
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as session, session.begin():
        session.add_all(
            [
                AgencyRow(code="SCT", name="Sở Công Thương", short_name="Sở CT", kind="so"),
                AgencyRow(code="STP", name="Sở Tư pháp", short_name="Sở TP", kind="so"),
            ]
        )
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(engine)


def new_code(
    session_factory: sessionmaker[Session], agency: str = "SCT", role: Role = Role.FOCAL
) -> str:
    with session_factory() as session, session.begin():
        return create_invite(session, agency, role, NOW).code


def redeem(
    session_factory: sessionmaker[Session],
    code: str,
    chat_id: str = "1001",
    name: str = "Nguyễn Thị Lan",
    now: datetime = NOW + timedelta(hours=1),
) -> int:
    with session_factory() as session, session.begin():
        return redeem_invite(session, code, "telegram", chat_id, name, now).id


def reason_of(error: pytest.ExceptionInfo[InviteError]) -> InviteErrorReason:
    return error.value.reason


def test_an_invite_is_a_fresh_url_safe_code_of_128_bits_valid_for_seven_days(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory() as session, session.begin():
        first = create_invite(session, "SCT", Role.COORDINATOR, NOW)
        second = create_invite(session, "SCT", Role.COORDINATOR, NOW)
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", first.code)  # 22 base64 characters = 128+ bits
    assert first.code != second.code
    assert (first.agency_code, first.role) == ("SCT", "coordinator")
    assert first.expires_at == datetime(2024, 5, 9, 1, 0, tzinfo=UTC)
    assert first.used_at is None


def test_an_agency_code_is_matched_without_regard_to_case(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory() as session, session.begin():
        assert create_invite(session, " stp ", Role.FOCAL, NOW).agency_code == "STP"


def test_an_invite_for_an_unknown_agency_is_refused(
    session_factory: sessionmaker[Session],
) -> None:
    with pytest.raises(UnknownAgencyError), session_factory() as session, session.begin():
        create_invite(session, "XYZ", Role.FOCAL, NOW)
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Invite)) == 0


def test_redeeming_binds_the_chat_to_a_new_officer_and_uses_the_code(
    session_factory: sessionmaker[Session],
) -> None:
    code = new_code(session_factory, "STP", Role.LEADER)

    officer_id = redeem(session_factory, code, chat_id="555", name="  Trần Văn Minh ")

    with session_factory() as session:
        officer = session.get_one(Officer, officer_id)
        assert (officer.name, officer.agency_code, officer.role) == (
            "Trần Văn Minh",
            "STP",
            "leader",
        )
        assert officer.active and officer.reachable
        assert [(c.channel, c.chat_id) for c in officer.chats] == [("telegram", "555")]
        invite = session.get_one(Invite, code)
        assert (invite.used_at, invite.officer_id) == (NOW + timedelta(hours=1), officer_id)


def test_a_used_code_is_refused(session_factory: sessionmaker[Session]) -> None:
    code = new_code(session_factory)
    redeem(session_factory, code, chat_id="1")

    with pytest.raises(InviteError) as error:
        redeem(session_factory, code, chat_id="2")

    assert reason_of(error) is InviteErrorReason.USED
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Officer)) == 1


def test_an_expired_code_is_refused_from_the_instant_it_expires(
    session_factory: sessionmaker[Session],
) -> None:
    code = new_code(session_factory)
    expiry = NOW + timedelta(days=7)

    with pytest.raises(InviteError) as error:
        redeem(session_factory, code, now=expiry)
    assert reason_of(error) is InviteErrorReason.EXPIRED

    # One second earlier the same code still works: the refusal above changed nothing.
    redeem(session_factory, code, now=expiry - timedelta(seconds=1))


def test_an_unknown_code_is_refused(session_factory: sessionmaker[Session]) -> None:
    new_code(session_factory)
    with pytest.raises(InviteError) as error:
        redeem(session_factory, "not-a-code")
    assert reason_of(error) is InviteErrorReason.UNKNOWN


def test_a_chat_registered_elsewhere_is_refused_and_the_code_stays_usable(
    session_factory: sessionmaker[Session],
) -> None:
    redeem(session_factory, new_code(session_factory, "SCT"), chat_id="1001")
    other = new_code(session_factory, "STP")

    with pytest.raises(InviteError) as error:
        redeem(session_factory, other, chat_id="1001")

    assert reason_of(error) is InviteErrorReason.ALREADY_REGISTERED
    with session_factory() as session:
        assert session.get_one(Invite, other).used_at is None
    redeem(session_factory, other, chat_id="2002")


def test_a_second_invite_of_the_same_agency_and_role_returns_the_same_officer(
    session_factory: sessionmaker[Session],
) -> None:
    first = redeem(session_factory, new_code(session_factory), chat_id="1001")
    with session_factory() as session, session.begin():
        chat = session.scalars(select(OfficerChat)).one()
        chat.reachable = False
        chat.unreachable_reason = "Forbidden: bot was blocked by the user"
    again = new_code(session_factory)

    second = redeem(session_factory, again, chat_id="1001")

    assert second == first
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Officer)) == 1
        assert session.get_one(Invite, again).officer_id == first
        chat = session.scalars(select(OfficerChat)).one()
        assert (chat.reachable, chat.unreachable_reason) == (True, None)


def test_the_chat_of_a_revoked_officer_moves_to_the_new_officer(
    session_factory: sessionmaker[Session],
) -> None:
    old = redeem(session_factory, new_code(session_factory, "SCT"), chat_id="1001")
    with session_factory() as session, session.begin():
        revoke_officer(session, old)

    new = redeem(session_factory, new_code(session_factory, "STP"), chat_id="1001", name="Hà")

    assert new != old
    with session_factory() as session:
        chat = session.scalars(select(OfficerChat)).one()
        assert chat.officer_id == new
        assert session.get_one(Officer, old).chats == []


def test_an_officer_without_a_display_name_is_named_after_the_agency(
    session_factory: sessionmaker[Session],
) -> None:
    officer_id = redeem(session_factory, new_code(session_factory, "STP"), name="  ")
    with session_factory() as session:
        assert session.get_one(Officer, officer_id).name == "Cán bộ Sở TP"


def test_an_officer_name_is_stored_in_nfc(session_factory: sessionmaker[Session]) -> None:
    decomposed = "Nguye\u0302\u0303n Va\u0306n A"
    officer_id = redeem(session_factory, new_code(session_factory), name=decomposed)
    with session_factory() as session:
        assert session.get_one(Officer, officer_id).name == "Nguyễn Văn A"


def test_officers_are_listed_by_id_and_revoking_an_unknown_one_fails(
    session_factory: sessionmaker[Session],
) -> None:
    first = redeem(session_factory, new_code(session_factory, "STP"), chat_id="1")
    second = redeem(session_factory, new_code(session_factory, "SCT"), chat_id="2")
    with session_factory() as session, session.begin():
        revoke_officer(session, first)
        with pytest.raises(UnknownOfficerError):
            revoke_officer(session, 999)
    with session_factory() as session:
        listed = [(o.id, o.agency.code, o.active) for o in list_officers(session)]
    assert listed == [(first, "STP", False), (second, "SCT", True)]


def test_the_deep_link_needs_the_bot_username() -> None:
    assert invite_link("abc_-1", "nhacviec_bot") == "https://t.me/nhacviec_bot?start=abc_-1"
    assert invite_link("abc_-1", "@nhacviec_bot") == "https://t.me/nhacviec_bot?start=abc_-1"
    assert invite_link("abc_-1", None) is None
    assert invite_link("abc_-1", " ") is None


# ---- the command line ----


@pytest.fixture
def cli_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_url: str) -> str:
    """An initialised database with the bundled plan, and the CLI pointed at it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NHACVIEC_DB_URL", db_url)
    for name in ("NHACVIEC_PLAN", "TELEGRAM_BOT_USERNAME", "NHACVIEC_TZ"):
        monkeypatch.delenv(name, raising=False)
    assert main(["init", "--as-of", "2024-05-02"]) == 0
    return db_url


@pytest.fixture
def cli_sessions(cli_db: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(cli_db)
    yield make_sessionmaker(engine)
    engine.dispose()


def test_cli_invite_json_prints_the_code_agency_role_expiry_and_no_link_without_username(
    cli_sessions: sessionmaker[Session], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    before = datetime.now(UTC)
    assert main(["invite", "sct", "--role", "coordinator", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)

    assert set(payload) == {"code", "agency", "role", "expires_at", "link"}
    assert (payload["agency"], payload["role"], payload["link"]) == ("SCT", "coordinator", None)
    expires_at = datetime.fromisoformat(payload["expires_at"])
    assert expires_at.utcoffset() == timedelta(hours=7)
    assert before + timedelta(days=7) - timedelta(seconds=1) <= expires_at
    assert expires_at <= datetime.now(UTC) + timedelta(days=7)
    with cli_sessions() as session:
        invite = session.get_one(Invite, payload["code"])
        assert (invite.agency_code, invite.role) == ("SCT", "coordinator")
        assert abs(invite.expires_at - expires_at) < timedelta(seconds=1)


def test_cli_invite_prints_the_deep_link_when_the_bot_username_is_known(
    cli_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "nhacviec_bot")
    capsys.readouterr()
    assert main(["invite", "STP", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["link"] == f"https://t.me/nhacviec_bot?start={payload['code']}"
    assert payload["role"] == "focal"

    assert main(["invite", "STP"]) == 0
    out = capsys.readouterr().out
    assert "Sở Tư pháp" in out and "đầu mối" in out and "https://t.me/nhacviec_bot?start=" in out


def test_cli_invite_for_an_unknown_agency_fails_with_exit_2(
    cli_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["invite", "KHONGCO"]) == 2
    captured = capsys.readouterr()
    assert "Không có cơ quan mã «KHONGCO»" in captured.err and "SCT" in captured.err
    assert captured.out == ""


def test_cli_invite_before_init_asks_for_init(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NHACVIEC_DB_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    assert main(["invite", "SCT"]) == 2
    assert "nhacviec init" in capsys.readouterr().err


def test_cli_officers_lists_and_revoke_disables(
    cli_sessions: sessionmaker[Session], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["officers"]) == 0
    assert "Chưa có cán bộ nào" in capsys.readouterr().out
    assert main(["invite", "SCT", "--json"]) == 0
    code = json.loads(capsys.readouterr().out)["code"]
    with cli_sessions() as session, session.begin():
        officer_id = redeem_invite(session, code, "telegram", "777", "Lê Thu", datetime.now(UTC)).id

    assert main(["officers"]) == 0
    lines = capsys.readouterr().out.splitlines()
    columns = ("ID", "Họ tên", "Cơ quan", "Vai trò", "Kênh", "Hoạt động", "Liên lạc được")
    assert re.fullmatch(r"\s+".join(columns), lines[0])
    assert re.fullmatch(
        rf"{officer_id}\s+Lê Thu\s+Sở Công Thương\s+đầu mối\s+telegram 777\s+có\s+có", lines[1]
    )

    assert main(["revoke", str(officer_id)]) == 0
    assert "Đã vô hiệu hóa cán bộ số" in capsys.readouterr().out
    with cli_sessions() as session:
        assert not session.get_one(Officer, officer_id).active
    assert main(["officers"]) == 0
    assert re.search(r"telegram 777\s+không\s+có$", capsys.readouterr().out.splitlines()[1])

    assert main(["revoke", str(officer_id)]) == 0
    assert "từ trước" in capsys.readouterr().out


def test_cli_revoke_of_an_unknown_officer_fails_with_exit_2(
    cli_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["revoke", "42"]) == 2
    assert "Không có cán bộ số 42." in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main(["revoke", "abc"])
    assert exited.value.code == 2


def test_cli_invite_for_an_officer_binds_a_second_channel_to_that_officer(
    cli_sessions: sessionmaker[Session], capsys: pytest.CaptureFixture[str]
) -> None:
    # Sở Tư pháp: an agency that exists today (La Gi's People's Committee ceased on 1/7/2025).
    assert main(["invite", "stp", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)["code"]
    with cli_sessions() as session, session.begin():
        officer = redeem_invite(session, first, "telegram", "111", "Võ Tư Pháp", datetime.now(UTC))
        officer_id = officer.id
    assert main(["invite", "--officer", str(officer_id), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert (payload["agency"], payload["role"]) == ("STP", "focal")
    with cli_sessions() as session, session.begin():
        linked = redeem_invite(session, payload["code"], "zalo", "z-111", "Võ", datetime.now(UTC))
        assert linked.id == officer_id
        assert sorted(c.channel for c in linked.chats) == ["telegram", "zalo"]
    assert main(["invite", "--officer", "999"]) == 2
    assert "999" in capsys.readouterr().err
    assert main(["invite"]) == 2
