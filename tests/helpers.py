"""What several test modules share: the fixture letters, decisions with citations, the search
run the plain way, the statements a request ran with their plans, the search's derived rows
checked against the items and the entry writes an update causes, files sent through the
upload page, and DWC metadata CSVs."""

from __future__ import annotations

import io
import re
import stat
import zipfile
from collections import Counter
from html import unescape
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from decisions import schema
from decisions.facets import FACETS, OUTCOME
from decisions.models import (
    DisputedItem,
    FacetCombination,
    FacetCount,
    Party,
    PeriodCount,
    SearchEntry,
    Upload,
)
from decisions.parsing import parse_letter
from decisions.search import item_filterset, item_search
from decisions.services.letters import reviewer_citation_columns
from tests.factories import make_citation, make_item

FIXTURE_LETTERS = Path(__file__).resolve().parent.parent / "fixtures" / "letters"
SEED_NAMES = sorted(p.name for p in FIXTURE_LETTERS.glob("*.txt"))


def seed_text(name: str) -> str:
    return (FIXTURE_LETTERS / name).read_text(encoding="utf-8")


def seed_bytes(index: int) -> bytes:
    return seed_text(SEED_NAMES[index]).encode()


def seed_variant(n: int) -> str:
    """Seed letter n % 3 with a case summary of its own: another letter, not only other bytes
    (its content fingerprint differs from every other variant's)."""
    text = seed_text(SEED_NAMES[n % 3])
    start = parse_letter(text).case_summary[:30]
    return text.replace(start, f"Copy {n}: {start}", 1)


# A parsed letter's keys in the contract's JSON, in order (decisions/parsing/CONTRACT.md).
LETTER_KEYS = [
    "layout",
    "case_number",
    "date_assigned",
    "decision_date",
    "ur_denial_date",
    "application_received",
    "reviewer",
    "patient",
    "case_summary",
    "documents_reviewed",
    "items",
    "warnings",
    "case_number_source",
]

CHRONIC_PAIN = "Chronic Pain Medical Treatment Guidelines"
LOW_BACK = "ACOEM Chapter 12 Low Back Complaints"
# Queries as people type them, none of them valid tsquery syntax: a search, never an error.
TYPED_QUERIES = ['"unclosed phrase', "-", "OR", "a & b | !c", "norco:*", "()<>"]
# Results per page over the synthetic corpus: few, so that its results span several pages.
PER_PAGE = 7


def make_decision(letter=None, *, cites=(), claims_cites=(), **fields) -> DisputedItem:
    """An item with reviewer (and claims administrator) citations, its search columns filled
    exactly as ingest fills them. `cites`: (guideline, document, pages) triples."""
    item = make_item(letter, **fields)
    for party, triples in ((Party.REVIEWER, cites), (Party.CLAIMS_ADMINISTRATOR, claims_cites)):
        for guideline, document, pages in triples:
            make_citation(item, party=party, guideline=guideline, document=document, pages=pages)
    columns = reviewer_citation_columns(item.citations.filter(party=Party.REVIEWER))
    DisputedItem.objects.filter(pk=item.pk).update(**columns)
    item.refresh_from_db()
    return item


def found(params: dict) -> list[str]:
    """Treatments listed for these parameters, in page order (all on one page)."""
    results = item_search(item_filterset(params), per_page=100)
    assert results.facets is not None, results.filterset.errors
    assert results.facets.total == len(results.items)
    return [result.item.treatment for result in results.items]


def names(decisions, *keys) -> set[str]:
    return {decisions[key].treatment for key in keys}


def filled(params: dict, corpus: dict) -> dict:
    """Parameters with "{specialty}" etc. filled from the synthetic corpus' frequent values."""
    return {key: value.format(**corpus) for key, value in params.items()}


# The export's look for a bulk load's mark (planning.Plan.counted; a search reads it in its
# settings' statement), a read of an empty table.
BULK_LOAD_LOOK = 'SELECT 1 AS "a" FROM "decisions_bulkload" LIMIT 1'


