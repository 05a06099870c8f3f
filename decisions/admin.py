"""The Django admin: a read-only window on what ingest stored and its runs, with re-parsing.

Letters, items and citations are what the parser read from each letter's stored text, so the
admin shows them without editing them: a hand edit would drift from the letter values that item
rows copy for the search, and the next re-parse would silently undo it. Corrections come from
the parser and the re-parse action; new letters come only through the ingest service (the upload
page or the `ingest` command). Nothing is deleted here either: the letters are public records,
a deleted letter would come back with the next ingest of its folder, and the ingest runs are
the record of what was loaded, when and by whom.

Sized for two million letters and five million items: list pages select related rows in the same
query without their long text, count a letter's items only for the rows shown, and never count
the whole table twice (`show_full_result_count = False`).

The letter list is also the review queue of what the parser did not understand: filtered to the
letters with warnings, or with one warning code (each with its number of letters), and a
warned letter's page shows its warnings beside its text, each quote marked where it stands.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar, TypedDict

from django.contrib import admin, messages
from django.db.models import Count, Model, OuterRef, QuerySet, Subquery
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .middleware import INGEST_PERMISSION
from .models import (
    Citation,
    DisputedItem,
    DwcCase,
    IngestFailure,
    IngestRun,
    Letter,
    MetadataBadRow,
    MetadataConflict,
    MetadataLoad,
)
from .parsing.case_numbers import canonical
from .selectors.letters import WarningNote, letters_warnings, warning_code_counts
from .services.reparse import ReparseResult, ReparseStatus, letters_reparse

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class ItemsCount(TypedDict):
    """What LetterAdmin's list rows are annotated with; None for a letter without items."""

    items_count: int | None


# A re-parse runs inside the admin's request; more than this belongs to `manage.py reparse`.
ADMIN_REPARSE_MAX = 500
# Failures listed on a run's admin page; the ingest history pages through all of them.
RUN_FAILURES_SHOWN = 100


class ReadOnlyAdminMixin:
    """Shown, never added, edited or deleted here (see the module docstring for why)."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class WarningFilter(admin.SimpleListFilter):
    """The review queue: letters with any warning, or with one code, with how many have each."""

    title = "parser warnings"
    parameter_name = "warning"
    ANY = "any"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        codes = [(code, f"{code} ({letters:,})") for code, letters in warning_code_counts()]
        return [(self.ANY, "With any warning"), *codes]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Letter]) -> QuerySet[Letter]:
        if self.value() is None:
            return queryset
        warned = queryset.exclude(warning_codes=[])
        if self.value() == self.ANY:
            return warned
        # Among the warned letters, so that the page's count can read the warned letters'
        # index alone (an index-only scan) rather than each matching letter's wide row.
        return warned.filter(warning_codes__contains=[self.value()])


def text_with_quotes_marked(text: str, notes: Iterable[WarningNote]) -> tuple[SafeString, set[int]]:
    """The text escaped, each note's quote marked (<mark id="warning-N">, N counting the notes
    from 1) where it first stands; and the numbers of the notes marked.

    A quote is found word for word, any run of white space matching any other (the parser
    reflows lines), a cut quote's trailing ellipsis aside. Of overlapping quotes, the first
    is marked; a quote not found is not marked.
    """
    spans = []
    for number, note in enumerate(notes, start=1):
        words = note.quote.removesuffix("…").removesuffix("...").split()
        found = words and re.search(r"\s+".join(map(re.escape, words)), text)
        if found:
            spans.append((found.start(), found.end(), number))
    html, at, marked = [], 0, set()
    for start, end, number in sorted(spans):
        if start < at:
            continue
        html += [escape(text[at:start]), f'<mark id="warning-{number}">', escape(text[start:end])]
        html.append("</mark>")
        at = end
        marked.add(number)
    html.append(escape(text[at:]))
    return mark_safe("".join(html)), marked


class DisputedItemInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The letter's items, each treatment a link to the item's admin page and its citations.

    Django's own links ("View", and "View on site" for a model with a URL) would sit side by
    side after every item and read "View View on site"; the item's page has the site link.
    """

    model = DisputedItem
    fields = ("position", "item_page", "outcome", "reviewer_basis", "warning_codes")
    readonly_fields = ("item_page", "warning_codes")
    extra = 0
    can_delete = False
    view_on_site = False

    @admin.display(description="Treatment")
    def item_page(self, item: DisputedItem) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:decisions_disputeditem_change", args=[item.pk]),
            item.treatment,
        )

    @admin.display(description="Warnings")
    def warning_codes(self, item: DisputedItem) -> str:
        return ", ".join(warning["code"] for warning in item.warnings)


