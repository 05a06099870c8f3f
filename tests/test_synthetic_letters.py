"""The synthetic corpus: reproducible, realistically distributed, and its expected parses are
what the letters say.

No database and no Django: run with `pytest tests/test_synthetic_letters.py -p no:django`.
The consistency checks reflow each letter with a deliberately naive reader (undo the
extraction artifacts, join lines, split at the one-space paragraph lines) and demand that
every expected paragraph is one of the letter's paragraphs, so an expected dict that the
text does not support fails here rather than in the parser's tests.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path

from decisions.guidelines import ACOEM_CHAPTERS, CHRONIC_PAIN, POSTSURGICAL
from devtools.synthetic import generate_letter, letter_path, write_corpus

SEED = 20260101
SAMPLE = 2000
ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "letters"

TYPOGRAPHIC = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})
LETTER_KEYS = [
    "layout", "case_number", "date_assigned", "decision_date", "ur_denial_date", "application_received",
    "reviewer", "patient", "case_summary", "documents_reviewed", "items",
]
HEADER_DATES = ("date_assigned", "decision_date", "ur_denial_date", "application_received")
ITEM_KEYS = ["treatment", "outcome", "rationale", "claims_administrator_basis", "reviewer_basis"]
CITATION_KEYS = ["guideline", "document", "topic", "pages", "text"]
MTUS_DOCUMENTS = {CHRONIC_PAIN, POSTSURGICAL} | {f"ACOEM Chapter {n} {title}" for n, title in ACOEM_CHAPTERS.items()}


@cache
def corpus() -> tuple[tuple[str, dict], ...]:
    return tuple(generate_letter(SEED, index) for index in range(SAMPLE))


def paragraphs(text: str) -> list[str]:
    """The letter's paragraphs as a reader sees them, whatever the extraction did."""
    text = text.replace("\r\n", "\n").replace("\f", "").translate(TYPOGRAPHIC)
    result: list[str] = []
    current = ""
    for line in text.split("\n"):
        if line == "":
            continue  # the double spacing and page-break residue
        if not line.strip():
            if current.strip():
                result.append(" ".join(current.split()))
            current = ""
        elif current.endswith("-"):
            current += line  # "L5-" / "S1"
        else:
            current += " " + line
    if current.strip():
        result.append(" ".join(current.split()))
    return result


@cache
def all_items() -> tuple[dict, ...]:
    return tuple(item for _, expected in corpus() for item in expected["items"])


def citations_of(item: dict) -> list[dict]:
    return item["claims_administrator_basis"]["citations"] + item["reviewer_basis"]["citations"]


# --- Determinism ----------------------------------------------------------------------------


def test_same_seed_and_index_give_the_same_bytes():
    for index in (0, 1, 17, 999):
        assert generate_letter(SEED, index) == generate_letter(SEED, index)
        assert generate_letter(SEED, index)[0] == corpus()[index][0]


def test_different_seeds_and_indexes_give_different_letters():
    assert generate_letter(SEED, 5)[0] != generate_letter(SEED + 1, 5)[0]
    assert generate_letter(SEED, 5)[0] != generate_letter(SEED, 6)[0]
    assert len({text for text, _ in corpus()}) == SAMPLE


def test_write_corpus_writes_the_generated_letters_and_nothing_else(tmp_path: Path):
    stats = write_corpus(tmp_path, 1203, SEED, workers=2, with_truth=True)
    assert stats.letters == 1203
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0000", "0001"]
    assert len(list((tmp_path / "0000").iterdir())) == 2000  # 1,000 letters and their truths
    assert len(list((tmp_path / "0001").iterdir())) == 406
    for index in (0, 999, 1000, 1202):
        text, expected = generate_letter(SEED, index)
        assert letter_path(tmp_path, index).read_bytes() == text.encode("utf-8")
        assert letter_path(tmp_path, index, ".json").exists()
    assert stats.items == sum(len(generate_letter(SEED, i)[1]["items"]) for i in range(1203))