def reads(captured) -> list[str]:
    """The statements that read data: not transaction control, the search's settings or its
    look for a bulk load."""
    control = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "SELECT set_config", BULK_LOAD_LOOK)
    return [q["sql"] for q in captured if not q["sql"].lstrip().startswith(control)]


def plan_of(sql: str) -> str:
    """EXPLAIN with sequential scans off: on a corpus this small Postgres would rather read
    whole tables, so the plan shows which index it would use once they are large."""
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute(f"EXPLAIN {sql}")
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")


def links(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]*)"', html)]


def words_past_the_search_index(megabytes: float) -> str:
    """One line of about that many megabytes of words that all differ. Postgres keeps each
    distinct word of a text, with its positions, in the text's search vector, which holds at
    most 1 MB: a rationale holding 1 MB of such words cannot be indexed."""
    count = int(megabytes * 1_048_576 / 7)  # "w123456 " is 8 characters; most are shorter
    return " ".join(f"w{n}" for n in range(count))


# --- The search's derived rows, recomputed from the items ------------------------------------


COLUMNS = tuple(facet.column for facet in FACETS)


def combination(row) -> tuple:
    return tuple(tuple(v) if isinstance(v, list) else v for v in row)


def as_text(value) -> str:
    """A value as Postgres spells it in text (booleans as true and false)."""
    return str(value).lower() if isinstance(value, bool) else value


def expected_counts() -> tuple[Counter, Counter]:
    """(items by combination, FacetCount rows) recomputed from the items."""
    combinations, counts = Counter(), Counter()
    for row in DisputedItem.objects.values(*COLUMNS):
        combinations[combination(row.values())] += 1
        outcome = row[OUTCOME.column]
        values = facet_values(row)
        for given in givens(values):
            for facet, value in [("outcome", outcome), *values]:
                if given[0] != facet:
                    counts[(*given, facet, value, outcome)] += 1
    return combinations, counts


def facet_values(row: dict) -> list[tuple[str, str]]:
    """An item's (facet, value) pairs but the outcome's, as Postgres spells them."""
    return [
        (facet.name, as_text(value))
        for facet in FACETS
        if facet is not OUTCOME
        for value in (row[facet.column] if facet.array else [row[facet.column]])
        if value is not None
    ]


def givens(
    values: list[tuple[str, str]], given_facets: tuple[str, ...] = FacetCount.GIVEN_FACETS
) -> list[tuple[str, str]]:
    """The count rows' given (facet, value) pairs an item is counted under: none, and each of
    its values of a given facet (FacetCount's, or PeriodCount's)."""
    return [("", ""), *(v for v in values if v[0] in given_facets)]


def stored_counts() -> tuple[Counter, Counter]:
    combinations = Counter(
        {
            combination(row[:-1]): row[-1]
            for row in FacetCombination.objects.filter(items__gt=0).values_list(*COLUMNS, "items")
        }
    )
    counts = Counter(
        {
            row[:-1]: row[-1]
            for row in FacetCount.objects.exclude(items=0).values_list(
                "given_facet", "given_value", "facet", "value", "outcome", "items"
            )
        }
    )
    return combinations, counts


# The words an item's treatment is searched by: its heading, then its generic names.
TREATMENT = (
    "(to_tsvector('english', i.treatment)"
    " || to_tsvector('english', array_to_string(i.generic_names, ' ')))"
)


def expected_period_counts() -> Counter:
    """PeriodCount's rows recomputed from the items: (given facet, given value, first day of
    the month or None, outcome)."""
    counts: Counter = Counter()
    for row in DisputedItem.objects.values("decision_date", *COLUMNS):
        decided = row["decision_date"]
        for given in givens(facet_values(row), PeriodCount.GIVEN_FACETS):
            counts[(*given, decided and decided.replace(day=1), row[OUTCOME.column])] += 1
    return counts


def stored_period_counts() -> Counter:
    return Counter(
        {
            row[:-1]: row[-1]
            for row in PeriodCount.objects.exclude(items=0).values_list(
                "given_facet", "given_value", "month", "outcome", "items"
            )
        }
    )