@admin.register(Letter)
class LetterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "title",
        "reviewer_specialty",
        "items_count",
        "warnings_shown",
        "loaded_at",
        "ingest_run",
    )
    list_select_related = ("ingest_run",)
    list_filter = (WarningFilter, "layout", "reviewer_specialty", "loaded_at")
    search_fields = ("case_number", "source_name", "sha256")
    ordering = ("-id",)
    show_full_result_count = False
    actions = ("reparse",)
    inlines = (DisputedItemInline,)
    readonly_fields = ("original", "warnings_beside_text")
    fieldsets = (
        (
            "Source",
            {
                "fields": (
                    "source_name",
                    "original",
                    "sha256",
                    "layout",
                    "ingest_run",
                    "loaded_at",
                    "parsed_at",
                )
            },
        ),
        (
            "Header",
            {
                "fields": (
                    "case_number",
                    "date_assigned",
                    "decision_date",
                    "ur_denial_date",
                    "application_received",
                )
            },
        ),
        (
            "Reviewer and patient",
            {
                "fields": (
                    "reviewer_specialty",
                    "reviewer_subspecialty",
                    "reviewer_specialty_canonical",
                    "reviewer_subspecialty_canonical",
                    "reviewer_licensed_in",
                    "patient_age",
                    "patient_sex",
                    "date_of_injury",
                )
            },
        ),
        ("Text", {"fields": ("case_summary", "documents_reviewed")}),
        ("Original text", {"fields": ("raw_text",), "classes": ("collapse",)}),
    )

    class Media:
        css: ClassVar[dict[str, tuple[str, ...]]] = {"all": ("decisions/admin.css",)}

    def get_fieldsets(self, request: HttpRequest, obj: Letter | None = None) -> tuple:
        """A warned letter opens on its warnings beside its text, which then stands there
        rather than in the folded "Original text"."""
        if obj is None or not obj.warning_codes:
            return self.fieldsets
        warnings = ("Parser warnings", {"fields": ["warnings_beside_text"]})
        return (warnings, *self.fieldsets[:-1])

    def get_queryset(self, request: HttpRequest) -> QuerySet[Letter]:
        # A correlated subquery is evaluated for the page's rows only; Count("items") with a
        # GROUP BY would aggregate five million items before the page is cut.
        items = (
            DisputedItem.objects.filter(letter=OuterRef("pk"))
            .order_by()
            .values("letter")
            .annotate(n=Count("*"))
            .values("n")
        )
        return super().get_queryset(request).annotate(items_count=Subquery(items))

    @admin.display(description="Case number or source", ordering="case_number")
    def title(self, letter: Letter) -> str:
        return letter.case_number or letter.source_name

    @admin.display(description="Items", ordering="items_count")
    def items_count(self, letter: WithAnnotations[Letter, ItemsCount]) -> int:
        return letter.items_count or 0

    @admin.display(description="Warnings")
    def warnings_shown(self, letter: Letter) -> str:
        return ", ".join(letter.warning_codes)

    @admin.display(description="What the parser did not understand, beside the letter's text")
    def warnings_beside_text(self, letter: Letter) -> SafeString:
        notes = letters_warnings([letter.pk]).get(letter.pk, [])
        text, marked = text_with_quotes_marked(letter.raw_text, notes)
        listed = format_html_join(
            "\n",
            "<li><code>{}</code> {}<br>{}<br><q>{}</q> {}</li>",
            (
                (
                    note.code,
                    f"item {note.item}, {note.field}" if note.item else note.field,
                    note.message,
                    note.quote,
                    format_html('<a href="#warning-{}">marked in the text</a>', number)
                    if number in marked
                    else "(not found in the text)",
                )
                for number, note in enumerate(notes, start=1)
            ),
        )
        return format_html(
            '<div class="warning-review"><ol class="warning-review__list">{}</ol>'
            '<pre class="warning-review__text">{}</pre></div>',
            listed,
            text,
        )

    @admin.display(description="Original file")
    def original(self, letter: Letter) -> str:
        return format_html(
            '<a href="{}">Download ({})</a>',
            reverse("decisions:letter-original", args=[letter.pk]),
            letter.get_original_kind_display(),
        )

    def has_ingest_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(INGEST_PERMISSION)

    @admin.action(
        description="Re-parse selected letters from their stored text", permissions=["ingest"]
    )
    def reparse(self, request: HttpRequest, queryset: QuerySet[Letter]) -> None:
        selected = queryset.count()
        if selected > ADMIN_REPARSE_MAX:
            self.message_user(
                request,
                f"{selected:,} letters selected; the admin re-parses at most "
                f"{ADMIN_REPARSE_MAX:,} at a time. Use `manage.py reparse` for more.",
                messages.ERROR,
            )
            return
        results: list[ReparseResult] = []
        summary = letters_reparse(queryset, on_result=results.append)
        for result in results:
            if result.status is ReparseStatus.FAILED:
                self.message_user(request, result.describe(), messages.WARNING)
            elif result.status is ReparseStatus.CHANGED:
                self.message_user(request, result.describe(), messages.INFO)
        level = messages.WARNING if summary.failed else messages.SUCCESS
        self.message_user(
            request,
            f"Re-parsed {selected} letters: {summary.describe()}; {summary.describe_warnings()}.",
            level,
        )


class CitationInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Citation
    fields = ("party", "position", "guideline", "document", "topic", "pages", "text")
    extra = 0
    can_delete = False


