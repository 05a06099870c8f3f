"""The benchmark's own arithmetic and the environment of what it measures (the command itself
runs for minutes: see BENCHMARKS.md)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from devtools.benchmark.processes import production_environment
from devtools.benchmark.queries import Query
from devtools.benchmark.report import render
from devtools.benchmark.timing import Client, Timing, count_records
from devtools.parse_quality import QualityReport

from .helpers import django_process

RECORD = b"\nhttp://h/letters/"


def test_records_are_counted_not_lines_even_across_blocks():
    body = b"url,rationale\n" + b"".join(
        b'http://h/letters/%d/#item-1,"two\nlines"\n' % n for n in range(1, 1001)
    )
    for size in (1, 7, len(RECORD) - 1, 4096, len(body)):
        blocks = [body[i : i + size] for i in range(0, len(body), size)]
        assert count_records(blocks, RECORD) == 1000


def test_percentiles_pick_a_sample():
    timing = Timing("q", [float(n) for n in range(1, 21)])
    assert (timing.percentile(50), timing.percentile(95)) == (11.0, 19.0)


def test_the_servers_it_starts_run_the_production_settings(tmp_path):
    env = production_environment(
        "postgres://postgres@127.0.0.1:5432/imr_never_connected",
        tmp_path / "media",
        tmp_path / "index",
    )
    settings = django_process(
        env,
        """
        from django.conf import settings
        result = [
            settings.DEBUG,
            settings.SESSION_COOKIE_SECURE,
            str(settings.MEDIA_ROOT),
            str(settings.IMR_SEARCH_INDEX_DIR),
        ]
    """,
    )
    assert settings == [False, True, str(tmp_path / "media"), str(tmp_path / "index")]


def test_the_report_puts_the_peer_beside_the_app_and_says_why_where_it_is_absent():
    timings = [
        Timing("norco", [0.040] * 20, peer=[0.990] * 20),
        Timing("statistics", [0.080] * 20, peer_note="no Datasette equivalent"),
    ]
    report = render(
        letters=10,
        seed=1,
        counts={"server": "18", "letters": "10"},
        rows=[],
        timings=timings,
        repeat=20,
        quality=QualityReport(),
        counts_by_query={"norco": (12, 12, 12), "deep": (30, "the copy has no page 500", None)},
    )
    assert "| norco | 40 | 40 | 40 | 990 | 990 | 24.75 |" in report
    assert "| statistics | 80 | 80 | 80 | - | - | no Datasette equivalent |" in report
    assert "| deep | 30 | the copy has no page 500 | n/a |" in report
    assert "`_facet_array` for guidelines, documents, cited_pages" in report


def test_without_the_peer_the_report_keeps_its_columns():
    report = render(
        letters=10,
        seed=1,
        counts={"server": "18"},
        rows=[],
        timings=[Timing("norco", [0.040] * 20)],
        repeat=20,
        quality=QualityReport(),
        counts_by_query={"norco": (12, None, 12)},
    )
    assert "| norco | 40 | 40 | 40 |\n" in report
    assert "Datasette 0" not in report


class _Pages(Client):
    """Search pages 1 to 4 of a site, each with its "next" link, as the app writes it; fetched
    without a server."""

    def __init__(self) -> None:
        super().__init__("http://app", print)
        self.asked: list[str] = []

    def fetch(self, url: str) -> float:
        self.asked.append(url)
        page = int(parse_qs(urlsplit(url).query)["page"][0])
        link = f'<a href="?q=x&amp;page={page + 1}&amp;after=k{page}" rel="next">Next</a>'
        self.last_page = link.encode() if page < 4 else b""
        return 0.0


def test_the_next_pages_are_asked_by_their_links():
    site = _Pages()
    urls = site.query_urls(Query("paging", {"q": "x", "page_base": 2}), 4)
    assert [(url, site.fetch(url))[0] for url in urls] == [
        "http://app/?q=x&page=2&after=k1",
        "http://app/?q=x&page=3&after=k2",
        "http://app/?q=x&page=4&after=k3",
        "http://app/?q=x&page=5",  # past the end: no link, by number
    ]
    assert site.asked[0] == "http://app/?q=x&page=1"  # untimed, for its link
