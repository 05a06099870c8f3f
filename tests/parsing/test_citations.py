"""Canonical citation naming (CONTRACT.md): families, documents, topics and page forms."""

from __future__ import annotations

import pytest

from decisions.parsing import Citation
from decisions.parsing.citations import parse_basis

CHRONIC_PAIN = "Chronic Pain Medical Treatment Guidelines"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (
            "MTUS Chronic Pain Treatment Guidelines Epidural Steroid Injections Page(s): 46.",
            ("MTUS", CHRONIC_PAIN, "Epidural Steroid Injections", (46,)),
        ),
        (
            "MTUS Chronic Pain Medical Treatment Guidelines (2009) Opioids Page(s): 46 of 127.",
            ("MTUS", CHRONIC_PAIN, "Opioids", (46,)),
        ),
        (
            (
                "MTUS (Effective July 18, 2009) Chronic Pain Medical Treatment Guidelines Page(s):"
                " 8-9, 11."
            ),
            ("MTUS", CHRONIC_PAIN, None, (8, 9, 11)),
        ),
        (
            "MTUS ACOEM Chapter 8 Neck and Upper Back Complaints Page(s): 176-177.",
            ("MTUS", "ACOEM Chapter 8 Neck and Upper Back Complaints", None, (176, 177)),
        ),
        (
            (
                "MTUS ACOEM Chapter 11 Forearm, Wrist and Hand Complaints Special Studies Page(s):"
                " 268-269."
            ),
            (
                "MTUS",
                "ACOEM Chapter 11 Forearm, Wrist, and Hand Complaints",
                "Special Studies",
                (268, 269),
            ),
        ),
        (
            "MTUS ACOEM Practice Guidelines, 2nd Edition (2004), Chapter 12 Page(s): 303.",
            ("MTUS", "ACOEM Chapter 12 Low Back Complaints", None, (303,)),
        ),
        (
            "MTUS Postsurgical Treatment Guidelines Knee Page(s): 24-25.",
            ("MTUS", "Postsurgical Treatment Guidelines", "Knee", (24, 25)),
        ),
        (
            "MTUS Opioids, criteria for use Page(s): 76-80.",
            ("MTUS", None, "Opioids, criteria for use", (76, 77, 78, 79, 80)),
        ),
        (
            "MTUS Chronic Pain Treatment Guidelines muscle relaxants.",
            ("MTUS", CHRONIC_PAIN, "muscle relaxants", ()),
        ),
        (
            "Non-MTUS Citation Official Disability Guidelines (ODG), Neck Chapter, MRI",
            ("ODG", "Neck Chapter", "MRI", ()),
        ),
        (
            "Non-MTUS Citation ODG Pain Chapter, Opioids, criteria for use",
            ("ODG", "Pain Chapter", "Opioids, criteria for use", ()),
        ),
        (
            (
                "Non-MTUS Citation Official Disability Guidelines (ODG) Knee & Leg (Acute &"
                " Chronic), Hyaluronic acid injections"
            ),
            ("ODG", None, "Knee & Leg (Acute & Chronic), Hyaluronic acid injections", ()),
        ),
        (
            (
                "Non-MTUS Citation American College of Occupational and Environmental Medicine"
                " (ACOEM), 2nd Edition, (2004), Chapter 7 Independent Medical Examinations and"
                " Consultations, page 127"
            ),
            (
                "ACOEM",
                "ACOEM Chapter 7 Independent Medical Examinations and Consultations",
                None,
                (127,),
            ),
        ),
        (
            "Non-MTUS Citation ACOEM Guidelines, 3rd Edition, Opioids",
            ("ACOEM", None, "Guidelines, 3rd Edition, Opioids", ()),
        ),
        (
            "Non-MTUS Citation UpToDate, Cyclobenzaprine: Drug information",
            ("OTHER", None, None, ()),
        ),
        (
            "Non-MTUS Citation Work Loss Data Institute, Pain (chronic) Page(s): 12.",
            ("OTHER", None, None, (12,)),
        ),
    ],
)
def test_one_citation(written, expected):
    [citation] = parse_basis(f"Decision based on {written}").citations
    assert (citation.guideline, citation.document, citation.topic, citation.pages) == expected
    assert citation.text == written


