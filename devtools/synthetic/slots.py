"""What fills the {placeholders} of the data's phrases: a letter's fixed values (side, pronouns,
pain score), its narrative dates, and the region's and slot pools of data/regions.toml.

One Slots per item (and one for the summary): values are drawn lazily because most phrases use
few of them, and drawing only what is used keeps the draws, and so the letters, stable when a
phrase bank grows a placeholder elsewhere.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from functools import partial

from .vocabulary import FREQUENCIES, SLOT_VALUES
from .wording import long_date, numeric_date

# Narrative date slots: key -> (which date, how it is written).
DATE_SLOTS: dict[str, tuple[str, Callable[[date], str]]] = {
    "d_note": ("note", long_date),
    "d_note_nocomma": ("note", partial(long_date, comma=False)),
    "d_note_num": ("note", numeric_date),
    "d_note2": ("note2", long_date),
    "d_note2_num": ("note2", numeric_date),
    "d_mri": ("mri", long_date),
    "d_mri_nocomma": ("mri", partial(long_date, comma=False)),
    "d_mri_num": ("mri", numeric_date),
    "d_ur": ("ur", long_date),
    "d_dos": ("dos", numeric_date),
    "d_rfa_num": ("rfa", numeric_date),
    "d_appeal_num": ("appeal", numeric_date),
}


class Slots(dict):
    """Template values: fixed ones given up front, the rest drawn on first use and then kept,
    so a drug strength or spinal level reads the same in a heading and in its rationale."""

    def __init__(
        self,
        rng: random.Random,
        region: dict[str, tuple[str, ...]],
        fixed: dict[str, str],
        dates: dict[str, date],
    ):
        super().__init__(fixed)
        self.rng = rng
        self.region = region
        self.dates = dates

    def __missing__(self, key: str) -> str:
        if key == "freq":
            # "2 x 6" and the number of sessions a rationale quotes must agree.
            value, self["sessions"] = self.rng.choice(FREQUENCIES)
            self[key] = value
            return value
        if key in DATE_SLOTS:
            name, form = DATE_SLOTS[key]
            value = self[key] = form(self.dates[name])
            return value
        options = self.region.get(key) or SLOT_VALUES[key]
        value = self.rng.choice(options)
        if "{" in value:
            value = value.format_map(self)
        self[key] = value
        return value

    def fill(self, template: str) -> str:
        return template.format_map(self) if "{" in template else template
