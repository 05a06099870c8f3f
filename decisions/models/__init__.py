"""Letters, their disputed items and guideline citations, and the ingest runs that loaded them.

Sized for the full public record (about 2 million letters, 5 million items, 10 million
citations): what the hot filters need is copied onto the item row at ingest time (see
`DisputedItem`), and the search reads narrow rows Postgres derives from the items in the same
transaction: a search entry per item (`SearchEntry`, with the full-text vector) and item counts
by facet values (`FacetCombination`, `FacetCount`).
"""

from ..facets import Guideline, Outcome
from .letters import (
    Citation,
    DisputedItem,
    Letter,
    Party,
    Sex,
    normalised_treatment,
    original_file_path,
)
from .metadata import DwcCase, MetadataBadRow, MetadataConflict, MetadataLoad
from .runs import BulkLoad, IngestDuplicate, IngestFailure, IngestRun, Upload, UploadFile
from .search import (
    FacetColumns,
    FacetCombination,
    FacetCount,
    PeriodCount,
    SearchChange,
    SearchEntry,
    SearchIndexRegistration,
)

__all__ = [
    "BulkLoad",
    "Citation",
    "DisputedItem",
    "DwcCase",
    "FacetColumns",
    "FacetCombination",
    "FacetCount",
    "Guideline",
    "IngestDuplicate",
    "IngestFailure",
    "IngestRun",
    "Letter",
    "MetadataBadRow",
    "MetadataConflict",
    "MetadataLoad",
    "Outcome",
    "Party",
    "PeriodCount",
    "SearchChange",
    "SearchEntry",
    "SearchIndexRegistration",
    "Sex",
    "Upload",
    "UploadFile",
    "normalised_treatment",
    "original_file_path",
]
