""""Chờ xử lý": what waits for a coordinator's decision, and the actions taken on it.

The list comes from `storage.dashboard_lists.pending_decisions` (blockers today; the workflow
adds its kinds there). An action is the chat command it stands for (/xong, /tiendo, /huy),
applied by the command layer as the signed-in officer, so the chat's rules hold.
"""

from __future__ import annotations

import dataclasses
import secrets
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response

from bot import texts
from bot.dashboard import views
from bot.dashboard.auth import CSRF_FIELD, check_csrf, refuse
from bot.dashboard.export import Cell, xlsx_response
from bot.render import plan_label
from storage import dashboard_lists, followup
from storage.dashboard import Scope

if TYPE_CHECKING:
    from bot.dashboard.app import Context

# Form action -> the chat command it sends (the command layer's names).
ACTIONS = {"xong": "done", "tiendo": "progress", "huy": "undo", "xacnhan": "confirm",
           "tralai": "giveback", "duyet": "approve", "tuchoi": "refuse"}
NEEDS_NOTE = frozenset({"tiendo", "huy", "tralai", "tuchoi"})
# These name the extension request by its number, not the item.
BY_REQUEST = frozenset({"duyet", "tuchoi"})
SHOWN = 100  # decisions on the page, the oldest first (the export has them all)


def form_of(request: Request) -> dict[str, str]:
    """Return the fields of the urlencoded form the endpoint received (bot.dashboard.app reads
    the body before the page's thread runs)."""
    body: bytes = request.scope.get("nhacviec.body", b"")
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {name: values[-1] for name, values in fields.items()}


def _check_sees(context: Context) -> None:
    if context.who.focal:
        raise refuse(403, texts.REFUSE_COORDINATOR_ONLY)


def page(context: Context, notice: str | None = None) -> Response:
    _check_sees(context)
    who = context.who
    params = context.request.query_params
    exporting = params.get("xuat") == "xlsx" and params.get("bang") == "pending"
    decisions = dashboard_lists.pending_decisions(context.session, context.today, Scope(),
                                                  None if exporting else SHOWN)
    base = views.page(context.session, who, context.today, context.dashboard.tz)
    plans = {p.id: p for p in base.plans}
    if exporting:
        rows: list[list[Cell]] = [
            [texts.DECISION_KINDS.get(d.kind, d.kind),
             plan_label(plans[d.item.plan_id]) if d.item.plan_id in plans else d.item.plan_id,
             d.item.task_key, d.item.period_label, base.short(d.item.agency_code),
             d.since.astimezone(context.dashboard.tz), d.note, d.officer_name]
            for d in decisions]
        return xlsx_response(f"cho-xu-ly-{context.today.isoformat()}.xlsx",
                             texts.SHEET_NAMES["pending"], texts.XLSX_HEADERS_PENDING, rows)
    return context.dashboard.render(context.request, "pending.html", {
        "p": base, "who": who, "decisions": decisions, "views": views, "plans": plans,
        "plan_label": plan_label, "notice": notice, "csrf_field": CSRF_FIELD,
        "nonce": secrets.token_urlsafe(12), "shown": SHOWN})


def act(context: Context) -> Response:
    """Apply one action of the page as the chat command it stands for, then show the page."""
    who = context.who
    _check_sees(context)
    form = form_of(context.request)
    if who.leader:
        raise refuse(403, texts.REFUSE_READ_ONLY)
    if not who.coordinator:
        raise refuse(403, texts.REFUSE_ACT_COORDINATOR)
    check_csrf(form.get(CSRF_FIELD), who)
    action = form.get("action", "")
    note = " ".join(form.get("note", "").split())
    assignment_id = int(context.request.path_params["assignment_id"])
    found = dashboard_lists.item(context.session, context.today, assignment_id)
    if found is None:
        raise refuse(404, texts.REFUSE_NOT_FOUND)
    if action not in ACTIONS:
        return page(context, texts.ACTION_UNKNOWN)
    if action in NEEDS_NOTE and not note:
        return page(context, texts.ACTION_NEEDS_NOTE)
    if action in BY_REQUEST:
        request = followup.open_request(context.session, assignment_id)
        if request is None:
            return page(context, texts.ACTION_NO_REQUEST)
        text = f"/{ACTIONS[action]} {request.id} {note}".strip()
    else:
        command = f"/{ACTIONS[action]} {texts.task_ref(found.task_key, found.period)}"
        text = f"{command} {found.agency_code} {note}".strip()
    nonce = form.get("nonce", "")[:64] or secrets.token_urlsafe(12)
    replies = context.dashboard.commands.handle_as(who.officer_id, text, f"web:{nonce}")
    notice = "\n".join(reply.text for reply in replies) or None
    # The command committed in its own transaction: read the page again, after it.
    with context.dashboard.read_sessions() as session:
        return page(dataclasses.replace(context, session=session), notice)
