"""The storage and registration verbs: init, invite, officers, revoke."""

from __future__ import annotations

import argparse
import json
import sys

from bot import texts
from bot.cli.common import database, database_error, read_settings, shown_url

# ---- Storage and registration: init, invite, officers, revoke ----



def officer_id_arg(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(texts.CLI_OFFICER_ID_NOT_A_NUMBER.format(text=text))
    return int(text)


def cmd_init(args: argparse.Namespace) -> int:
    from datetime import datetime, time

    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from bot import agency_changes
    from bot.app import SYNC_HORIZON
    from bot.cli.agencies import apply_bundled_reorganisation
    from bot.texts import describe_sync
    from plan_data.loader import PlanError, bundled_plan_path, load_directory, load_plan
    from storage.db import make_engine, make_sessionmaker, upgrade
    from storage.models import AgencyRow, PlanRow
    from storage.plans import code_owner, set_track_from
    from storage.sync import SyncReport, count_live, ensure_synced, sync_agencies

    settings = read_settings()
    if settings is None:
        return 2
    now = (
        datetime.combine(args.as_of, time(), tzinfo=settings.tz)
        if args.as_of is not None
        else datetime.now(settings.tz)
    )
    until = now.date() + SYNC_HORIZON
    path = args.plan or settings.plan_path or bundled_plan_path()
    try:
        directory = load_directory(args.agencies or settings.agencies_path)
        plan = load_plan(path, directory)
    except PlanError as exc:
        print(exc, file=sys.stderr)
        return 1

    bundled_agencies = (args.agencies or settings.agencies_path) is None
    reorganised: str | None = None
    try:
        upgrade(settings.db_url)
        engine = make_engine(settings.db_url)
        try:
            with make_sessionmaker(engine)() as session, session.begin():
                owner = code_owner(session, plan.short_code)
                if owner is not None and owner.id != plan.id:
                    print(texts.CLI_PLAN_CODE_TAKEN.format(code=plan.short_code, owner=owner.id),
                          file=sys.stderr)
                    return 1
                fresh = session.scalar(select(AgencyRow.code).limit(1)) is None
                seeded = SyncReport()
                if fresh and bundled_agencies:
                    # A fresh database with the bundled agencies gets the 2025 reorganisation
                    # before the plan: its work is written once, to the agencies holding it.
                    seeded = sync_agencies(session, directory)
                    reorganised = apply_bundled_reorganisation(session)
                agency_changes.apply_due(session, now.date(), now)
                # An unchanged plan is not written again: only the new occurrences are added.
                report = (ensure_synced(session, directory, plan, until, now, today=now.date())
                          or SyncReport())
                report.agencies_added += seeded.agencies_added
                count_live(session, plan, report)
                if args.track_from is not None:
                    set_track_from(session, session.get_one(PlanRow, plan.id), args.track_from)
        finally:
            engine.dispose()
    except (SQLAlchemyError, ImportError) as exc:
        print(database_error(settings.db_url, exc), file=sys.stderr)
        return 1
    print(texts.CLI_INIT_DATABASE.format(url=shown_url(settings.db_url)))
    if reorganised:
        print(reorganised)
    print(texts.CLI_INIT_PLAN.format(plan=plan.id, tasks=report.tasks,
                                     occurrences=report.occurrences,
                                     assignments=report.assignments, until=until))
    if args.track_from is not None:
        print(texts.CLI_PLAN_TRACK_FROM.format(plan=plan.id, code=plan.short_code,
                                               day=args.track_from))
    print(describe_sync(report))
    if args.plan is not None and args.plan != settings.plan_path:
        # The bot re-reads its plan file at every start and tick: another file would undo this.
        print(texts.CLI_INIT_SET_PLAN.format(path=args.plan))
    return 0


def cmd_invite(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from sqlalchemy import select

    from bot.cli.agencies import ceased_refusal
    from storage.invites import (
        CeasedAgencyError,
        UnknownAgencyError,
        UnknownOfficerError,
        create_invite,
        create_link_invite,
        invite_link,
    )
    from storage.models import AgencyRow, Role

    now = datetime.now(UTC)
    with database() as db:
        if db is None:
            return 2
        settings, session = db
        try:
            if args.officer is not None:
                invite = create_link_invite(session, args.officer, now)
            elif args.agency is None:
                print(texts.CLI_INVITE_NEEDS_AGENCY, file=sys.stderr)
                return 2
            else:
                invite = create_invite(session, args.agency, Role(args.role), now,
                                       today=now.astimezone(settings.tz).date())
        except CeasedAgencyError as exc:
            print(ceased_refusal(session, exc.agency), file=sys.stderr)
            return 2
        except UnknownOfficerError:
            print(texts.CLI_NO_ACTIVE_OFFICER.format(id=args.officer), file=sys.stderr)
            return 2
        except UnknownAgencyError:
            codes = ", ".join(session.scalars(select(AgencyRow.code).order_by(AgencyRow.code)))
            print(texts.CLI_NO_AGENCY_CODES.format(code=args.agency, codes=codes), file=sys.stderr)
            return 2
        agency = session.get_one(AgencyRow, invite.agency_code)

    link = invite_link(invite.code, settings.telegram_username)
    expires_at = invite.expires_at.astimezone(settings.tz)
    if args.json:
        payload = {
            "code": invite.code,
            "agency": invite.agency_code,
            "role": invite.role,
            "expires_at": expires_at.isoformat(timespec="seconds"),
            "link": link,
        }
        print(json.dumps(payload, ensure_ascii=False))
        return 0
    print(texts.CLI_INVITE_FOR.format(name=agency.name, code=agency.code,
                                     role=texts.ROLE_NAMES[invite.role]))
    print(f"  {invite.code}")
    print(texts.CLI_INVITE_EXPIRES.format(at=expires_at))
    if link is not None:
        print(texts.CLI_INVITE_LINK.format(link=link))
    else:
        print(texts.CLI_INVITE_SEND.format(code=invite.code))
    return 0


def cmd_officers(args: argparse.Namespace) -> int:
    from storage.invites import list_officers

    with database() as db:
        if db is None:
            return 2
        _, session = db
        rows = [
            (
                str(officer.id),
                officer.name,
                officer.agency.short_name,
                texts.ROLE_NAMES.get(officer.role, officer.role),
                ", ".join(f"{chat.channel} {chat.chat_id}" for chat in officer.chats) or "-",
                texts.YES if officer.active else texts.NO,
                texts.YES if officer.reachable else texts.NO,
            )
            for officer in list_officers(session)
        ]
    if not rows:
        print(texts.CLI_NO_OFFICERS)
        return 0
    header = texts.CLI_OFFICERS_HEADER
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip())
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from storage.invites import UnknownOfficerError, revoke_officer
    from storage.models import Officer

    with database() as db:
        if db is None:
            return 2
        _, session = db
        existing = session.get(Officer, args.officer_id)
        was_active = existing is not None and existing.active
        try:
            officer = revoke_officer(session, args.officer_id)
        except UnknownOfficerError:
            print(texts.CLI_NO_OFFICER.format(id=args.officer_id), file=sys.stderr)
            return 2
        who = texts.CLI_OFFICER_WHO.format(id=officer.id, name=officer.name,
                                           agency=officer.agency.short_name,
                                           role=texts.ROLE_NAMES.get(officer.role, officer.role))
    if was_active:
        print(texts.CLI_REVOKED.format(who=who))
    else:
        print(texts.CLI_ALREADY_REVOKED.format(who=f"{who[0].upper()}{who[1:]}"))
    return 0
