"""The unit of work: one transaction per use case. Only :meth:`UnitOfWork.commit` commits."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from billable.persistence import auditing


class UnitOfWork:
    """Opens a session on enter; leaving without :meth:`commit` rolls everything back."""

    session: Session

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        """Make the use case's changes durable, all together, with their audit event
        (persistence/auditing.py: written in the same transaction, or not at all)."""
        auditing.write_event(self.session)
        self.session.commit()
