"""Preparations that misbehave, for tests to put in place of the ingest service's `prepare`.

The service prepares files in worker processes, where a test's monkeypatching does not reach:
the function itself travels there, by name, so it must live in a module the workers can import
without Django set up. This is that module (pure Python, like `decisions.preparation`).
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import replace
from pathlib import Path
from unittest import mock

from decisions import preparation
from decisions.parsing import Letter as ParsedLetter
from decisions.parsing import ParseWarning


def with_overlong_specialty(parse):
    """Wrap a parse function so the Neurology seed gets a specialty too long for its column:
    a parse the database refuses, for tests of per-letter failure."""

    def parse_with_overlong_specialty(text, **options):
        parsed = parse(text, **options)
        if parsed.reviewer.specialty != "Neurology":
            return parsed
        return replace(parsed, reviewer=replace(parsed.reviewer, specialty="x" * 500))

    return parse_with_overlong_specialty


def prepare_with_overlong_specialty(file, **options):
    """`prepare`, with the Neurology seed's specialty too long for its column."""
    parse = with_overlong_specialty(preparation.parse_letter)
    with mock.patch.object(preparation, "parse_letter", parse):
        return preparation.prepare(file, **options)


# Warnings as the parser words them (decisions/parsing/model.py), for tests of what happens to
# them after parsing: today's parser writes none. The quote is hostile, as letter text may be.
SPECIALTY_WARNING = ParseWarning(
    code="specialty-unknown",
    field="reviewer.specialty",
    message="The specialty is not in the vocabulary; it is kept as written.",
    quote="Occupational Medicine",
)
CITATION_WARNING = ParseWarning(
    code="basis-sentence-unread",
    field="items[1].reviewer_basis",
    message="A sentence of the basis names no guideline the parser knows.",
    quote='<script>alert("x")</script> Decision based on the Guide of Guides',
)


def warned(parsed: ParsedLetter) -> ParsedLetter:
    """`parsed` with a warning about its specialty and one about its first item's basis."""
    first = replace(parsed.items[0], warnings=(CITATION_WARNING,))
    return replace(parsed, warnings=(SPECIALTY_WARNING,), items=(first, *parsed.items[1:]))


def with_warnings(parse):
    """Wrap a parse function so the Occupational Medicine seed comes with warnings (`warned`)."""

    def parse_with_warnings(text, **options):
        parsed = parse(text, **options)
        return warned(parsed) if parsed.reviewer.specialty == "Occupational Medicine" else parsed

    return parse_with_warnings


def prepare_with_warnings(file, **options):
    """`prepare`, with warnings on the Occupational Medicine seed (`warned`)."""
    parse = with_warnings(preparation.parse_letter)
    with mock.patch.object(preparation, "parse_letter", parse):
        return preparation.prepare(file, **options)


def prepare_with_warnings_and_overlong_specialty(file, **options):
    """`prepare`, with warnings on the Occupational Medicine seed and the Neurology seed's
    specialty too long for its column."""
    parse = with_warnings(with_overlong_specialty(preparation.parse_letter))
    with mock.patch.object(preparation, "parse_letter", parse):
        return preparation.prepare(file, **options)


def with_canonical_neurology(parse):
    """Wrap a parse function so the Neurology seed is worded "NEUROLOGY" and names its
    canonical specialty and subspecialty, as the parser's vocabulary will."""

    def parse_with_canonical_neurology(text, **options):
        parsed = parse(text, **options)
        reviewer = parsed.reviewer
        if reviewer.specialty == "Neurology":
            reviewer = replace(reviewer, specialty="NEUROLOGY", specialty_canonical="Neurology")
            reviewer = replace(reviewer, subspecialty_canonical="Neuromuscular Medicine")
        return replace(parsed, reviewer=reviewer)

    return parse_with_canonical_neurology


def prepare_with_canonical_neurology(file, **options):
    """`prepare`, with the Neurology seed's specialty worded and named canonically."""
    parse = with_canonical_neurology(preparation.parse_letter)
    with mock.patch.object(preparation, "parse_letter", parse):
        return preparation.prepare(file, **options)


def parse_a_huge_number(text, **options):
    """What a parser that trusts a letter's digits does with 5,000 of them: ValueError."""
    return int("9" * 5000)


class Unreadable:
    """Sent back from a worker fine, and refuses to be read back: the pool's pipe breaks."""

    def __reduce__(self):
        return _refuse, ()


def _refuse():
    raise TypeError("this object cannot be read back")


def misbehaving_prepare(file, **options):
    """`prepare`, except for a file named after a misbehaviour: it does what its name says."""
    name = Path(file.name).stem
    if name == "sleeps":
        time.sleep(600)
    elif name == "ignores_alarm":
        # As code that never returns to the interpreter (a C extension's loop): the worker's
        # alarm cannot interrupt it, only the chunk's budget running out can.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(600)
    elif name == "killed":
        os.kill(os.getpid(), signal.SIGKILL)
    elif name == "exits":
        os._exit(3)
    elif name == "killed_from_outside":
        # Says which process reads it, in a file beside it, and waits for the test to kill it.
        announced = Path(f"{file.path}.pid")
        partial = Path(f"{file.path}.pid.partial")
        partial.write_text(str(os.getpid()))
        partial.rename(announced)
        time.sleep(600)
    elif name == "raises":
        raise RuntimeError("escaped the preparation")
    elif name == "unreadable":
        return Unreadable()
    elif name == "huge_number":
        with mock.patch.object(preparation, "parse_letter", parse_a_huge_number):
            return preparation.prepare(file, **options)
    return preparation.prepare(file, **options)
