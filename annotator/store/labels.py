"""The label set: names, descriptions, colours and keys, in their order."""

from __future__ import annotations

from ..errors import UserError
from ..model import Label
from .connection import Connection
from .migrations import write_labels

PALETTE = (  # Okabe-Ito, safe for the common colour-vision deficiencies
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999",
)
KEYS = "1234567890"


class Labels(Connection):
    def labels(self) -> list[Label]:
        rows = self.conn.execute("SELECT name, description, color, key FROM labels ORDER BY position, name")
        return [Label(name, description or "", color or "#888888", key or "") for name, description, color, key in rows]

    def set_labels(self, labels: list[Label]) -> None:
        """Replace the label set; labels still used by spans must stay."""
        names = {label.name for label in labels}
        with self.transaction():
            used = {row[0] for row in self.conn.execute("SELECT DISTINCT label FROM spans")}
            missing = sorted(used - names)
            if missing:
                raise UserError(f"labels still used by spans cannot be removed: {', '.join(missing)}")
            self._put_labels(labels)

    def _put_labels(self, labels: list[Label]) -> None:
        write_labels(self.conn, labels)
        self._changed("labels")

    def add_label(self, name: str) -> Label:
        """Add a label with the first free colour and key."""
        with self.transaction():
            labels = self.labels()
            colors = [c for c in PALETTE if c not in {lb.color for lb in labels}] or list(PALETTE)
            keys = [k for k in KEYS if k not in {lb.key for lb in labels}] or [""]
            label = Label(name, "", colors[0], keys[0])
            self._put_labels([*labels, label])
        return label