def assert_derived_rows_match_the_items() -> None:
    assert stored_counts() == expected_counts()
    assert stored_period_counts() == expected_period_counts()
    assert SearchEntry.objects.count() == DisputedItem.objects.count()
    with connection.cursor() as cursor:
        # Each entry: its item's date and combination, and the vector the search always used
        # (the treatment's first, at its own positions: the search index relies on it).
        cursor.execute(
            f"""
            SELECT count(*) FROM decisions_disputeditem AS i
            JOIN decisions_searchentry AS e ON e.item_id = i.id
            JOIN decisions_facetcombination AS c ON c.id = e.combination_id
            WHERE e.decision_date IS NOT DISTINCT FROM i.decision_date
              AND ({schema.columns("c")}) IS NOT DISTINCT FROM ({schema.columns("i")})
              AND e.search_vector = setweight({TREATMENT}, 'A')
                                    || setweight(to_tsvector('english', i.rationale), 'B')
              AND e.treatment_vector = {TREATMENT}
              AND e.generic_names IS NOT DISTINCT FROM nullif(i.generic_names, '{{}}')
            """
        )
        assert cursor.fetchone()[0] == DisputedItem.objects.count()


def row_writes(table: str = "decisions_searchentry") -> Counter:
    """Rows of `table` (search entries) inserted, updated and deleted so far in this
    transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables"
            " WHERE relid = %s::regclass",
            [table],
        )
        return Counter(
            dict(zip(("inserted", "updated", "deleted"), cursor.fetchone(), strict=True))
        )


def entry_writes_of(update, table: str = "decisions_searchentry") -> dict[str, int]:
    """The writes of `table` (search entries) `update` (a callable) caused."""
    before = row_writes(table)
    update()
    return dict(row_writes(table) - before)


# --- Files sent through the upload page -----------------------------------------------------


UPLOAD_URL = "/upload/"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def as_upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def zip_of(
    entries: dict[str, bytes],
    compression: int = zipfile.ZIP_DEFLATED,
    *,
    links: dict[str, str] | None = None,
) -> bytes:
    """A ZIP of `entries` (a name ending in "/" is a folder), then `links`: symbolic links,
    name to target, as Unix's zip stores them (the file type in the external attributes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            if name.endswith("/"):
                archive.writestr(zipfile.ZipInfo(name), b"")
            else:
                archive.writestr(name, data)
        for name, target in (links or {}).items():
            link = zipfile.ZipInfo(name)
            link.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(link, target)
    return buffer.getvalue()


def send(client, *files: tuple[str, bytes]):
    return client.post(UPLOAD_URL, {"files": [as_upload(name, data) for name, data in files]})


def post(client, *files: tuple[str, bytes]):
    """Upload the files, and follow the redirect to the upload's page (POST/redirect/GET)."""
    response = send(client, *files)
    assert response.status_code == 302
    upload = Upload.objects.latest("pk")
    assert response["Location"] == f"/upload/{upload.pk}/"
    return client.get(response["Location"])


def report_rows(response) -> list[tuple[str, str, object]]:
    """(file name, status, letter or reason) per row of the report, in order."""
    return [
        (file.name, file.status, file.letter or file.reason) for file in response.context["files"]
    ]


# --- The DWC's metadata CSV ------------------------------------------------------------------


DWC_HEADER = (
    "case_number,decision_date,date_of_injury,received_date,specialty,category,subcategory,"
    "decision\n"
)
DWC_CASE = "CM15-0000001"


def letter_file(folder: Path, name: str, seed: int = 0) -> Path:
    """A fixture letter written under `name` (named by a case number, it carries that number)."""
    path = folder / name
    path.write_text(seed_text(SEED_NAMES[seed]), encoding="utf-8")
    return path


def dwc_rows_agreeing_with(letter, decision_date: str = "03/02/2015") -> str:
    """One row per item, agreeing with the letter on everything it states."""
    injured = letter.date_of_injury.strftime("%m/%d/%Y") if letter.date_of_injury else ""
    return "".join(
        f"{letter.case_number},{decision_date},{injured},2015-01-20,"
        f"{letter.reviewer_specialty or ''},Category {item.position},Sub {item.position},"
        f"{item.outcome}\n"
        for item in letter.items.order_by("position")
    )
