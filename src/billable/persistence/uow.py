"""The unit of work: one transaction per use case. Only :meth:`UnitOfWork.commit` commits."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from billable.persistence import auditing
from billable.persistence.db import READ_ONLY


class UnitOfWork:
    """Opens a session on enter; leaving without :meth:`commit` rolls everything back."""

    session: Session

    def __init__(self, factory: sessionmaker[Session], read_only: bool = False) -> None:
        self._factory = factory
        self._read_only = read_only

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        if self._read_only:
            # On SQLite a read-only transaction does not queue behind writers (db.py);
            # a write in it fails. PostgreSQL ignores the option.
            self.session.connection(execution_options={READ_ONLY: True})
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()
        self.session.close()

    def on_postgresql(self) -> bool:
        """Whether this unit of work's database is PostgreSQL (asked outside a use case:
        it opens and closes its session, and no connection)."""
        with self:
            return self.session.get_bind().dialect.name == "postgresql"

    def commit(self) -> None:
        """Make the use case's changes durable, all together, with their audit event
        (persistence/auditing.py: written in the same transaction, or not at all)."""
        auditing.write_event(self.session)
        self.session.commit()
