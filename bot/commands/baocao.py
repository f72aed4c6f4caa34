"""/baocao [xlsx|docx] [PLAN] [KỲ]: the coordinator's and leaders' report file, in the chat.

On Telegram the file arrives as a document; Zalo and the console cannot take documents, so they
get a one-time download link on the bot's web server (NHACVIEC_WEB_URL), valid 24 hours.
"""

from __future__ import annotations

from sqlalchemy import select

from bot import texts
from bot.channels.base import FileUpload
from bot.commands.core import Refusal, Reply, Request, clip
from bot.render import plan_label
from bot.reports.files import render_report
from bot.reports.period import ReportingPeriod, parse_period, scope_label
from scheduler.text import fold
from storage import downloads
from storage.models import Channel, PlanRow, Role
from storage.report import collect_report

FORMATS = {"xlsx": "xlsx", "excel": "xlsx", "docx": "docx", "word": "docx"}
DOWNLOAD_PATH = "tai"  # GET /tai/{token} on the bot's web server


def report(request: Request, rest: str) -> list[Reply]:
    officer = request.registered
    if officer.role not in (Role.COORDINATOR.value, Role.LEADER.value):
        raise Refusal(texts.BAOCAO_ONLY_COORDINATOR)
    kind, plan, period = _arguments(request, rest)
    data = collect_report(request.session, plan.id, request.today,
                          due_from=period.start if period else None,
                          due_to=period.end if period else None)
    upload = render_report(data, kind, request.tz)
    scope = scope_label(period, request.today)
    name = texts.BAOCAO_KIND[kind]
    if request.incoming.channel == Channel.TELEGRAM.value:
        return [Reply(texts.BAOCAO_CAPTION.format(kind=name, plan=plan_label(plan), scope=scope),
                      upload=upload)]
    return [Reply(_link(request, upload, name, plan_label(plan), scope, kind))]


def _link(request: Request, upload: FileUpload, name: str, plan: str, scope: str,
          kind: str) -> str:
    if not request.web_url:
        return texts.BAOCAO_NO_WEB_URL.format(format=kind)
    token, until = downloads.create_link(request.session, upload.filename, upload.content,
                                         request.now, officer_id=request.registered.id)
    local = until.astimezone(request.tz)
    return texts.BAOCAO_LINK.format(
        kind=name, plan=plan, scope=scope,
        until=f"{local:%H:%M} {texts.day(local.date())}",
        url=f"{request.web_url.rstrip('/')}/{DOWNLOAD_PATH}/{token}")


def _arguments(request: Request, rest: str) -> tuple[str, PlanRow, ReportingPeriod | None]:
    """Read the format, the plan and the period, in any order. Raise Refusal."""
    plans = list(request.session.scalars(select(PlanRow).order_by(PlanRow.id)))
    # A plan is named by its code, as in `XD:5`, or by its id.
    by_code = {fold(name): plan for plan in plans for name in (plan.id, plan.code)}
    kind = "xlsx"
    plan: PlanRow | None = None
    period: ReportingPeriod | None = None
    for word in rest.split():
        folded = fold(word)
        if folded in FORMATS:
            kind = FORMATS[folded]
        elif folded in by_code:
            plan = by_code[folded]
        else:
            try:
                period = parse_period(word, request.today)
            except ValueError:
                raise Refusal(texts.BAOCAO_UNKNOWN_PLAN.format(
                    plan=clip(word), plans=", ".join(plan_label(p) for p in plans))
                    + "\n" + texts.BAOCAO_USAGE) from None
    if plan is None:
        own = [p for p in plans if p.coordinator_code == request.registered.agency_code]
        candidates = plans if len(plans) == 1 else own
        if len(candidates) != 1:
            raise Refusal(texts.BAOCAO_USAGE + "\n" + texts.BAOCAO_WHICH_PLAN.format(
                plans=", ".join(plan_label(p) for p in plans)))
        plan = candidates[0]
    return kind, plan, period