def test_write_corpus_does_not_depend_on_the_worker_count(tmp_path: Path):
    write_corpus(tmp_path / "one", 1100, 3, workers=1)
    write_corpus(tmp_path / "two", 1100, 3, workers=2)
    for index in (0, 500, 1099):
        assert letter_path(tmp_path / "one", index).read_bytes() == letter_path(tmp_path / "two", index).read_bytes()
    assert not letter_path(tmp_path / "one", 0, ".json").exists()


def test_generate_corpus_command(tmp_path: Path):
    """The command end to end, in its own process: no database, no test settings."""
    env = {**os.environ, "DEBUG": "1"}
    command = [sys.executable, "manage.py", "generate_corpus", str(tmp_path), "--letters", "30", "--seed", "9", "--workers", "2", "--with-truth"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert re.search(r"^30 letters written to .+ letters/s", done.stdout)
    text, expected = generate_letter(9, 29)
    assert letter_path(tmp_path, 29).read_bytes() == text.encode("utf-8")
    assert json.loads(letter_path(tmp_path, 29, ".json").read_text()) == expected
    refused = subprocess.run([*command[:5], "0", *command[6:]], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0 and "--letters" in refused.stderr


# --- Distributions --------------------------------------------------------------------------


def test_items_per_letter_and_outcomes_are_realistic():
    counts = Counter(len(expected["items"]) for _, expected in corpus())
    assert set(counts) == set(range(1, 9))
    assert counts.most_common(2)[0][0] in (1, 2) and counts.most_common(2)[1][0] in (1, 2)
    items = all_items()
    assert 2.15 <= len(items) / SAMPLE <= 2.55
    overturned = sum(item["outcome"] == "overturned" for item in items) / len(items)
    assert 0.08 <= overturned <= 0.13


def test_layout_mix():
    layouts = Counter(expected["layout"] for _, expected in corpus())
    assert 0.75 <= layouts["standard"] / SAMPLE <= 0.85
    assert 0.11 <= layouts["case-header"] / SAMPLE <= 0.19
    assert 0.03 <= layouts["notice-2013"] / SAMPLE <= 0.07
    documented = [e for _, e in corpus() if e["documents_reviewed"] is not None]
    assert {e["layout"] for e in documented} == {"case-header"}
    assert 0.3 <= len(documented) / layouts["case-header"] <= 0.7


def test_request_mix_and_search_terms():
    items = all_items()
    treatments = [item["treatment"].lower() for item in items]

    def share(*words: str) -> float:
        return sum(any(w in t for w in words) for t in treatments) / len(items)

    pharmaceutical = share("mg", "mcg", "cream", "gel", "patch", "compound", "medrol", "theramine", "sentra", "trepadone", "vitamin", "fioricet", "testosterone", "androgel", "tylenol", "ambien", "terocin")
    opioids = share("norco", "hydrocodone", "percocet", "oxycodone", "oxycontin", "tramadol", "ultram", "codeine", "morphine", "ms contin", "methadone", "dilaudid", "opana", "fentanyl", "duragesic", "butrans", "nucynta")
    assert 0.28 <= pharmaceutical <= 0.42
    assert 0.2 <= opioids / pharmaceutical <= 0.33
    assert 0.08 <= sum(bool(re.search(r"epidural|\besi\b", t)) for t in treatments) / len(items) <= 0.13
    assert 0.04 <= share("norco") <= 0.08
    assert 0.01 <= share("functional restoration") <= 0.03
    assert share(" x 12 sessions", " x 12") > 0
    letters_with = Counter()
    for text, _ in corpus():
        flat = " ".join(" ".join(paragraphs(text)).lower().split())
        for term in ("epidural steroid injection", "norco", "functional restoration program", "testosterone", "medically necessary"):
            letters_with[term] += term in flat
    assert letters_with["medically necessary"] / SAMPLE >= 0.97
    assert 0.1 <= letters_with["epidural steroid injection"] / SAMPLE <= 0.3
    assert 0.1 <= letters_with["norco"] / SAMPLE <= 0.3
    assert 0.02 <= letters_with["functional restoration program"] / SAMPLE <= 0.07
    assert 0 < letters_with["testosterone"] / SAMPLE <= 0.005


def test_reviewers_look_like_the_published_mix():
    reviewers = [expected["reviewer"] for _, expected in corpus()]
    specialties = Counter(r["specialty"].replace("&", "and") for r in reviewers)
    top_five = {name for name, _ in specialties.most_common(5)}
    assert {"Physical Medicine and Rehabilitation", "Occupational Medicine", "Orthopedic Surgery", "Anesthesiology"} <= top_five
    assert {"Neurology", "Psychiatry", "Chiropractor", "Emergency Medicine", "Family Practice", "Internal Medicine"} <= set(specialties)
    assert any(r["subspecialty"] in ("Pain Medicine", "Pain Management") for r in reviewers if r["specialty"] == "Anesthesiology")
    california_only = sum(r["licensed_in"] == ["California"] for r in reviewers) / len(reviewers)
    assert 0.8 <= california_only <= 0.95
    assert any(len(r["licensed_in"]) > 1 for r in reviewers)
    texts = [text for text, _ in corpus()]
    assert any("Certification(s)/Specialty:" in t for t in texts)
    assert any("is Board Certified in" in t for t in texts)


def test_guideline_families_differ_for_a_fifth_of_the_items():
    items = all_items()

    def family(basis: dict) -> str | None:
        return basis["citations"][0]["guideline"] if basis["citations"] else None

    differ = sum(family(i["claims_administrator_basis"]) != family(i["reviewer_basis"]) for i in items) / len(items)
    assert 0.15 <= differ <= 0.25


def test_every_variant_of_the_record_is_present():
    texts = [text for text, _ in corpus()]
    items = all_items()
    citations = [c for item in items for c in citations_of(item)]
    bases = [item[key]["text"] for item in items for key in ("claims_administrator_basis", "reviewer_basis")]
    patients = [expected["patient"] for _, expected in corpus()]
    assert {c["guideline"] for c in citations} == {"MTUS", "ODG", "ACOEM", "OTHER"}
    assert any(c["guideline"] == "MTUS" and c["document"] is None for c in citations)
    assert any(c["document"] == POSTSURGICAL for c in citations)
    assert any(" of 127" in c["text"] for c in citations)
    assert any(len(c["pages"]) > 1 for c in citations)
    assert any(re.search(r"Page\(s\): \d+, ?[A-Za-z]", b) for b in bases)  # several citations in one paragraph
    assert any(b.startswith("The Claims Administrator did not base their decision on the MTUS.") and "Non-MTUS Citation" in b for b in bases)
    assert any(b.startswith("The Expert Reviewer did not base their decision on the MTUS.") for b in bases)
    assert any(b == "The Claims Administrator did not cite any medical evidence for its decision." for b in bases)
    assert any(all(v is None for v in p.values()) for p in patients)
    assert any(p["age"] and p["sex"] is None for p in patients)
    assert {p["sex"] for p in patients} == {"male", "female", None}
    assert any(re.search(r"^ is a \d+", t, re.M) for t in texts)  # redaction hole before the name
    assert any(len(item["treatment"]) > 95 for item in items)  # wraps onto a second line
    joined = "".join(item["treatment"] for item in items)
    assert all(ch in joined for ch in ",/#:")
    artifacts = {
        "crlf": sum("\r\n" in t for t in texts),
        "form_feed": sum("\f" in t for t in texts),
        "long_residue": sum(bool(re.search(r"\S[^\S\n]*\r?\n(\r?\n){5,}\S", t)) for t in texts),
        "hyphen_break": sum(bool(re.search(r"\w-\r?\n", t)) for t in texts),
        "typographic": sum(bool(re.search("[\u2019\u201c\u201d\u2013\u2014]", t)) for t in texts),
        "single_spaced": sum(bool(re.search(r"\S \r?\n\S", t)) for t in texts),
    }
    for name, count in artifacts.items():
        assert 0.01 <= count / SAMPLE <= 0.08, name


def test_dates_are_spread_and_in_process_order():
    years = Counter()
    for _, expected in corpus():
        if expected["layout"] == "standard":
            assert all(expected[key] is None for key in HEADER_DATES + ("case_number",))
            continue
        dates = [expected["patient"]["date_of_injury"], expected["ur_denial_date"], expected["application_received"], expected["date_assigned"], expected["decision_date"]]
        known = [date.fromisoformat(d) for d in dates if d]
        assert known == sorted(known) and len(set(known)) == len(known)
        decision = date.fromisoformat(expected["decision_date"])
        years[decision.year] += 1
        if expected["layout"] == "notice-2013":
            assert decision.year == 2013 and expected["date_assigned"] is None and expected["case_number"].startswith("CM13-")
        else:
            assert expected["case_number"][2:4] == expected["date_assigned"][2:4]  # CM<year assigned>-
    assert set(years) == set(range(2013, 2027))


# --- The expected parse ---------------------------------------------------------------------


def assert_clean(value: str) -> None:
    assert value and value == value.strip() and "  " not in value and "\n" not in value and value.isascii(), value


def test_expected_dicts_have_the_contract_shape():
    for text, expected in corpus():
        assert list(expected) == LETTER_KEYS
        assert expected["layout"] in ("standard", "case-header", "notice-2013")
        for key in HEADER_DATES:
            assert expected[key] is None or date.fromisoformat(expected[key])
        assert expected["case_number"] is None or re.fullmatch(r"CM\d\d-\d{7}", expected["case_number"])
        reviewer, patient = expected["reviewer"], expected["patient"]
        assert list(reviewer) == ["specialty", "subspecialty", "licensed_in"] and list(patient) == ["age", "sex", "date_of_injury"]
        assert_clean(reviewer["specialty"])
        assert reviewer["subspecialty"] is None or reviewer["subspecialty"].strip() == reviewer["subspecialty"]
        assert reviewer["licensed_in"] and all(isinstance(s, str) for s in reviewer["licensed_in"])
        assert patient["age"] is None or 18 <= patient["age"] <= 75
        assert patient["sex"] in ("male", "female", None)
        assert patient["date_of_injury"] is None or date.fromisoformat(patient["date_of_injury"])
        for paragraph in expected["case_summary"].split("\n\n"):
            assert_clean(paragraph)
        assert expected["documents_reviewed"] is None or all(d == d.strip() and d for d in expected["documents_reviewed"])
        assert expected["items"]
        for item in expected["items"]:
            assert list(item) == ITEM_KEYS
            assert item["outcome"] in ("upheld", "overturned")
            assert_clean(item["treatment"])
            for paragraph in item["rationale"].split("\n\n"):
                assert_clean(paragraph)
            for key in ("claims_administrator_basis", "reviewer_basis"):
                assert list(item[key]) == ["text", "citations"]
                assert_clean(item[key]["text"])
                for citation in item[key]["citations"]:
                    assert_citation(citation, item[key]["text"])


def assert_citation(citation: dict, basis: str) -> None:
    assert list(citation) == CITATION_KEYS
    assert_clean(citation["text"])
    assert citation["text"] in basis
    pages = citation["pages"]
    assert all(isinstance(p, int) and p > 0 for p in pages) and pages == sorted(set(pages)) and len(pages) <= 100
    guideline, document = citation["guideline"], citation["document"]
    if guideline == "MTUS":
        assert document is None or document in MTUS_DOCUMENTS
        assert document is not None or citation["topic"]
    elif guideline == "ACOEM":
        assert document in MTUS_DOCUMENTS - {CHRONIC_PAIN, POSTSURGICAL} and citation["topic"] is None
    elif guideline == "ODG":
        assert document.endswith("Chapter") and citation["topic"] and pages == []
    else:
        assert guideline == "OTHER" and document is None and citation["topic"] is None and pages == []
    if citation["topic"] is not None:
        assert_clean(citation["topic"])
        assert citation["topic"] in citation["text"]


def test_expected_values_are_what_the_text_says():
    for text, expected in corpus():
        found = paragraphs(text)
        flat = " ".join(found)
        notice = expected["layout"] == "notice-2013"
        summary = expected["case_summary"].split("\n\n")
        assert all(p in found for p in summary)
        for n, item in enumerate(expected["items"], 1):
            rationale = item["rationale"].split("\n\n")
            ca, reviewer = item["claims_administrator_basis"]["text"], item["reviewer_basis"]["text"]
            if notice:
                assert f"{n}) Regarding the request for {item['treatment']}:" in found
                assert ca in found and reviewer in found
                assert f"Rationale for the Decision: {rationale[0]}" in found
                verdict = "is not medically necessary" if item["outcome"] == "upheld" else "is medically necessary"
                assert f"{n}) MAXIMUS Federal Services, Inc. has determined the request for {item['treatment']} {verdict} and appropriate." in flat
            else:
                assert f"{item['treatment']}: {item['outcome'].capitalize()}" in found
                assert f"Claims Administrator guideline: {ca}" in found
                assert f"MAXIMUS guideline: {reviewer}" in found
                assert f"Decision rationale: {rationale[0]}" in found
            assert all(p in found for p in rationale[1:])
            last = item["rationale"].rsplit(". ", 1)[-1]
            if item["outcome"] == "upheld":
                assert "not medically necessary" in item["rationale"] or "non-certification" in last
            else:
                assert "medically necessary" in last and "not medically necessary" not in last
        if expected["documents_reviewed"]:
            assert " ".join(["DOCUMENTS REVIEWED", *expected["documents_reviewed"]]) in found
            assert "IMR DECISION(S) AND RATIONALE(S)" in flat
        if expected["case_number"]:
            assert expected["case_number"] in flat
        reviewer = expected["reviewer"]
        assert reviewer["specialty"] in flat and all(state in flat for state in reviewer["licensed_in"])
        if reviewer["subspecialty"]:
            assert f"has a subspecialty in {reviewer['subspecialty']} and" in flat
        age = expected["patient"]["age"]
        assert age is None or re.search(rf"\b{age}[ -]year[ -]old\b", summary[0])


def test_text_keeps_the_seed_format():
    """Every visual line ends with a space and is followed by an empty line, as in the seeds."""
    for text, expected in corpus()[:300]:
        body = text.replace("\r\n", "\n").replace("\f", "")
        if re.search(r"\S \n\S", body):
            continue  # the single-spaced extraction
        lines = body.split("\n")
        content = [line for line in lines if line]
        assert all(line.endswith(" ") or line.endswith("-") for line in content)
        assert max(len(line) for line in content) <= 101
        assert re.search(r"\S \n\n \n\n\n(\n\n)?$", body) and "\n" * 9 not in body


# --- The seeds ------------------------------------------------------------------------------


@cache
def seed_paragraphs() -> dict[str, list[str]]:
    return {path.name: paragraphs(path.read_text()) for path in sorted(FIXTURES.glob("*.txt"))}


def test_seed_boilerplate_appears_word_for_word():
    generated = Counter(p for text, _ in corpus() for p in paragraphs(text))
    seeds = seed_paragraphs()
    assert len(seeds) == 3
    for name, found in seeds.items():
        how = next(p for p in found if p.startswith("HOW THE IMR FINAL DETERMINATION WAS MADE "))
        intro = next(p for p in found if p.startswith("CLINICAL CASE SUMMARY "))
        items = next(p for p in found if p.startswith("IMR ISSUES, DECISIONS AND RATIONALES "))
        for paragraph in (how, intro, items):
            assert generated[paragraph] > 0, (name, paragraph)


def test_seeds_read_like_the_generator_writes():
    """The seeds, read by the same reader, show the shapes the generator imitates."""
    for found in seed_paragraphs().values():
        assert any(p.startswith("Claims Administrator guideline: Decision based on MTUS Chronic Pain Treatment Guidelines") for p in found)
        assert any(re.fullmatch(r".+: (Upheld|Overturned)", p) for p in found)
    assert "sensation bilaterally at L5-S1 and positive SLR" in " ".join(seed_paragraphs()["002_ff6d3744d5ceadfe.txt"])