@admin.register(DisputedItem)
class DisputedItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("treatment", "outcome", "letter", "reviewer_specialty_canonical")
    list_filter = ("outcome",)
    search_fields = ("treatment",)
    show_full_result_count = False
    inlines = (CitationInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[DisputedItem]:
        return (
            super()
            .get_queryset(request)
            .select_related("letter")
            .defer("letter__raw_text", "letter__case_summary")
        )


@admin.register(Citation)
class CitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("text", "guideline", "document", "party", "item")
    list_filter = ("guideline", "party")
    search_fields = ("document", "topic")
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Citation]:
        return (
            super()
            .get_queryset(request)
            .select_related("item")
            .defer(
                "item__rationale",
                "item__claims_administrator_basis",
                "item__reviewer_basis",
            )
        )


class FirstFailuresFormSet(BaseInlineFormSet):
    """One command run can record thousands of failures; the admin page lists the first ones."""

    def get_queryset(self) -> QuerySet[IngestFailure]:
        if not hasattr(self, "_first_failures"):
            self._first_failures = super().get_queryset()[:RUN_FAILURES_SHOWN]
        return self._first_failures


class IngestFailureInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = IngestFailure
    formset = FirstFailuresFormSet
    fields = ("source_name", "reason")
    extra = 0
    can_delete = False
    verbose_name_plural = (
        f"Failures (the first {RUN_FAILURES_SHOWN}; the ingest history lists them all)"
    )


@admin.register(IngestRun)
class IngestRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "started_at",
        "origin",
        "user",
        "shown_status",
        "created",
        "duplicates",
        "failed",
    )
    list_filter = ("origin",)
    list_select_related = ("user",)
    inlines = (IngestFailureInline,)
    readonly_fields = ("history_page", "shown_status")
    fields = (
        "history_page",
        "origin",
        "user",
        "sources",
        "shown_status",
        "started_at",
        "finished_at",
        "heartbeat_at",
        "created",
        "duplicates",
        "failed",
    )

    @admin.display(description="Status")
    def shown_status(self, run: IngestRun) -> str:
        """A run that stopped beating shows as interrupted, whatever its stored status says."""
        return run.get_state_display()

    @admin.display(description="Ingest history")
    def history_page(self, run: IngestRun) -> str:
        return format_html(
            '<a href="{}">This run in the ingest history</a>',
            reverse("decisions:history-run", args=[run.pk]),
        )


class CaseNumberSearch:
    """Search by case number however it is typed ("cm150123456" finds CM15-0123456)."""

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        term = canonical(search_term) or search_term
        return super().get_search_results(request, queryset, term)  # type: ignore[misc]


@admin.register(MetadataConflict)
class MetadataConflictAdmin(CaseNumberSearch, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Where the DWC's metadata and a letter disagree (the letter's value stands): the list an
    admin checks after `apply_metadata` or a metadata upload, by field, by case number, or by
    the file that disagrees (`?source_name=`, which a metadata upload's page links)."""

    list_display = (
        "case_number",
        "field",
        "position",
        "letter_value",
        "dwc_value",
        "letter_link",
        "source_name",
    )
    list_filter = ("field",)
    search_fields = ("=case_number",)
    show_full_result_count = False

    @admin.display(description="Letter")
    def letter_link(self, conflict: MetadataConflict) -> SafeString:
        return format_html(
            '<a href="{}">letter {}</a>', conflict.letter.get_absolute_url(), conflict.letter_id
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[MetadataConflict]:
        return (
            super()
            .get_queryset(request)
            .select_related("letter")
            .only(*(f.name for f in MetadataConflict._meta.concrete_fields), "letter__id")
        )


@admin.register(DwcCase)
class DwcCaseAdmin(CaseNumberSearch, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The DWC's rows as loaded, per case, also for letters not stored yet."""

    list_display = ("case_number", "decision_date", "received_date", "specialty", "source_name")
    search_fields = ("=case_number",)
    show_full_result_count = False


@admin.register(MetadataLoad)
class MetadataLoadAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Uploaded DWC metadata files and what each did; the upload's page has the details."""

    list_display = (
        "__str__",
        "state",
        "rows",
        "letters",
        "pending",
        "conflicts",
        "skipped",
        "upload_page",
    )
    list_select_related = ("upload",)

    @admin.display(description="State")
    def state(self, load: MetadataLoad) -> str:
        return load.upload.get_state_display()

    @admin.display(description="Upload page")
    def upload_page(self, load: MetadataLoad) -> SafeString:
        return format_html(
            '<a href="{}">upload {}</a>', load.upload.get_absolute_url(), load.upload_id
        )


@admin.register(MetadataBadRow)
class MetadataBadRowAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every row of an uploaded metadata file that could not be read, by file and line."""

    list_display = ("load", "line", "case_number", "reason")
    list_filter = ("load",)
    list_select_related = ("load__upload",)
    search_fields = ("=case_number",)
    show_full_result_count = False

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        """Let the "By load" filter's own links through. A load's key is its upload (a one-to-one
        primary key), so the filter writes `load__upload__exact`, which Django's check takes for
        a lookup across two relations and refuses with a 400.
        """
        return lookup == "load__upload__exact" or super().lookup_allowed(lookup, value, request)
