"""Maps between code-point offsets (ours) and UTF-16 units or Qt view positions (the edges')."""

from __future__ import annotations

import re
from bisect import bisect_right

_ASTRAL_OR_CRLF = re.compile("[\U00010000-\U0010ffff]|\r\n")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    """Code points <-> UTF-16 units for one text, optionally with CRLF folded to one unit as Qt shows it.

    Only the places where the two counts drift apart (astral characters, CRLF pairs) are kept,
    so a 1 MB text costs a few lists as long as its emoji, and each lookup is a bisection.
    """

    def __init__(self, text: str, *, fold_crlf: bool = False):
        self.length = len(text)
        pattern = _ASTRAL_OR_CRLF if fold_crlf else _ASTRAL
        cp_points: list[int] = []
        cp_deltas: list[int] = []
        unit_points: list[int] = []
        unit_deltas: list[int] = []
        delta = 0
        # Encoding runs in C at memory speed: text with no astral character and no CRLF needs no regex pass.
        plain = (text.isascii() or len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text)) and not (
            fold_crlf and "\r\n" in text)
        for match in () if plain else pattern.finditer(text):
            i = match.start()
            unit = i + delta
            if match.group() == "\r\n":
                # \r shows as one block break at `unit`; both the \n and what follows map to unit + 1.
                cp_points.append(i + 2)
                unit_points.append(unit + 1)
                delta -= 1
            else:
                # Two units for one code point; the unit between them rounds down to the character.
                cp_points.append(i + 1)
                unit_points.append(unit + 1)
                delta += 1
            cp_deltas.append(delta)
            unit_deltas.append(delta)
        self.units_length = self.length + delta
        self._cp_points, self._cp_deltas = cp_points, cp_deltas
        self._unit_points, self._unit_deltas = unit_points, unit_deltas

    @property
    def is_identity(self) -> bool:
        return not self._cp_points

    def to_units(self, cp: int) -> int:
        """The unit position of code-point offset `cp`."""
        k = bisect_right(self._cp_points, cp)
        return cp + (self._cp_deltas[k - 1] if k else 0)

    def to_cp(self, unit: int) -> int:
        """The code-point offset of unit position `unit` (inside a surrogate pair: the character's start)."""
        k = bisect_right(self._unit_points, unit)
        if not k:
            return unit
        point, delta = self._unit_points[k - 1], self._unit_deltas[k - 1]
        previous = self._unit_deltas[k - 2] if k > 1 else 0
        if unit == point and delta > previous:
            return unit - previous - 1
        return unit - delta


def utf16_len(text: str) -> int:
    """Length of `text` in UTF-16 code units."""
    return len(text) + len(_ASTRAL.findall(text))
