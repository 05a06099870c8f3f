"""How a blind set is scored (issue 13's accuracy criterion): a row is right when the category,
the drug class and the generic names all match the label. Generic names are compared as sets:
the order is the table's concern (table.py). Shared by the blind-set test and by whoever
scores a held-out set kept outside the repository (`python -m tests.taxonomy.blind FILE`)."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import NamedTuple

from decisions.taxonomy import classify

REQUIRED = 0.97  # issue 13: at least 97% of items get all three right


class Miss(NamedTuple):
    treatment: str
    expected: tuple[str, str | None, list[str]]
    got: tuple[str, str | None, list[str]]


def rows(path: Path) -> list[list]:
    """A blind set's rows: [heading, category, drug class or null, [generic names]]."""
    return json.loads(path.read_text())


def misses(labelled: list[list]) -> list[Miss]:
    wrong = []
    for treatment, category, drug_class, generics in labelled:
        result = classify(treatment)
        got = (
            str(result.category),
            result.drug_class and str(result.drug_class),
            sorted(result.generic_names),
        )
        expected = (category, drug_class, sorted(generics))
        if got != expected:
            wrong.append(Miss(treatment, expected, got))
    return wrong


def report(labelled: list[list]) -> str:
    """Per-field and item-level accuracy, then every miss."""
    wrong = misses(labelled)
    fields = Counter()
    for miss in wrong:
        for i, name in enumerate(("category", "drug_class", "generic_names")):
            fields[name] += miss.expected[i] != miss.got[i]
    total = len(labelled)
    lines = [f"{total} items"]
    for name in ("category", "drug_class", "generic_names"):
        lines.append(f"  {name:14} {1 - fields[name] / total:7.1%}  ({fields[name]} wrong)")
    lines.append(f"  {'all three':14} {1 - len(wrong) / total:7.1%}  ({len(wrong)} wrong)")
    lines += [f"{m.treatment!r}\n    expected {m.expected}\n    got      {m.got}" for m in wrong]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(rows(Path(sys.argv[1]))))
