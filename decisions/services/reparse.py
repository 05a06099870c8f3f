"""Re-run the parser over stored letters after a parser improvement, updating them in place.

Letters keep their ids, and so their URLs: `letter_replace_parse`, the code ingest builds rows
with, rewrites the parsed columns and rebuilds the items. Each letter is its own transaction
with its row locked, so a run over two million letters can stop at any point without leaving a
letter half-updated, and two runs cannot interleave on one letter. A letter the parser can no
longer read is left exactly as it was and reported.

The content fingerprint (decisions/fingerprint.py) follows the new parse too, so that files of
the letter are still recognised as it. When the new parse makes a letter's content equal to
another letter's, the re-parse still succeeds: the letter becomes a numbered copy of that
content (decisions/services/duplicates.py), and the result names the other letters, for
`manage.py fingerprints --duplicates` and a person to look at.

What changed is measured on the stored rows before and after the rewrite, not predicted from
the parse, so the report cannot disagree with the database; a dry run does the same work and
rolls each letter back. So are the letters with parser warnings, before and after: a parser
improvement shows how many letters it cleared (and any it newly warns about).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from django.db import DatabaseError, transaction
from django.db.models import QuerySet

from ..engine import sync
from ..fingerprint import content_fingerprint
from ..models import Letter
from ..parsing import ParseError, parse_letter
from .combinations import empty_combinations_prune
from .duplicates import fingerprint_replace
from .letters import letter_fields, letter_replace_parse, refusal, with_kept_case_number


class ReparseStatus(StrEnum):
    """What a re-parse did to one letter; the values are ReparseSummary's counters."""

    CHANGED = "changed"
    UNCHANGED = "unchanged"
    FAILED = "failed"


# Letter ids fetched per query: the selection is walked by id, never loaded whole.
CHUNK_SIZE = 500


@dataclass(frozen=True)
class ReparseResult:
    letter_id: int
    status: ReparseStatus
    fields: tuple[str, ...] = ()  # letter columns whose value changed
    items_before: int = 0
    items_after: int = 0
    items_changed: tuple[int, ...] = ()  # positions of items that differ, appeared or went
    same_content_as: tuple[int, ...] = ()  # letters whose content it now has
    reason: str = ""  # why the letter failed
    warned_before: bool = False  # the letter or an item had parser warnings
    warned_after: bool = False

    def describe(self) -> str:
        if self.status is ReparseStatus.FAILED:
            return f"letter {self.letter_id}: left unchanged, it no longer parses: {self.reason}"
        if self.status is ReparseStatus.UNCHANGED:
            return f"letter {self.letter_id}: unchanged"
        parts = []
        if self.fields:
            parts.append("fields " + ", ".join(self.fields))
        if self.items_changed:
            positions = ", ".join(map(str, self.items_changed))
            parts.append(f"items {self.items_before} -> {self.items_after} (changed: {positions})")
        if self.same_content_as:
            letters = ", ".join(map(str, self.same_content_as))
            parts.append(f"now the same letter as letter {letters} (kept, listed as a duplicate)")
        return f"letter {self.letter_id}: " + "; ".join(parts)


@dataclass
class ReparseSummary:
    dry_run: bool
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    warned_before: int = 0  # letters with parser warnings before the run
    warned_after: int = 0
    cleared: int = 0  # letters with warnings before and none after
    newly_warned: int = 0  # the other way round
    pruned: int = 0  # combinations left without items, deleted (decisions/services/combinations.py)

    def add(self, result: ReparseResult) -> None:
        setattr(self, result.status, getattr(self, result.status) + 1)
        self.warned_before += result.warned_before
        self.warned_after += result.warned_after
        self.cleared += result.warned_before and not result.warned_after
        self.newly_warned += result.warned_after and not result.warned_before

    def describe(self) -> str:
        written = " (dry run: nothing written)" if self.dry_run else ""
        return (
            f"changed {self.changed}, unchanged {self.unchanged}, failed {self.failed}{written}; "
            f"{self.pruned} emptied facet combinations deleted"
        )

    def describe_warnings(self) -> str:
        return (
            f"warnings: {self.warned_before} letters before, {self.warned_after} after; "
            f"cleared {self.cleared}, newly warned {self.newly_warned}"
        )


