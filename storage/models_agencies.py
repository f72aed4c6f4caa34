"""The names of an agency over time (`agency_names`): each name is valid from one day to another,
so history and reports show the name in force at the time (storage/agencies.py reads them)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class NameSource:
    FILE = "file"  # seeded from an agencies file: a later sync may still correct it
    OPERATOR = "operator"  # `nhacviec agency add|rename` or the reorganisation data: never
    # overwritten by a sync


class AgencyName(Base):
    """A name of an agency, in force from `valid_from` to `valid_to` (both included; None: no
    bound)."""

    __tablename__ = "agency_names"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    short_name: Mapped[str] = mapped_column(String(120))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16))  # NameSource

    def __repr__(self) -> str:
        return (f"AgencyName(agency_code={self.agency_code!r}, name={self.name!r}, "
                f"valid_from={self.valid_from!r}, valid_to={self.valid_to!r})")