def test_several_citations_in_one_paragraph_inherit_its_family():
    basis = parse_basis(
        "Decision based on MTUS ACOEM Chapter 12 Low Back Complaints Page(s): 300,Chronic Pain"
        " Treatment Guidelines Page(s): 46, 49, Postsurgical Treatment Guidelines Page(s): 10,"
        " Opioids"
    )
    assert basis.citations == (
        Citation(
            "MTUS",
            "ACOEM Chapter 12 Low Back Complaints",
            None,
            (300,),
            "MTUS ACOEM Chapter 12 Low Back Complaints Page(s): 300",
        ),
        Citation(
            "MTUS",
            CHRONIC_PAIN,
            None,
            (46, 49),
            "Chronic Pain Treatment Guidelines Page(s): 46, 49",
        ),
        Citation(
            "MTUS",
            "Postsurgical Treatment Guidelines",
            None,
            (10,),
            "Postsurgical Treatment Guidelines Page(s): 10",
        ),
        Citation("MTUS", None, "Opioids", (), "Opioids"),
    )


def test_semicolon_is_no_separator():
    written = (
        "Non-MTUS Citation Manchikanti L, et al. Epidural injections for lumbar radiculopathy. "
        "Pain Physician. 2016;19(3):E365-410"
    )
    assert parse_basis(f"Decision based on {written}").citations == (
        Citation("OTHER", None, None, (), written),
    )


def test_non_mtus_paragraph_names_each_source():
    basis = parse_basis(
        "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG), Pain Chapter,"
        " Opioids Page(s): 3. drugs.com, Norco Page(s): 1."
    )
    assert [(c.guideline, c.document, c.topic, c.pages) for c in basis.citations] == [
        ("ODG", "Pain Chapter", "Opioids", (3,)),
        ("OTHER", None, None, (1,)),
    ]


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        ("46", (46,)),
        ("46 of 127", (46,)),
        ("176-177", (176, 177)),
        ("176 - 178", (176, 177, 178)),
        ("46, 49", (46, 49)),
        ("46 and 49", (46, 49)),
        ("1-100", tuple(range(1, 101))),
        # Not expanded: longer than 100 pages, or descending. The ends are kept as written.
        ("1-101", (1, 101)),
        ("177-76", (177, 76)),
    ],
)
def test_page_forms(pages, expected):
    [citation] = parse_basis(
        f"Decision based on MTUS Chronic Pain Treatment Guidelines Page(s): {pages}."
    ).citations
    assert citation.pages == expected


def test_not_based_on_mtus_is_basis_text_and_the_citation_follows():
    text = (
        "The Claims Administrator did not base their decision on the MTUS. Decision based on"
        " Non-MTUS Citation Official Disability Guidelines (ODG), Neck Chapter, MRI"
    )
    basis = parse_basis(text)
    assert basis.text == text
    assert basis.citations == (
        Citation(
            "ODG",
            "Neck Chapter",
            "MRI",
            (),
            "Non-MTUS Citation Official Disability Guidelines (ODG), Neck Chapter, MRI",
        ),
    )


