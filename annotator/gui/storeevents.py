"""A Qt signal for the store's change notifications, so views can listen to the database."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ..store import Store


class StoreEvents(QObject):
    """Emits `changed(kind, article_id)` after every committed change to the store."""

    changed = Signal(str, object)

    def __init__(self, store: Store, parent: QObject | None = None):
        super().__init__(parent)
        store.subscribe(self.changed.emit)
