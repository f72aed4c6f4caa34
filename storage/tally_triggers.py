"""The triggers that note which assignments the running counts (`storage.tally`) must count
again: every write to an assignment, to its occurrence, task or plan, or to its reports.

Triggers rather than calls in the code: a write by any path (a chat command, the sync, the
reorganisation, a migration, an administrator's SQL) is noted in the same transaction, so the
counts cannot drift from the rows. Each note adds one to the assignment's `seq`: a count made
while the note changed is not taken as current (see `storage.tally.drain`).
"""

from __future__ import annotations

_MARK = ("INSERT INTO tally_dirty (assignment_id, seq) {rows} "
         "ON CONFLICT (assignment_id) DO UPDATE SET seq = tally_dirty.seq + 1")

# (table, events, the assignments a row of it concerns, as a SELECT of (id, 1) with NEW/OLD)
_SOURCES: list[tuple[str, tuple[str, ...], str]] = [
    ("assignments", ("INSERT", "UPDATE"), "SELECT NEW.id, 1 WHERE NEW.id IS NOT NULL"),
    ("assignments", ("DELETE",), "SELECT OLD.id, 1 WHERE OLD.id IS NOT NULL"),
    ("status_events", ("INSERT", "UPDATE"),
     "SELECT NEW.assignment_id, 1 WHERE NEW.assignment_id IS NOT NULL"),
    ("status_events", ("DELETE",),
     "SELECT OLD.assignment_id, 1 WHERE OLD.assignment_id IS NOT NULL"),
    ("occurrences", ("UPDATE",),
     "SELECT id, 1 FROM assignments WHERE occurrence_id = NEW.id"),
    ("tasks", ("UPDATE",),
     "SELECT a.id, 1 FROM assignments a JOIN occurrences o ON o.id = a.occurrence_id "
     "WHERE o.task_id = NEW.id"),
    ("plans", ("UPDATE",),
     "SELECT a.id, 1 FROM assignments a JOIN occurrences o ON o.id = a.occurrence_id "
     "JOIN tasks t ON t.id = o.task_id WHERE t.plan_id = NEW.id"),
]


def _name(table: str, event: str) -> str:
    return f"tally_mark_{table}_{event.lower()}"


def create_statements(dialect: str) -> list[str]:
    """The DDL that creates the triggers on `dialect` ("sqlite" or "postgresql")."""
    statements = []
    for table, events, rows in _SOURCES:
        for event in events:
            name = _name(table, event)
            mark = _MARK.format(rows=rows)
            if dialect == "sqlite":
                statements.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                                  f"FOR EACH ROW BEGIN {mark}; END")
            elif dialect == "postgresql":
                statements.append(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql "
                                  f"AS $$ BEGIN {mark}; RETURN NULL; END $$")
                statements.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                                  f"FOR EACH ROW EXECUTE FUNCTION {name}()")
            else:
                raise ValueError(f"no triggers for {dialect}")
    return statements


def drop_statements(dialect: str) -> list[str]:
    statements = []
    for table, events, _ in _SOURCES:
        for event in events:
            name = _name(table, event)
            if dialect == "postgresql":
                statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                statements.append(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                statements.append(f"DROP TRIGGER IF EXISTS {name}")
    return statements