@pytest.mark.parametrize(
    "text",
    [
        "The Claims Administrator did not cite any medical evidence for its decision.",
        "The Claims Administrator did not cite any evidence-based criteria for its decision.",
        "The Expert Reviewer did not base their decision on the MTUS.",
        "Decision based on",
    ],
)
def test_no_citation(text):
    basis = parse_basis(text)
    assert basis.text == text
    assert basis.citations == ()


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            (
                "The Claims Administrator based its decision on the Chronic Pain Medical Treatment"
                " Guidelines (2009), Chronic pain programs (functional restoration programs), pages"
                " 30-32, which is part of MTUS."
            ),
            [
                (
                    "MTUS",
                    CHRONIC_PAIN,
                    "Chronic pain programs (functional restoration programs)",
                    (30, 31, 32),
                    (
                        "Chronic Pain Medical Treatment Guidelines (2009), Chronic pain programs"
                        " (functional restoration programs), pages 30-32"
                    ),
                )
            ],
        ),
        (
            (
                "The Expert Reviewer based his/her decision on the MTUS Chronic Pain Medical"
                " Treatment Guidelines, Chronic pain programs, pages 30-32."
            ),
            [
                (
                    "MTUS",
                    CHRONIC_PAIN,
                    "Chronic pain programs",
                    (30, 31, 32),
                    (
                        "MTUS Chronic Pain Medical Treatment Guidelines, Chronic pain programs,"
                        " pages 30-32"
                    ),
                )
            ],
        ),
        (
            (
                "The Expert Reviewer based his/her decision on the MTUS ACOEM Chapter 6 Pain,"
                " Suffering, and the Restoration of Function, page 114, and the Official Disability"
                " Guidelines (ODG), Pain Chapter, Opioids."
            ),
            [
                (
                    "MTUS",
                    "ACOEM Chapter 6 Pain, Suffering, and the Restoration of Function",
                    None,
                    (114,),
                    (
                        "MTUS ACOEM Chapter 6 Pain, Suffering, and the Restoration of Function,"
                        " page 114"
                    ),
                ),
                (
                    "ODG",
                    "Pain Chapter",
                    "Opioids",
                    (),
                    "Official Disability Guidelines (ODG), Pain Chapter, Opioids",
                ),
            ],
        ),
        (
            (
                "The Expert Reviewer found that the MTUS does not address the issue at dispute. The"
                " Expert Reviewer based his/her decision on the Official Disability Guidelines"
                " (ODG), Low Back Chapter, Lumbar supports, which is not part of MTUS."
            ),
            [
                (
                    "ODG",
                    "Low Back Chapter",
                    "Lumbar supports",
                    (),
                    "Official Disability Guidelines (ODG), Low Back Chapter, Lumbar supports",
                )
            ],
        ),
        (
            # The notices' longer form when MTUS is silent: the evidence hierarchy, then the source.
            (
                "The Expert Reviewer found that no section of the MTUS was applicable. Per the"
                " Strength of Evidence hierarchy established by the California Department of"
                " Industrial Relations, Division of Workers' Compensation, the Expert Reviewer"
                " based his/her decision on the Official Disability Guidelines (ODG), Knee Chapter,"
                " Durable medical equipment."
            ),
            [
                (
                    "ODG",
                    "Knee Chapter",
                    "Durable medical equipment",
                    (),
                    "Official Disability Guidelines (ODG), Knee Chapter, Durable medical equipment",
                )
            ],
        ),
        (
            (
                "The Claims Administrator based its decision on the Acupuncture Medical Treatment"
                " Guidelines, which is part of MTUS."
            ),
            [
                (
                    "MTUS",
                    None,
                    "Acupuncture Medical Treatment Guidelines",
                    (),
                    "Acupuncture Medical Treatment Guidelines",
                )
            ],
        ),
        (
            (
                "The Claims Administrator based its decision on the Spine Journal 2009;9(4):321,"
                " which is not part of MTUS."
            ),
            [("OTHER", None, None, (), "Spine Journal 2009;9(4):321")],
        ),
    ],
)
def test_2013_sentences(sentence, expected):
    basis = parse_basis(sentence)
    assert basis.text == sentence
    assert [
        (c.guideline, c.document, c.topic, c.pages, c.text) for c in basis.citations
    ] == expected


@pytest.mark.parametrize("separator", [",", ", ", ";", " and the "])
def test_a_non_mtus_source_after_an_mtus_citation_without_pages(separator):
    """No page group ends the MTUS citation: the next source's mark does, the separator
    belonging to neither."""
    basis = parse_basis(
        "Decision based on MTUS Chronic Pain Treatment Guidelines opioids"
        f"{separator}Non-MTUS Citation UpToDate, Opioids for chronic pain."
    )
    assert [(c.guideline, c.text) for c in basis.citations] == [
        ("MTUS", "MTUS Chronic Pain Treatment Guidelines opioids"),
        ("OTHER", "Non-MTUS Citation UpToDate, Opioids for chronic pain."),
    ]