def letters_reparse(
    letters: QuerySet[Letter],
    *,
    dry_run: bool = False,
    on_result: Callable[[ReparseResult], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> ReparseSummary:
    """Re-parse every letter of `letters` from its raw_text; `on_result` hears about each one."""
    summary = ReparseSummary(dry_run=dry_run)
    for letter_id in _ids(letters, chunk_size):
        result = letter_reparse(letter_id, dry_run=dry_run)
        if result is None:
            continue
        summary.add(result)
        if on_result is not None:
            on_result(result)
    if summary.changed and not dry_run:
        summary.pruned = empty_combinations_prune()
        sync.apply_if_kept()  # the replaced items' documents, if an index is kept
    return summary


def _ids(letters: QuerySet[Letter], chunk_size: int) -> Iterator[int]:
    """The selection's ids in order, one keyset page at a time (no OFFSET, no long cursor)."""
    ids = letters.order_by("pk").values_list("pk", flat=True)
    last = 0
    while chunk := list(ids.filter(pk__gt=last)[:chunk_size]):
        yield from chunk
        last = chunk[-1]


def letter_reparse(letter_id: int, *, dry_run: bool = False) -> ReparseResult | None:
    """Re-parse one letter in a transaction of its own; None if it was deleted meanwhile."""
    with transaction.atomic():
        letter = Letter.objects.select_for_update().filter(pk=letter_id).first()
        if letter is None:
            return None
        warned = bool(letter.warning_codes)
        try:
            parsed = with_kept_case_number(
                parse_letter(letter.raw_text, file_name=letter.source_name), letter
            )
        except ParseError as exc:
            # Left as it was, warnings included.
            return ReparseResult(
                letter_id,
                ReparseStatus.FAILED,
                reason=str(exc),
                warned_before=warned,
                warned_after=warned,
            )
        new_fields = letter_fields(parsed)
        old_fields = {name: getattr(letter, name) for name in new_fields}
        old_fingerprint = letter.fingerprint
        items_before = _item_signatures(letter)
        try:
            letter_replace_parse(letter, parsed)
        except DatabaseError as exc:
            # What the new parse holds, refused (a value the schema cannot hold, a rationale too
            # long to index): letter_replace_parse's own transaction has rolled the letter back,
            # and the run goes on.
            reason = refusal(exc)
            if reason is None:
                raise
            return ReparseResult(
                letter_id,
                ReparseStatus.FAILED,
                reason=f"cannot be stored: {reason}",
                warned_before=warned,
                warned_after=warned,
            )
        items_after = _item_signatures(letter)
        same_content_as = fingerprint_replace(letter, content_fingerprint(parsed))
        if dry_run:
            transaction.set_rollback(True)
    fields = tuple(name for name, value in new_fields.items() if old_fields[name] != value)
    if letter.fingerprint != old_fingerprint:
        fields += ("fingerprint",)
    items_changed = _changed_positions(items_before, items_after)
    return ReparseResult(
        letter_id,
        ReparseStatus.CHANGED if fields or items_changed else ReparseStatus.UNCHANGED,
        fields=fields,
        items_before=len(items_before),
        items_after=len(items_after),
        items_changed=items_changed,
        same_content_as=same_content_as,
        warned_before=warned,
        warned_after=bool(new_fields["warning_codes"]),
    )


def _item_signatures(letter: Letter) -> list[tuple]:
    """Everything a parse decides about each item, in position order, as stored."""
    items = letter.items.order_by("position").prefetch_related("citations")
    return [
        (
            item.treatment,
            item.outcome,
            item.rationale,
            item.claims_administrator_basis,
            item.reviewer_basis,
            item.guideline_mismatch,
            item.warnings,
            tuple(
                (c.party, c.position, c.guideline, c.document, c.topic, tuple(c.pages), c.text)
                for c in item.citations.all()
            ),
        )
        for item in items
    ]


def _changed_positions(before: list[tuple], after: list[tuple]) -> tuple[int, ...]:
    def at(items: list[tuple], position: int) -> tuple | None:
        return items[position - 1] if position <= len(items) else None

    count = max(len(before), len(after))
    return tuple(p for p in range(1, count + 1) if at(before, p) != at(after, p))
