"""Synthetic IMR final determination letters, each with the parse a correct parser must return.

Why this exists: three real letters cannot show that the parser generalises, and the search
benchmark needs 10^5-10^6 letters whose text behaves like the published record (lengths, term
frequencies, layouts, extraction artifacts), or its numbers mean nothing. Each letter comes with
its expected parse in the JSON shape of decisions/parsing/CONTRACT.md (without "source" and
"sha256"), built from the same values the text was rendered from, so a test can hold the parser
against it without either side importing the other.

Everything a letter contains derives from random.Random(seed * 1_000_003 + index): a letter is
reproducible alone, in any order and in any process. No Django imports: worker processes and
tests use this module without settings.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import re
import time
from bisect import bisect
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

from .guidelines import ACOEM_CHAPTERS, CHRONIC_PAIN, POSTSURGICAL, acoem_chapter

LETTERS_PER_SHARD = 1000

# --- Letter-level mixes ---------------------------------------------------------------------

LAYOUTS = (("standard", 80), ("case-header", 15), ("notice-2013", 5))
# Items per letter, 1..8: mean about 2.35, mode 1 (DWC: ~2.5 items per letter on average).
ITEM_COUNTS = ((1, 36), (2, 29), (3, 16), (4, 9), (5, 5), (6, 2.5), (7, 1.5), (8, 1))
OVERTURN_RATE = 0.10
COMPANION_RATE = 0.30  # chance that a further item is an ancillary of an earlier procedure

# Each artifact in a few percent of letters, independently. Natural page breaks (one extra
# empty visual line every ~45 lines, as in all three seeds) are not an artifact: every
# double-spaced letter has them.
ARTIFACT_RATES = {
    "crlf": 0.03,
    "form_feed": 0.03,
    "long_page_residue": 0.04,
    "hyphen_break": 0.12,
    "typographic": 0.03,
    "single_spaced": 0.04,
}

FIRST_DECISION = date(2013, 8, 1)
LAST_DECISION = date(2026, 10, 31)
LAST_NOTICE = date(2013, 12, 31)

# (weight, specialty as written, possible subspecialties, credential shapes allowed)
SENTENCE, BLOCK = "sentence", "block"
SPECIALTIES = (
    (11, "Physical Medicine & Rehabilitation", (None, None, "Pain Medicine"), (SENTENCE, BLOCK)),
    (11, "Physical Medicine and Rehabilitation", (None, None, "Pain Medicine", "Spinal Cord Injury Medicine"), (SENTENCE, BLOCK)),
    (14, "Occupational Medicine", (None,), (SENTENCE, BLOCK)),
    (11, "Orthopedic Surgery", (None, None, "Spine Surgery", "Sports Medicine"), (SENTENCE, BLOCK)),
    (2, "Orthopaedic Surgery", (None,), (SENTENCE, BLOCK)),
    (12, "Anesthesiology", ("Pain Medicine", "Pain Management", "Pain Management", None), (SENTENCE, BLOCK)),
    (7, "Family Practice", (None, None, "Sports Medicine"), (SENTENCE, BLOCK)),
    (2, "Family Medicine", (None,), (SENTENCE, BLOCK)),
    (6, "Internal Medicine", (None, None, "Rheumatology", "Pulmonary Diseases", "Endocrinology"), (SENTENCE, BLOCK)),
    (4, "Neurology", (None, "Neuromuscular Medicine", "Clinical Neurophysiology"), (SENTENCE, BLOCK)),
    (3, "Psychiatry", (None, "Psychosomatic Medicine"), (SENTENCE, BLOCK)),
    (1, "Psychologist", (None,), (BLOCK,)),
    (2.5, "Chiropractor", (None,), (BLOCK,)),
    (3, "Emergency Medicine", (None,), (SENTENCE, BLOCK)),
    (1, "Plastic Surgery", (None, "Surgery of the Hand"), (SENTENCE, BLOCK)),
    (1, "Neurological Surgery", (None,), (SENTENCE, BLOCK)),
    (1, "General Surgery", (None,), (SENTENCE, BLOCK)),
)
LICENSURE = (
    (("California",), 88),
    (("California", "Nevada"), 2),
    (("California", "Oregon", "Washington"), 1.5),
    (("Texas", "California"), 1.5),
    (("New York", "California"), 1),
    (("California", "Arizona", "Florida"), 1),
    (("Texas",), 2),
    (("Maryland",), 1),
    (("Illinois", "Wisconsin"), 1),
    (("Pennsylvania",), 1),
)

# --- Boilerplate, word for word from the seeds ----------------------------------------------

HOW_HEADING = "HOW THE IMR FINAL DETERMINATION WAS MADE"
HOW_OPENING = (
    "MAXIMUS Federal Services sent the complete case file to {article} {role}. He/she has no "
    "affiliation with the employer, employee, providers or the claims administrator."
)
HOW_CLOSING = (
    "He/she has been in active clinical practice for more than five years and is currently "
    "working at least 24 hours a week in active practice. The {role} was selected based on "
    "his/her clinical experience, education, background, and expertise in the same or similar "
    "specialties that evaluate and/or treat the medical condition and disputed items/services. "
    "He/she is familiar with governing laws and regulations, including the strength of evidence "
    "hierarchy that applies to Independent Medical Review determinations."
)
BLOCK_INTRO = "The Expert Reviewer has the following credentials:"
SUMMARY_HEADING = "CLINICAL CASE SUMMARY"
SUMMARY_INTRO = (
    "The expert reviewer developed the following clinical case summary based on a review of the "
    "case file, including all medical records:"
)
ITEMS_HEADING = "IMR ISSUES, DECISIONS AND RATIONALES"
ITEMS_HEADING_DOCUMENTED = "IMR DECISION(S) AND RATIONALE(S)"
ITEMS_INTRO = "The Final Determination was based on decisions for the disputed items/services set forth below:"
DOCUMENTS_HEADING = "DOCUMENTS REVIEWED"

NOTICE_TITLE = "Notice of Independent Medical Review Determination"
NOTICE_INTRO = (
    "MAXIMUS Federal Services, Inc. has completed the Independent Medical Review (IMR) of the "
    "above workers' compensation case. This letter provides you with the IMR Final Determination "
    "and explains how the determination was made."
)
NOTICE_FINAL = "Final Determination:"
NOTICE_FINDING = "{n}) MAXIMUS Federal Services, Inc. has determined the request for {treatment} is {verdict}."
NOTICE_BINDING = (
    "This decision is final and binding on all parties. The Final Determination is deemed to be "
    "the determination of the Administrative Director and is binding on the employee and the "
    "employer."
)
NOTICE_QUALIFICATIONS = "Medical Qualifications of the Expert Reviewer:"
NOTICE_CREDENTIALS_CLOSING = (
    "The expert reviewer has been in active clinical practice for more than five years and is "
    "currently working at least 24 hours a week in active practice. The expert reviewer was "
    "selected based on his/her clinical experience, education, background, and expertise in the "
    "same or similar specialties that evaluate and/or treat the medical condition and disputed "
    "items/services."
)
NOTICE_SUMMARY = "Case Summary:"
NOTICE_DISCLAIMER = (
    "Disclaimer: The following case summary was taken directly from the utilization review "
    "denial dated {date}:"
)
NOTICE_DECISIONS = "Expert Reviewer's Decision and Rationale:"
NOTICE_REGARDING = "{n}) Regarding the request for {treatment}:"
NOTICE_RATIONALE = "Rationale for the Decision:"
UPHELD_VERDICT = "not medically necessary and appropriate"
OVERTURNED_VERDICT = "medically necessary and appropriate"

# --- Citations ------------------------------------------------------------------------------

# How the Chronic Pain Medical Treatment Guidelines are named in the letters (weights).
CHRONIC_PAIN_WRITTEN = (
    ("Chronic Pain Treatment Guidelines", 60),
    ("Chronic Pain Medical Treatment Guidelines", 30),
    ("Chronic Pain Medical Treatment Guidelines (2009)", 10),
)
NON_MTUS = "Non-MTUS Citation "
ODG_NAME = "Official Disability Guidelines (ODG)"
ACOEM_NON_MTUS = "American College of Occupational and Environmental Medicine (ACOEM), 2nd Edition, (2004)"
# Reviewer's guideline family before the category's options are applied (MTUS is the default;
# ACOEM only exists for the non-MTUS chapter 7 topics).
FAMILY_WEIGHTS = {"MTUS": 70, "ODG": 24, "ACOEM": 45, "OTHER": 5}
SAME_FAMILY_RATE = 0.79  # claims administrator relied on the reviewer's guideline family
NO_EVIDENCE_SHARE = 0.25  # of the claims administrators who did not: cited nothing at all
NOT_MTUS_PREFIX_RATE = 0.5  # non-MTUS bases opening with "... did not base their decision on the MTUS."

# Rationale openings by the reviewer's first citation; {page}/{chapter} come from that citation.
LEAD_INS = {
    "CP_PAGE": (
        "As noted on page {page} of the MTUS Chronic Pain Medical Treatment Guidelines, ",
        "According to page {page} of the CA MTUS Chronic Pain Medical Treatment Guidelines, ",
        "The MTUS Chronic Pain Medical Treatment Guidelines, on page {page}, state that ",
        "Per the MTUS Chronic Pain Medical Treatment Guidelines (page {page}), ",
        "According to MTUS guidelines, ",
    ),
    "CP": (
        "According to MTUS guidelines, ",
        "CA MTUS guidelines state that ",
        "The California MTUS Chronic Pain Medical Treatment Guidelines state that ",
        "Per CA MTUS, ",
    ),
    "ACOEM_MTUS": (
        "The MTUS/ACOEM Practice Guidelines, Chapter {chapter}, indicate that ",
        "According to the ACOEM guidelines adopted by the MTUS, ",
        "As noted on page {page} of the ACOEM Practice Guidelines, Chapter {chapter}, ",
        "CA MTUS/ACOEM guidelines state that ",
    ),
    "PS": (
        "According to the MTUS Postsurgical Treatment Guidelines, ",
        "The CA MTUS Postsurgical Treatment Guidelines state that ",
    ),
    "MTUS": ("According to the MTUS, ", "The California MTUS states that "),
    "ODG": (
        "According to the Official Disability Guidelines, ",
        "ODG states that ",
        "The Official Disability Guidelines indicate that ",
        "Per ODG, ",
        "The MTUS does not address this request. ODG states that ",
        "CA MTUS is silent on this issue; however, ODG indicates that ",
    ),
    "ACOEM": (
        "According to the ACOEM Practice Guidelines, Chapter {chapter}, page {page}, ",
        "The ACOEM guidelines state that ",
    ),
    "OTHER": (
        "The MTUS does not specifically address this request. According to the medical literature, ",
        "Evidence-based references indicate that ",
        "Per the referenced evidence, ",
    ),
}

# --- Rationale phrase banks shared by every category ----------------------------------------

GENERIC_UPHELD = (
    "There is no documentation of objective functional improvement with prior treatment.",
    "The treating physician has not provided a clear rationale for the request.",
    "The medical records provided for review do not document a specific treatment plan with measurable goals.",
    "There is insufficient documentation to support the medical necessity of this request.",
    "The progress note in question was handwritten, difficult to follow, and did not contain much in the way of narrative commentary.",
    "{Pt} remains off work, on total temporary disability, which suggests a lack of functional improvement.",
    "Guideline criteria have not been met.",
    "The request, thus, is at odds with MTUS principles and parameters.",
    "The attending provider did not clearly state how this request would advance the treatment plan.",
    "Although {pt} has a {injury_year} date of injury, the extent and duration of rendered conservative treatment has not been documented.",
)
GENERIC_OVERTURNED = (
    "{Pt} has reportedly returned to regular duty work, suggesting that prior treatment has been effective.",
    "The medical records document objective functional improvement, including an improved ability to perform activities of daily living.",
    "The treating provider has outlined specific functional goals and a clear plan of care.",
    "Guideline criteria have been met.",
    "The documentation submitted supports the request.",
)
UPHELD_CONCLUSIONS = (
    ("Therefore, the request for {treatment} is not medically necessary.", 30),
    ("Therefore, the request is not medically necessary.", 20),
    ("As such, the request for {treatment} is not medically necessary.", 10),
    ("Therefore, the request was not medically necessary.", 10),
    ("Consequently, the request for {noun} is not medically necessary.", 8),
    ("Based on the currently available information, the medical necessity for {noun} has not been established. Therefore, the request is not medically necessary.", 8),
    ("Medical necessity for the requested {noun} is not established. Recommend non-certification.", 4),
    ("Therefore, the requested {noun} is not medically necessary.", 10),
)
OVERTURNED_CONCLUSIONS = (
    ("Therefore, the request for {treatment} is medically necessary.", 35),
    ("Therefore, the request was medically necessary.", 15),
    ("As such, the request for {treatment} is medically necessary.", 15),
    ("The request is, therefore, medically necessary.", 10),
    ("Based on the currently available information, the medical necessity for {noun} has been established. Therefore, the request is medically necessary.", 10),
    ("Therefore, the requested {noun} is medically necessary.", 15),
)
DEPENDENT_UPHELD = (
    "As the requested {parent} is not medically necessary, the requested {treatment} is not medically necessary.",
    "As the requested {parent} is not medically necessary, the request for {noun} is not needed and is not medically necessary.",
    "Since the primary procedure, {parent}, is not medically necessary, none of the associated services are medically necessary. Therefore, the request for {noun} is not medically necessary.",
)
DEPENDENT_OVERTURNED = (
    "As the requested {parent} is medically necessary, the associated request for {noun} is also medically necessary.",
    "The primary procedure, {parent}, has been found medically necessary. {noun_cap} is a standard component of that procedure. Therefore, the request for {treatment} is medically necessary.",
)
GUIDELINE_CONNECTORS = ("Additionally, ", "Furthermore, guidelines state that ", "Guidelines also indicate that ", "In addition, ")
FINDING_OPENERS = ("In this case, ", "Within the medical information available for review, ", "Here, ", "In this particular case, ")


# --- Regions and slots ----------------------------------------------------------------------

# Fixed per-letter values by region; tuples are drawn afresh for each item that uses them.
REGIONS = {
    "lumbar": {
        "area": ("lumbar spine",), "adj": ("lumbar",), "Adj": ("Lumbar",), "body": ("low back",),
        "odg_chapter": ("Low Back Chapter",), "limbs": ("bilateral lower extremities", "{side} lower extremity"),
        "complaint": ("low back pain radiating to the {side} leg", "chronic low back pain", "low back pain with radiation to the {side} lower extremity", "low back pain with numbness and tingling in the {side} foot"),
        "exam": ("tenderness to palpation over the lumbar paraspinal muscles with spasm", "decreased lumbar range of motion in all planes", "a positive straight leg raise on the {side}", "decreased sensation in the {side} L5 dermatome", "4/5 strength of the {side} extensor hallucis longus", "a diminished {side} Achilles reflex"),
        "sign": ("a positive straight leg raise", "decreased sensation in the L5 dermatome", "diminished reflexes"),
        "mri_finding": ("a 4 mm disc protrusion at L5-S1 with moderate {side} neural foraminal narrowing", "disc bulges at L4-5 and L5-S1 with mild bilateral foraminal stenosis", "multilevel degenerative disc disease with facet arthropathy at L4-L5 and L5-S1", "a 3 mm broad-based disc bulge at L4-L5 abutting the descending L5 nerve root", "grade I anterolisthesis of L4 on L5 with moderate central canal stenosis"),
        "dx": ("lumbar radiculopathy", "lumbar degenerative disc disease", "lumbar sprain/strain", "lumbar disc displacement without myelopathy", "lumbar facet syndrome", "lumbar spinal stenosis"),
        "levels": ("L4-L5, L5-S1", "L5-S1", "L4-5", "L4-5 and L5-S1", "L3-L4, L4-L5", "L4-L5", "L3-4, L4-5 and L5-S1"),
        "level1": ("L4-5", "L5-S1", "L4-L5", "L3-4"),
    },
    "cervical": {
        "area": ("cervical spine",), "adj": ("cervical",), "Adj": ("Cervical",), "body": ("neck",),
        "odg_chapter": ("Neck and Upper Back Chapter",), "limbs": ("bilateral upper extremities", "{side} upper extremity"),
        "complaint": ("neck pain radiating to the {side} upper extremity", "neck and upper back pain", "chronic neck pain with headaches", "neck pain with numbness in the {side} hand"),
        "exam": ("tenderness of the cervical paraspinal muscles and trapezius", "reduced cervical range of motion", "a positive Spurling's test on the {side}", "decreased sensation in the {side} C6 dermatome", "4/5 strength of the {side} biceps", "a diminished {side} brachioradialis reflex"),
        "sign": ("a positive Spurling's maneuver", "decreased sensation in the C6 dermatome", "diminished reflexes"),
        "mri_finding": ("a 2 mm disc bulge with foraminal narrowing at C4-5, C5-6 and C6-7", "a 3 mm disc protrusion at C5-C6 with mild central canal stenosis", "degenerative disc disease at C5-6 and C6-7 with uncovertebral hypertrophy", "a 4 mm disc osteophyte complex at C6-C7 with moderate {side} foraminal stenosis"),
        "dx": ("cervical radiculopathy", "cervical sprain/strain", "cervical degenerative disc disease", "cervical disc displacement", "sprains and strains of the neck and thoracic region", "cervicalgia"),
        "levels": ("C5-6", "C6-7", "C5-C6, C6-C7", "C4-5, C5-6", "C5-6 and C6-7", "C7-T1"),
        "level1": ("C5-6", "C6-7", "C5-C6", "C4-5"),
    },
    "shoulder": {
        "area": ("{side} shoulder",), "adj": ("{side} shoulder",), "Adj": ("{Side} shoulder",), "body": ("shoulder",),
        "odg_chapter": ("Shoulder Chapter",), "limbs": ("{side} upper extremity",),
        "complaint": ("{side} shoulder pain with overhead activities", "persistent {side} shoulder pain and weakness", "{side} shoulder pain radiating to the upper arm"),
        "exam": ("positive Neer and Hawkins impingement signs on the {side}", "tenderness over the {side} acromioclavicular joint", "{side} shoulder flexion limited to 120 degrees", "4/5 strength with {side} shoulder abduction", "a positive drop arm test"),
        "sign": ("positive impingement signs", "weakness with resisted abduction"),
        "mri_finding": ("a partial-thickness supraspinatus tear with subacromial bursitis", "moderate-to-severe tendinosis of the supraspinatus and infraspinatus tendons and acromioclavicular joint osteoarthritis", "a type II acromion with impingement and a labral tear", "a full-thickness tear of the supraspinatus tendon with 1 cm retraction"),
        "dx": ("{side} shoulder impingement syndrome", "{side} rotator cuff tear", "{side} shoulder sprain/strain", "{side} shoulder adhesive capsulitis", "{side} shoulder tendinitis"),
    },
    "knee": {
        "area": ("{side} knee",), "adj": ("{side} knee",), "Adj": ("{Side} knee",), "body": ("knee",),
        "odg_chapter": ("Knee and Leg Chapter",), "limbs": ("{side} lower extremity",),
        "complaint": ("{side} knee pain with swelling", "{side} knee pain aggravated by stairs and squatting", "{side} knee pain with locking and giving way"),
        "exam": ("medial joint line tenderness of the {side} knee", "a positive McMurray's test on the {side}", "a mild effusion of the {side} knee", "{side} knee flexion limited to 110 degrees", "crepitus with range of motion"),
        "sign": ("joint line tenderness", "a positive McMurray's test"),
        "mri_finding": ("a complex tear of the posterior horn of the medial meniscus", "tricompartmental osteoarthritis with joint space narrowing", "chondromalacia patellae and a small joint effusion", "a horizontal tear of the lateral meniscus"),
        "dx": ("{side} knee internal derangement", "{side} knee medial meniscus tear", "{side} knee osteoarthritis", "{side} knee sprain/strain", "chondromalacia of the {side} patella"),
    },
    "wrist": {
        "area": ("{side} wrist",), "adj": ("{side} wrist",), "Adj": ("{Side} wrist",), "body": ("wrist and hand",),
        "odg_chapter": ("Carpal Tunnel Syndrome Chapter",), "limbs": ("bilateral upper extremities", "{side} upper extremity"),
        "complaint": ("{side} wrist and hand pain with numbness and tingling", "{side} hand numbness that is worse at night", "{side} wrist pain with gripping and grasping"),
        "exam": ("a positive Tinel's sign at the {side} wrist", "a positive Phalen's test on the {side}", "decreased grip strength on the {side}", "tenderness over the {side} first dorsal compartment", "triggering of the {side} long finger"),
        "sign": ("a positive Tinel's sign", "a positive Phalen's test"),
        "mri_finding": ("moderate {side} carpal tunnel syndrome on electrodiagnostic studies", "a small ganglion cyst with tenosynovitis", "a tear of the triangular fibrocartilage complex"),
        "dx": ("{side} carpal tunnel syndrome", "{side} wrist sprain/strain", "{side} De Quervain's tenosynovitis", "{side} trigger finger", "{side} wrist tendinitis"),
    },
}
REGION_WEIGHTS = (("lumbar", 42), ("cervical", 22), ("shoulder", 15), ("knee", 12), ("wrist", 9))
SPINE = ("lumbar", "cervical")
SIDES = (("right", 45), ("left", 40), ("bilateral", 15))
SECOND_REGION_RATE = 0.3

# Visit frequencies as headings write them, with the number of sessions they come to.
FREQUENCIES = (("2 x 6", "12"), ("2x4", "8"), ("3 x 4", "12"), ("2 times a week for 4 weeks", "8"), ("1 x 6", "6"), ("2x6", "12"), ("3x4", "12"), ("2 x 3", "6"))

# Per-item random values that do not depend on the region.
SLOT_VALUES = {
    "qty": ("30", "60", "60", "90", "90", "120", "120", "180"),
    "norco": ("10/325mg", "10/325mg", "10/325mg", "10/325 mg", "7.5/325mg", "5/325mg"),
    "n13": ("1", "2", "3"),
    "sessions": ("6", "8", "12", "12", "12", "18", "24", "10"),
    "prior_sessions": ("6", "8", "12", "18", "24", "30"),
    "pain": ("5", "6", "7", "7", "8", "8", "9"),
    "frp_hours": ("160", "80", "40", "120"),
    "frp_days": ("28", "10", "20"),
    "months": ("1", "3", "6", "12"),
    "los": ("1", "2", "3"),
    "tpi": ("2", "3", "4", "6"),
    "hh_hours": ("4", "6", "8"),
    "hh_days": ("5", "7", "3"),
    "hh_weeks": ("4", "6", "8", "12"),
    "cream_size": ("120gm", "180gm", "240gm", "30gm", "60gm"),
    "visits": ("4", "6", "8", "12"),
    "days_rental": ("7", "14", "30"),
    "tx_history": (
        "physical therapy, chiropractic care, acupuncture, medications and activity modification",
        "analgesic medications, transfer of care to and from various providers in various specialties, unspecified amounts of physical therapy and opioid therapy",
        "medications, physical therapy, a home exercise program and a TENS unit",
        "physical therapy, injections, medications and work restrictions",
        "conservative care including rest, ice, anti-inflammatory medications and 6 sessions of physical therapy",
        "medications, chiropractic manipulation and a home exercise program",
        "oral and topical medications, acupuncture and activity modification",
        "analgesic medications, attorney representation and extensive periods of time off of work",
        "medications, injections and bracing",
        "medications, cognitive behavioral therapy and work restrictions",
        "oral pharmaceuticals, a TENS unit and manipulative therapy",
    ),
    "mech": ("lifting a heavy box", "a slip and fall on a wet floor", "repetitive lifting", "a motor vehicle accident while driving for work", "cumulative trauma", "pulling a pallet jack", "falling from a ladder", "repetitive keyboarding", "catching a falling patient", "stepping off a truck"),
    "work": ("off work on temporary total disability", "working modified duty with restrictions", "not working", "working full duty", "permanent and stationary with future medical care"),
    "job": ("", "", "former warehouse", "school bus driver", "correctional officer", "cashier", "home health aide", "truck driver", "nursing assistant", "custodian"),
}


# --- Treatment categories -------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Variant:
    """One kind of request: how its heading is written and which guideline pages govern it.

    mtus entries are (document, topic, pages): document "CP" (Chronic Pain Medical Treatment
    Guidelines), "PS" (Postsurgical), an ACOEM chapter number, or None for an MTUS citation
    naming no known document. odg entries are (chapter, topic); acoem entries are non-MTUS
    ACOEM (chapter, pages).
    """

    headings: tuple[str, ...]
    nouns: tuple[str, ...]
    mtus: tuple[tuple[str | int | None, str | None, str], ...] = ()
    odg: tuple[tuple[str, str], ...] = ()
    acoem: tuple[tuple[int, str], ...] = ()
    regions: tuple[str, ...] | None = None
    weight: float = 1.0  # how common among its category's requests
    # When given, these replace the category's pools: the guideline text must fit the request.
    guideline: tuple[str, ...] = ()
    upheld: tuple[str, ...] = ()
    overturned: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Category:
    """A family of requests sharing guideline language and reasoning."""

    key: str
    weight: float
    variants: tuple[Variant, ...]
    ca_topic: str
    guideline: tuple[str, ...]
    criteria: tuple[str, ...]
    upheld: tuple[str, ...]
    overturned: tuple[str, ...]
    other: tuple[str, ...] = ()
    companions: tuple[str, ...] = ()
    pharmaceutical: bool = False
    opioid: bool = False
    reviewers: tuple[str, ...] = ()


OTHER_DRUG = (
    "drugs.com, {drug}",
    "Physicians' Desk Reference (PDR), {drug}",
    "UpToDate, {drug}: Drug information",
)
OTHER_PAIN = (
    "UpToDate, Overview of the treatment of chronic non-cancer pain",
    "Work Loss Data Institute. Pain (chronic). Encinitas (CA): Work Loss Data Institute; 2013.",
    "Chou R, Fanciullo GJ, Fine PG, et al. Clinical guidelines for the use of chronic opioid therapy in chronic noncancer pain. J Pain. 2009;10(2):113-130.",
)
OTHER_SPINE = (
    "Manchikanti L, et al. Epidural injections for lumbar radiculopathy and spinal stenosis: a comparative systematic review and meta-analysis. Pain Physician. 2016;19(3):E365-410.",
    "Work Loss Data Institute. Low back, lumbar and thoracic (acute and chronic). Encinitas (CA): Work Loss Data Institute; 2013.",
    "UpToDate, Subacute and chronic low back pain: Nonsurgical interventional treatment",
)
OTHER_PROCEDURE = (
    "UpToDate, Overview of the management of overuse (persistent) tendinopathy",
    "Work Loss Data Institute. Shoulder (acute and chronic). Encinitas (CA): Work Loss Data Institute; 2013.",
    "American Academy of Orthopaedic Surgeons, Clinical practice guideline on the management of osteoarthritis of the knee, 2nd edition, 2013.",
)

OPIOID_GUIDELINE = (
    "opioids such as {drug} may be indicated in the treatment of moderate to moderately severe pain",
    "ongoing opioid treatment requires documentation of pain relief, functional status, appropriate medication use and side effects",
    "the lowest possible dose should be prescribed to improve pain and function",
    "opioids may be continued if the patient has returned to work or has improved functioning and pain",
    "the 4 A's for ongoing monitoring (analgesia, activities of daily living, adverse side effects and aberrant drug-taking behaviors) should be documented at each visit",
    "opioids should be discontinued if there is no overall improvement in function, unless there are extenuating circumstances",
)
OPIOID_CRITERIA = (
    'Guidelines state that "a satisfactory response to treatment may be indicated by the patient\'s decreased pain, increased level of function, or improved quality of life."',
    'Ongoing management should include "ongoing review and documentation of pain relief, functional status, appropriate medication use, and side effects."',
    "The guidelines recommend that the total daily opioid dose not exceed 120 mg oral morphine equivalents.",
)
OPIOID_UPHELD = (
    "{Pt} has been using {drug} for an extended period of time without documentation of objective functional improvement.",
    "The records do not document a reduction in pain scores with and without medication.",
    "There is no documentation of a current urine drug screen or a signed opioid agreement.",
    "{Pt} remains off work and continues to report pain rated {pain}/10, suggesting that ongoing usage of {drug} has not been beneficial.",
    "The prescribing provider has not documented the 4 A's of ongoing opioid management.",
    "The utilization review modified the request to allow for weaning, which is appropriate.",
    "Weaning of this medication is recommended, although abrupt discontinuation is not advised.",
    "The request in question appears to represent a renewal request for {drug}.",
)
OPIOID_OVERTURNED = (
    "The request in question appears to represent a first-time request for {drug}.",
    "{Pt} reported a reduction in pain from {pain}/10 to 4/10 with medication and an improved ability to perform activities of daily living.",
    "{Pt} has returned to work on modified duty, and a recent urine drug screen was consistent with the prescribed medications.",
    "The provider has documented the 4 A's of opioid management, including a signed opioid agreement.",
)
# Rare term: about 0.1-0.3% of letters mention testosterone at all.
HYPOGONADISM = (
    "Long-term opioid use can cause opioid-induced hypogonadism, and the provider noted low testosterone levels, which further argues against continuing {drug}."
)
HYPOGONADISM_RATE = 0.003

PHYSICAL_MEDICINE_GUIDELINE = (
    "physical medicine is recommended with allowance for fading of treatment frequency, from up to 3 visits per week to 1 or less, plus active self-directed home physical medicine",
    "9-10 visits over 8 weeks are recommended for myalgia and myositis, and 8-10 visits over 4 weeks for neuralgia, neuritis and radiculitis",
    "active therapy is based on the philosophy that therapeutic exercise and/or activity are beneficial for restoring flexibility, strength, endurance, function, range of motion, and can alleviate discomfort",
)
PHYSICAL_MEDICINE_UPHELD = (
    "{Pt} has completed at least {prior_sessions} prior sessions of therapy without documentation of objective functional improvement.",
    "The requested {sessions} sessions, in and of itself, exceeds the guideline recommendation for the diagnoses involved.",
    "There is no explanation as to why {pt} cannot transition to an independent home exercise program.",
    "The number of prior sessions completed and the response to them are not documented.",
)
PHYSICAL_MEDICINE_OVERTURNED = (
    "{Pt} has not had prior therapy for the {area}, and a short course is consistent with guideline recommendations.",
    "Prior sessions resulted in documented improvement in range of motion and a reduction in pain medication use.",
    "The request is for an initial trial, which is supported by the guidelines.",
)

CATEGORIES: tuple[Category, ...] = (
    Category(
        key="norco", weight=6.0, pharmaceutical=True, opioid=True, ca_topic="opioids",
        variants=(
            Variant(
                headings=("Norco {norco} #{qty}", "Norco {norco}, #{qty}", "Norco {norco} #{qty}", "Norco 10/325mg quantity {qty}", "Hydrocodone/APAP {norco} #{qty}", "Norco (hydrocodone/acetaminophen) {norco} #{qty}"),
                nouns=("Norco", "Norco", "hydrocodone/acetaminophen"),
                mtus=(("CP", "Hydrocodone-Acetaminophen", "91"), ("CP", "Hydrocodone/Acetaminophen", "91"), ("CP", "Opioids, criteria for use", "76-80"), ("CP", "Opioids", "74-96"), ("CP", "Opioids, specific drug list", "91"), ("CP", "Weaning of Medications", "124")),
                odg=(("Pain Chapter", "Opioids, criteria for use"), ("Pain Chapter", "Hydrocodone/Acetaminophen")),
            ),
        ),
        guideline=OPIOID_GUIDELINE, criteria=OPIOID_CRITERIA, upheld=OPIOID_UPHELD, overturned=OPIOID_OVERTURNED,
        other=OTHER_DRUG + OTHER_PAIN,
    ),
    Category(
        key="opioid", weight=3.0, pharmaceutical=True, opioid=True, ca_topic="opioids",
        variants=(
            Variant(weight=1.2, headings=("Percocet 10/325mg #{qty}", "Percocet 5/325mg #{qty}", "Oxycodone/APAP 10/325mg #{qty}"), nouns=("Percocet",),
                    mtus=(("CP", "Oxycodone/Acetaminophen", "92"), ("CP", "Opioids, criteria for use", "76-80"), ("CP", "Opioids", "74-96")), odg=(("Pain Chapter", "Opioids, criteria for use"),)),
            Variant(weight=1.0, headings=("Oxycontin 20mg #60", "OxyContin ER 40mg #{qty}", "Oxycodone 15mg #{qty}", "Oxycodone HCL 30mg #{qty}"), nouns=("Oxycontin", "oxycodone"),
                    mtus=(("CP", "OxyContin", "97"), ("CP", "Opioids, dosing", "86"), ("CP", "Opioids", "74-96")), odg=(("Pain Chapter", "Opioids, criteria for use"),)),
            Variant(weight=2.0, headings=("Tramadol ER 150mg #{qty}", "Ultram 50mg #{qty}", "Tramadol HCL 50mg #{qty}", "Tramadol 50mg, #{qty}", "Ultram ER 200mg #30"), nouns=("tramadol", "Ultram"),
                    mtus=(("CP", "Tramadol", "93-94"), ("CP", "Tramadol (Ultram)", "113"), ("CP", "Opioids", "74-96")), odg=(("Pain Chapter", "Tramadol (Ultram)"),)),
            Variant(weight=0.7, headings=("Tylenol with Codeine #3 #{qty}", "Tylenol #3 #{qty}"), nouns=("Tylenol with Codeine",),
                    mtus=(("CP", "Codeine", "35"), ("CP", "Opioids, criteria for use", "76-80")), odg=(("Pain Chapter", "Codeine"),)),
            Variant(weight=0.8, headings=("MS Contin 30mg #{qty}", "Morphine sulfate ER 15mg #{qty}", "Methadone 10mg #{qty}", "Dilaudid 4mg #{qty}", "Opana ER 20mg #60"), nouns=("long-acting opioid", "opioid"),
                    mtus=(("CP", "Opioids, dosing", "86"), ("CP", "Methadone", "61-62"), ("CP", "Opioids, long-term assessment", "88-89")), odg=(("Pain Chapter", "Opioids, criteria for use"),)),
            Variant(weight=0.5, headings=("Fentanyl patch 25mcg/hr #10", "Duragesic 50mcg/hr patch #15", "Butrans patch 10mcg/hr #4"), nouns=("fentanyl patch", "transdermal opioid"),
                    mtus=(("CP", "Duragesic (fentanyl transdermal system)", "44"), ("CP", "Buprenorphine", "26-27")), odg=(("Pain Chapter", "Duragesic (fentanyl transdermal system)"),)),
            Variant(weight=0.6, headings=("Nucynta 50mg #{qty}", "Nucynta ER 100mg #60"), nouns=("Nucynta",),
                    odg=(("Pain Chapter", "Tapentadol (Nucynta)"),)),
        ),
        guideline=OPIOID_GUIDELINE, criteria=OPIOID_CRITERIA, upheld=OPIOID_UPHELD, overturned=OPIOID_OVERTURNED,
        other=OTHER_DRUG + OTHER_PAIN,
    ),
    Category(
        key="muscle_relaxant", weight=5.0, pharmaceutical=True, ca_topic="muscle relaxants",
        variants=(
            Variant(weight=2.0, headings=("Flexeril 7.5mg, #{qty}", "Flexeril 10mg #{qty}", "Flexeril 7.5mg #90", "Flexeril (cyclobenzaprine) 7.5mg #60"), nouns=("Flexeril", "cyclobenzaprine"),
                    mtus=(("CP", "Cyclobenzaprine", "41"), ("CP", "Cyclobenzaprine (Flexeril)", "41-42"), ("CP", "Muscle relaxants (for pain)", "63-66")), odg=(("Pain Chapter", "Cyclobenzaprine (Flexeril)"),)),
            Variant(weight=1.5, headings=("Cyclobenzaprine 7.5mg #{qty}", "Cyclobenzaprine HCL 10mg #{qty}", "Cyclobenzaprine 5mg #90"), nouns=("cyclobenzaprine",),
                    mtus=(("CP", "Cyclobenzaprine", "41"), ("CP", "Muscle relaxants (for pain)", "63-66")), odg=(("Pain Chapter", "Muscle relaxants (for pain)"),)),
            Variant(weight=1.0, headings=("Soma 350mg #{qty}", "Carisoprodol 350mg #{qty}"), nouns=("Soma", "carisoprodol"),
                    mtus=(("CP", "Carisoprodol (Soma)", "29"), ("CP", "Carisoprodol", "29, 65")), odg=(("Pain Chapter", "Carisoprodol (Soma)"),),
                    guideline=("carisoprodol is not recommended and is not indicated for long-term use", "carisoprodol is a commonly prescribed, centrally acting skeletal muscle relaxant whose primary active metabolite is meprobamate, a schedule-IV controlled substance", "abuse has been noted for sedative and relaxant effects, and in combination with hydrocodone the effect has been described as similar to heroin")),
            Variant(weight=1.5, headings=("Tizanidine 4mg #{qty}", "Zanaflex 4mg #{qty}", "Methocarbamol 750mg #{qty}", "Robaxin 750mg #{qty}", "Baclofen 10mg #{qty}", "Orphenadrine ER 100mg #{qty}", "Skelaxin 800mg #60"), nouns=("muscle relaxant",),
                    mtus=(("CP", "Muscle relaxants (for pain)", "63-66"), ("CP", "Antispasmodics", "64-65"), ("CP", "Tizanidine", "66")), odg=(("Pain Chapter", "Muscle relaxants (for pain)"),),
                    guideline=("non-sedating muscle relaxants are recommended with caution as a second-line option for short-term treatment of acute exacerbations in patients with chronic low back pain", "in most cases of low back pain, muscle relaxants show no benefit beyond NSAIDs in pain and overall improvement", "efficacy of muscle relaxants appears to diminish over time, and prolonged use of some medications in this class may lead to dependence")),
        ),
        guideline=(
            "muscle relaxants are recommended with caution as a second-line option for short-term treatment of acute exacerbations in patients with chronic low back pain",
            "the addition of cyclobenzaprine or Flexeril to other agents is not recommended",
            "efficacy of muscle relaxants appears to diminish over time, and prolonged use of some medications in this class may lead to dependence",
            "cyclobenzaprine is recommended for a short course of therapy, and the effect is greatest in the first 4 days of treatment",
        ),
        criteria=(
            'The guidelines note that "muscle relaxants are not recommended for chronic use."',
            "Treatment should be brief, with a recommended course of 2 to 3 weeks.",
        ),
        upheld=(
            "{Pt} has been using {drug} on a long-term basis, well beyond the short course supported by the guidelines.",
            "{Pt} is, in fact, using an opioid agent, and adding {drug} to the mix is not indicated.",
            "There is no documentation of an acute exacerbation or muscle spasm on the most recent examination.",
            "The quantity requested implies chronic, long-term, and/or scheduled use, which is not supported.",
        ),
        overturned=(
            "The progress note documents an acute flare of low back pain with palpable paraspinal muscle spasm.",
            "The request is for a short course of treatment, which is consistent with guideline recommendations.",
        ),
        other=OTHER_DRUG,
    ),
    Category(
        key="nsaid", weight=4.0, pharmaceutical=True, ca_topic="NSAIDs",
        variants=(
            Variant(headings=("Naproxen sodium 550mg #{qty}", "Anaprox DS 550mg #{qty}", "Naprosyn 500mg #{qty}", "Naproxen 550mg, #60"), nouns=("naproxen",),
                    mtus=(("CP", "NSAIDs (non-steroidal anti-inflammatory drugs)", "67-73"), ("CP", "Anti-inflammatory medications", "22"), ("CP", "Naproxen", "66")), odg=(("Pain Chapter", "NSAIDs (non-steroidal anti-inflammatory drugs)"),)),
            Variant(headings=("Motrin 800mg #{qty}", "Ibuprofen 800mg #{qty}", "Relafen 750mg #{qty}", "Nabumetone 500mg #{qty}", "Meloxicam 15mg #30", "Mobic 7.5mg #{qty}", "Diclofenac sodium ER 100mg #{qty}", "Celebrex 200mg #{qty}", "Etodolac 400mg #{qty}"), nouns=("NSAID", "anti-inflammatory medication"),
                    mtus=(("CP", "NSAIDs (non-steroidal anti-inflammatory drugs)", "67-73"), ("CP", "NSAIDs, specific drug list & adverse effects", "70-73"), ("CP", "Anti-inflammatory medications", "22")), odg=(("Pain Chapter", "NSAIDs (non-steroidal anti-inflammatory drugs)"),)),
        ),
        guideline=(
            "NSAIDs are recommended at the lowest dose for the shortest period in patients with moderate to severe pain",
            "anti-inflammatory medications are the traditional first line of treatment to reduce pain so activity and functional restoration can resume, but long-term use may not be warranted",
            "there is no evidence of long-term effectiveness of NSAIDs for pain or function in chronic low back pain",
        ),
        criteria=("Guidelines recommend monitoring of blood pressure, renal function and liver function in patients on long-term NSAID therapy.",),
        upheld=(
            "{Pt} has been on {drug} for several months without documentation of specific analgesic benefit or functional gains.",
            "There is documentation of gastrointestinal upset with prior NSAID use, and no laboratory monitoring is documented.",
            "The provider did not document any reduction in pain scores attributable to {drug}.",
        ),
        overturned=(
            "{Pt} reports a reduction in pain and improved tolerance of work activities with {drug}, and there are no documented adverse effects.",
            "This is a first-line agent requested at an appropriate dose for a flare of symptoms.",
        ),
        other=OTHER_DRUG,
    ),
    Category(
        key="ppi", weight=2.5, pharmaceutical=True, ca_topic="NSAIDs, GI symptoms & cardiovascular risk",
        variants=(
            Variant(headings=("Omeprazole 20mg #{qty}", "Prilosec 20mg #{qty}", "Pantoprazole 20mg #{qty}", "Protonix 40mg #{qty}", "Ranitidine 150mg #{qty}", "Omeprazole DR 20mg, #60"), nouns=("omeprazole", "proton pump inhibitor"),
                    mtus=(("CP", "NSAIDs, GI symptoms & cardiovascular risk", "68-69"), ("CP", "NSAIDs", "68-69")), odg=(("Pain Chapter", "Proton pump inhibitors (PPIs)"),)),
        ),
        guideline=(
            "proton pump inhibitors are recommended for patients at intermediate or high risk for gastrointestinal events who are taking NSAIDs",
            "risk factors for gastrointestinal events include age over 65, a history of peptic ulcer, GI bleeding or perforation, concurrent use of aspirin, corticosteroids or an anticoagulant, or high dose or multiple NSAIDs",
        ),
        criteria=("Long-term proton pump inhibitor use of more than one year has been shown to increase the risk of hip fracture.",),
        upheld=(
            "There is no documentation that {pt} has any of the risk factors for a gastrointestinal event.",
            "The records do not describe any symptoms of dyspepsia, either NSAID-induced or stand-alone.",
            "As the NSAID has not been found medically necessary, the need for gastric protection is not established.",
        ),
        overturned=(
            "{Pt} has a documented history of gastritis with NSAID use and remains on naproxen.",
            "{Pt} is over 65 years of age and uses a high-dose NSAID, placing the patient at intermediate risk for gastrointestinal events.",
        ),
        other=OTHER_DRUG,
    ),
    Category(
        key="topical", weight=4.5, pharmaceutical=True, ca_topic="topical analgesics",
        variants=(
            Variant(headings=("Compound cream: Flurbiprofen 20%/Lidocaine 5%/Menthol 5% {cream_size}", "Ketoprofen 10%/Gabapentin 6%/Cyclobenzaprine 2% cream {cream_size}", "Flurbiprofen/Cyclobenzaprine/Menthol cream (20%/10%/4%) {cream_size}", "Compounded topical: Gabapentin 10%, Amitriptyline 5%, Capsaicin 0.025% {cream_size}", "Retrospective request: Tramadol 8%/Gabapentin 10%/Menthol 2% cream, {cream_size}"), nouns=("compounded topical cream", "topical compound"),
                    mtus=(("CP", "Topical Analgesics", "111-113"), ("CP", "Topical analgesics", "111"), ("CP", "Topical Analgesics, compounded", "111-113")), odg=(("Pain Chapter", "Compound creams"), ("Pain Chapter", "Topical analgesics"))),
            Variant(headings=("Lidoderm 5% patch #{qty}", "Lidocaine 5% patches #30", "Terocin patches #{qty}", "Voltaren 1% gel 100gm", "Menthoderm gel 120gm"), nouns=("topical analgesic", "Lidoderm patch"),
                    mtus=(("CP", "Lidoderm (lidocaine patch)", "56-57"), ("CP", "Topical Analgesics", "111-113"), ("CP", "Salicylate topicals", "105")), odg=(("Pain Chapter", "Lidoderm (lidocaine patch)"),)),
        ),
        guideline=(
            "topical analgesics are largely experimental in use with few randomized controlled trials to determine efficacy or safety",
            "any compounded product that contains at least one drug (or drug class) that is not recommended is not recommended",
            "topical analgesics are primarily recommended for neuropathic pain when trials of antidepressants and anticonvulsants have failed",
            "topical lidocaine may be recommended for localized peripheral pain after there has been evidence of a trial of first-line therapy",
        ),
        criteria=('The guidelines state that "there is no evidence for use of any other muscle relaxant as a topical product."', "Gabapentin is not recommended for topical use, as there is no peer-reviewed literature to support it."),
        upheld=(
            "The requested compound contains at least one ingredient that is not recommended for topical use, which results in the entire compound being not recommended.",
            "There is no documentation that {pt} has failed trials of first-line oral antidepressants or anticonvulsants.",
            "{Pt}'s ongoing usage of numerous first-line oral pharmaceuticals effectively obviates the need for the largely experimental topical compound.",
            "The records do not describe localized neuropathic pain amenable to topical treatment.",
        ),
        overturned=(
            "{Pt} has localized neuropathic pain and has failed trials of gabapentin and amitriptyline, and the patch previously reduced pain by 3 points.",
            "{Pt} cannot tolerate oral NSAIDs because of gastrointestinal bleeding, and a topical NSAID is an appropriate alternative for the {area}.",
        ),
        other=OTHER_DRUG,
    ),
    Category(
        key="neuropathic", weight=3.5, pharmaceutical=True, ca_topic="antiepilepsy drugs",
        variants=(
            Variant(headings=("Gabapentin 600mg #{qty}", "Neurontin 300mg #{qty}", "Gabapentin 300mg, #90", "Lyrica 75mg #{qty}", "Lyrica 50mg #60", "Topamax 50mg #60"), nouns=("gabapentin", "anticonvulsant"),
                    mtus=(("CP", "Antiepilepsy drugs (AEDs)", "16-22"), ("CP", "Gabapentin", "18-19"), ("CP", "Pregabalin (Lyrica)", "19-20"), ("CP", "Anti-epilepsy drugs", "16-17, 49")), odg=(("Pain Chapter", "Anti-epilepsy drugs (AEDs) for pain"),),
                    guideline=("antiepilepsy drugs are recommended for neuropathic pain due to nerve damage", "a good response to the use of antiepilepsy drugs has been defined as a 50% reduction in pain, and a moderate response as a 30% reduction", "gabapentin has been shown to be effective for treatment of diabetic painful neuropathy and postherpetic neuralgia and has been considered a first-line treatment for neuropathic pain", "after initiation of treatment there should be documentation of pain relief and improvement in function as well as documentation of side effects incurred with use of these medications")),
            Variant(headings=("Cymbalta 60mg #{qty}", "Duloxetine 30mg #{qty}", "Amitriptyline 25mg #{qty}", "Nortriptyline 10mg #30", "Elavil 25mg #30"), nouns=("antidepressant", "Cymbalta"),
                    mtus=(("CP", "Antidepressants for chronic pain", "13-16"), ("CP", "Duloxetine (Cymbalta)", "43-44"), ("CP", "Cymbalta", "15-16")), odg=(("Mental Illness and Stress Chapter", "Antidepressants for treatment of MDD (major depressive disorder)"), ("Pain Chapter", "Antidepressants for chronic pain")),
                    guideline=("antidepressants are recommended as a first-line option for neuropathic pain, and as a possibility for non-neuropathic pain", "tricyclics are generally considered a first-line agent unless they are ineffective, poorly tolerated, or contraindicated", "duloxetine is FDA-approved for anxiety, depression, diabetic neuropathy, and fibromyalgia, and is used off-label for neuropathic pain and radiculopathy", "assessment of treatment efficacy should include not only pain outcomes, but also an evaluation of function, changes in use of other analgesic medication, sleep quality and duration, and psychological assessment")),
        ),
        guideline=(
            "antiepilepsy drugs are recommended for neuropathic pain due to nerve damage",
            "a good response to the use of antiepilepsy drugs has been defined as a 50% reduction in pain, and a moderate response as a 30% reduction",
            "antidepressants are recommended as a first-line option for neuropathic pain, and as a possibility for non-neuropathic pain",
            "after initiation of treatment there should be documentation of pain relief and improvement in function as well as documentation of side effects incurred with use of these medications",
        ),
        criteria=('The guidelines note that "the continued use of AEDs for neuropathic pain depends on improved outcomes versus tolerability of adverse effects."',),
        upheld=(
            "There is no documentation of a 30% or greater reduction in pain or of objective functional improvement with {drug}.",
            "The records do not establish a diagnosis of neuropathic pain; the examination does not document sensory deficits.",
            "{Pt} has been using {drug} for over a year without clear benefit, and side effects of sedation were reported.",
        ),
        overturned=(
            "{Pt} has radicular symptoms with dermatomal sensory loss, and {drug} has resulted in a documented 40% reduction in pain.",
            "This is a first-line agent for the neuropathic symptoms documented on examination, and {pt} has not previously tried it.",
        ),
        other=OTHER_DRUG,
    ),
    Category(
        key="sleep_anxiety", weight=2.5, pharmaceutical=True, ca_topic="benzodiazepines",
        variants=(
            Variant(headings=("Ambien 10mg #30", "Zolpidem 10mg #{qty}", "Ambien CR 12.5mg #30", "Lunesta 3mg #30", "Sonata 10mg #30", "Restoril 30mg #30"), nouns=("Ambien", "sleep aid"),
                    odg=(("Pain Chapter", "Insomnia treatment"), ("Pain Chapter", "Zolpidem (Ambien)"), ("Mental Illness and Stress Chapter", "Insomnia treatment")),
                    guideline=("zolpidem is a short-acting nonbenzodiazepine hypnotic, which is approved for the short-term (usually two to six weeks) treatment of insomnia", "pharmacologic agents for insomnia should only be used after careful evaluation of potential causes of sleep disturbance", "sleeping pills, so-called minor tranquilizers, and anti-anxiety agents are commonly prescribed in chronic pain, but pain specialists rarely, if ever, recommend them for long-term use")),
            Variant(headings=("Xanax 0.5mg #{qty}", "Alprazolam 1mg #60", "Klonopin 1mg #{qty}", "Valium 10mg #{qty}", "Ativan 1mg #30"), nouns=("benzodiazepine",),
                    mtus=(("CP", "Benzodiazepines", "24"), ("CP", "Weaning of Medications", "124")), odg=(("Pain Chapter", "Benzodiazepines"),),
                    guideline=("benzodiazepines are not recommended for long-term use because long-term efficacy is unproven and there is a risk of dependence", "most guidelines limit use of benzodiazepines to 4 weeks", "chronic benzodiazepines are the treatment of choice in very few conditions, and tolerance to hypnotic effects develops rapidly")),
        ),
        guideline=(
            "benzodiazepines are not recommended for long-term use because long-term efficacy is unproven and there is a risk of dependence",
            "most guidelines limit use of benzodiazepines to 4 weeks",
            "zolpidem is a short-acting nonbenzodiazepine hypnotic, which is approved for the short-term (usually two to six weeks) treatment of insomnia",
            "pharmacologic agents for insomnia should only be used after careful evaluation of potential causes of sleep disturbance",
        ),
        criteria=("Failure of sleep disturbance to resolve in a 7 to 10 day period may indicate a psychiatric and/or medical illness.",),
        upheld=(
            "{Pt} has been using {drug} nightly for several months, which exceeds the short-term use supported by the guidelines.",
            "There is no documentation of the nature of the sleep disturbance, sleep hygiene measures, or the response to {drug}.",
            "Chronic use of {drug} in combination with opioids increases the risk of respiratory depression.",
        ),
        overturned=(
            "The request is for a short course of {drug} following an acute exacerbation, with a documented plan for discontinuation.",
            "{Pt} has documented insomnia that did not respond to sleep hygiene measures, and the request is for a two week supply.",
        ),
        other=OTHER_DRUG,
    ),
    Category(
        key="other_drug", weight=2.0, pharmaceutical=True, ca_topic="medications for chronic pain",
        variants=(
            Variant(weight=1.0, headings=("Medrol dose pack #1", "Toradol 60mg IM injection", "Retrospective request for Toradol 60mg IM injection (DOS: {d_dos})", "Ketorolac 10mg #20"), nouns=("Toradol injection", "corticosteroid taper"),
                    mtus=(("CP", "Ketorolac (Toradol)", "72"), ("CP", "NSAIDs", "67-73")), odg=(("Pain Chapter", "Ketorolac"), ("Low Back Chapter", "Oral corticosteroids")),
                    guideline=("ketorolac is not indicated for minor or chronic painful conditions", "oral corticosteroids are not recommended for chronic pain, and there is no data on the efficacy and safety of systemic corticosteroids in chronic pain", "a single intramuscular injection of ketorolac may be an option for acute pain in the emergency setting")),
            Variant(weight=0.6, headings=("Fioricet #{qty}", "Imitrex 50mg #9", "Butalbital/APAP/caffeine 50/325/40mg #30"), nouns=("Fioricet", "headache medication"),
                    mtus=(("CP", "Barbiturate-containing analgesic agents (BCAs)", "23"),), odg=(("Head Chapter", "Triptans"),),
                    guideline=("barbiturate-containing analgesic agents are not recommended for chronic pain", "the potential for drug dependence is high and no evidence exists to show a clinically important enhancement of analgesic efficacy of barbiturate-containing analgesic agents due to the barbiturate constituents", "triptans are recommended for migraine sufferers, and at marketed doses all oral triptans are effective and well tolerated")),
            Variant(weight=1.0, headings=("Sentra PM #60", "Theramine #{qty}", "Medical food: Trepadone #120", "Vitamin D 2000 IU #100"), nouns=("medical food",),
                    odg=(("Pain Chapter", "Medical food"), ("Pain Chapter", "Vitamin D (cholecalciferol)")),
                    guideline=("medical foods are not recommended for chronic pain, and they have not been shown to produce meaningful benefits or improvements in functional outcomes", "a medical food is a food formulated to be consumed or administered enterally under the supervision of a physician for the specific dietary management of a disease for which distinctive nutritional requirements exist", "vitamin D supplementation is not recommended for the treatment of chronic pain, although it is recommended in consideration of deficiency")),
        ),
        guideline=(
            "these medications are not recommended for chronic pain conditions",
            "medical foods are not recommended for chronic pain, and they have not been shown to produce meaningful benefits or improvements in functional outcomes",
            "the potential for drug dependence is high and no evidence exists to show a clinically important enhancement of analgesic efficacy",
            "ketorolac is not indicated for minor or chronic painful conditions",
        ),
        criteria=("The guidelines require that the condition be one for which there are distinctive nutritional requirements before a medical food is indicated.",),
        upheld=(
            "{Pt} has chronic pain, and there is no acute condition documented for which {drug} would be indicated.",
            "There is no documentation of a specific nutritional deficit or of benefit from prior use.",
            "The records do not describe the indication for {drug} or the response to it.",
        ),
        overturned=(
            "{Pt} presented with an acute flare of severe pain, and a single dose of {drug} administered in the office was appropriate.",
            "{Pt} has documented migraine headaches that respond to the medication, with a reduction in emergency visits.",
        ),
        other=OTHER_DRUG,
    ),
    Category(
        key="testosterone", weight=0.03, pharmaceutical=True, ca_topic="testosterone replacement",
        variants=(
            Variant(headings=("Testosterone cypionate injections 200mg/ml #{n13}", "Androgel 1.62% #1 pump", "Testosterone replacement therapy"), nouns=("testosterone replacement",),
                    mtus=(("CP", "Testosterone replacement for hypogonadism (related to opioids)", "110"),), odg=(("Pain Chapter", "Testosterone replacement for hypogonadism (related to opioids)"),)),
        ),
        guideline=(
            "testosterone replacement is recommended in limited circumstances for patients taking high-dose long-term opioids with documented low testosterone levels",
            "routine testing of testosterone levels in men taking opioids is not recommended",
        ),
        criteria=("Hypogonadism related to opioid use should be documented with serum testosterone levels before replacement is considered.",),
        upheld=("There are no laboratory results documenting low serum testosterone levels.", "{Pt} is not taking high-dose long-term opioids."),
        overturned=("{Pt} has been on high-dose opioids for several years and has documented low serum testosterone with symptoms of hypogonadism.",),
        other=("UpToDate, Testosterone treatment of male hypogonadism",),
        reviewers=("Internal Medicine",),
    ),
    Category(
        key="esi", weight=10.5, ca_topic="epidural steroid injections", companions=("iv_sedation", "epidurogram", "fluoroscopy", "myelography"),
        reviewers=("Anesthesiology", "Physical Medicine & Rehabilitation"),
        variants=(
            Variant(regions=SPINE,
                    headings=("{Adj} ESI {level1}", "{Adj} epidural steroid injection at {levels}", "{Side} {levels} Epidural Steroid Injection under Fluoroscopic Guidance x{n13}", "Transforaminal epidural steroid injection, {side} {levels}", "{Adj} ESI (epidural steroid injection) at {level1}", "{Adj} interlaminar epidural steroid injection at {level1} with fluoroscopy", "{Adj} spine: {side} {levels} transforaminal epidural steroid injections under fluoroscopic guidance with IV sedation and epidurography", "{Adj} epidural steroid injection {level1} #{n13}"),
                    nouns=("{adj} epidural steroid injection", "epidural steroid injection", "ESI at {level1}"),
                    mtus=(("CP", "Epidural Steroid Injections", "46"), ("CP", "Epidural steroid injections (ESIs)", "46"), ("CP", "Epidural Steroid Injections", "46"), ("CP", "imaging studies and/or electrodiagnostic testing", "46")),
                    odg=(("{odg_chapter}", "Epidural steroid injections (ESIs), therapeutic"),)),
        ),
        guideline=(
            "epidural steroid injections are recommended as an option for treatment of radicular pain, defined as pain in a dermatomal distribution with corroborative findings of radiculopathy",
            "the purpose of an epidural steroid injection is to reduce pain and inflammation, restoring range of motion and thereby facilitating progress in more active treatment programs and avoiding surgery, but this treatment alone offers no significant long-term functional benefit",
            "no more than two nerve root levels should be injected using transforaminal blocks, and no more than one interlaminar level should be injected at one session",
            "repeat blocks should be based on continued objective documented pain and functional improvement, including at least 50% pain relief with associated reduction of medication use for six to eight weeks",
        ),
        criteria=(
            'The criteria for the use of epidural steroid injections include: "Radiculopathy must be documented by physical examination and corroborated by imaging studies and/or electrodiagnostic testing."',
            'The patient must be "initially unresponsive to conservative treatment (exercises, physical methods, NSAIDs and muscle relaxants)."',
            "Injections should be performed using fluoroscopy (live x-ray) for guidance.",
        ),
        upheld=(
            "There is no clear clinical evidence of {adj} radiculopathy on physical examination.",
            "There is no electrodiagnostic documentation of radiculopathy, and the imaging findings do not show nerve root compression at the requested level.",
            "The documentation does not establish that {pt} has failed a recent course of conservative treatment, including physical therapy and home exercise.",
            "{Pt} underwent a prior epidural steroid injection; however, there is no documentation of at least 50% pain relief with an associated reduction in medication use for six to eight weeks.",
            "The requesting provider also sought a spine surgery consultation owing to the large disc herniation, so it does not appear that the injection is intended to avoid surgery.",
        ),
        overturned=(
            "{Pt} has radicular pain in a dermatomal distribution with {sign}, corroborated by MRI findings of nerve root compromise at {level1}.",
            "The records document failure of conservative treatment, including physical therapy, NSAIDs and muscle relaxants.",
            "The prior injection provided more than 50% pain relief for approximately eight weeks with a documented reduction in medication use and improved function.",
            "The request is for a single level, which is consistent with guideline recommendations.",
        ),
        other=OTHER_SPINE,
    ),
    Category(
        key="injection", weight=3.0, ca_topic="injections",
        companions=("iv_sedation", "fluoroscopy"),
        variants=(
            Variant(weight=3.0, regions=SPINE, headings=("Medial branch blocks {side} {levels}", "{Side} {levels} facet joint injections", "Radiofrequency ablation {side} {levels}", "{Adj} facet rhizotomy at {levels}"),
                    nouns=("facet injection", "medial branch block", "radiofrequency ablation"),
                    mtus=((12, None, "300-301"), (12, "Facet injections", "300")),
                    odg=(("{odg_chapter}", "Facet joint diagnostic blocks (injections)"), ("{odg_chapter}", "Facet joint radiofrequency neurotomy")),
                    guideline=("invasive techniques such as local injections and facet-joint injections of cortisone and lidocaine are of questionable merit", "facet joint injections are limited to patients with low back pain that is non-radicular and at no more than two levels bilaterally", "facet neurotomies should be performed only after appropriate investigation involving controlled differential dorsal ramus medial branch diagnostic blocks"),
                    upheld=("The examination documents radicular findings, which is an exclusion criterion for facet joint injections.", "The request exceeds the two levels supported by the guidelines.", "There is no documentation of a positive response to diagnostic medial branch blocks."),
                    overturned=("The examination documents non-radicular facet-mediated pain with tenderness over the facet joints, and conservative care has failed.", "Diagnostic medial branch blocks provided more than 70% relief for the duration of the anesthetic.")),
            Variant(weight=1.0, regions=("lumbar",), headings=("{Side} sacroiliac joint injection under fluoroscopy", "SI joint injection, {side}"), nouns=("sacroiliac joint injection",),
                    odg=(("Hip and Pelvis Chapter", "Sacroiliac joint blocks"),),
                    guideline=("sacroiliac joint blocks are recommended as an option if the patient has failed at least 4-6 weeks of aggressive conservative therapy", "the history and physical should suggest the diagnosis, with documentation of at least 3 positive examination findings"),
                    upheld=("The examination does not document at least 3 positive provocative tests for sacroiliac joint dysfunction.", "The documentation does not establish failure of at least 4-6 weeks of aggressive conservative therapy."),
                    overturned=("The examination documents positive FABER, Gaenslen and thigh thrust tests, and conservative care has failed.",)),
            Variant(weight=1.5, headings=("Trigger point injections x {tpi}", "Trigger point injections to the {area} #{tpi}"), nouns=("trigger point injections",),
                    mtus=(("CP", "Trigger point injections", "122"),),
                    guideline=("trigger point injections are recommended only for myofascial pain syndrome with documentation of circumscribed trigger points with evidence upon palpation of a twitch response as well as referred pain", "no more than 3 to 4 injections per session are recommended", "radiculopathy should not be present by exam, imaging, or neuro-testing"),
                    upheld=("There is no documentation of circumscribed trigger points with a twitch response and referred pain.", "The examination documents radicular findings, which is an exclusion criterion.", "The response to prior trigger point injections, in terms of percentage and duration of relief, is not documented."),
                    overturned=("The examination documents circumscribed trigger points with a twitch response and referred pain, and symptoms have persisted for more than three months despite stretching and NSAIDs.",)),
            Variant(weight=1.0, regions=("shoulder",), headings=("Cortisone injection {side} shoulder", "{Side} subacromial corticosteroid injection under ultrasound guidance"), nouns=("shoulder injection",),
                    mtus=((9, None, "204"), (9, None, "213")), odg=(("Shoulder Chapter", "Steroid injections"),),
                    guideline=("two or three subacromial injections of local anesthetic and cortisone preparation over an extended period are recommended as part of an exercise rehabilitation program to treat rotator cuff inflammation, impingement syndrome, or small tears", "invasive techniques have limited proven value"),
                    upheld=("{Pt} has already received three subacromial injections without lasting benefit.", "There is no documentation that the injection would be part of an exercise rehabilitation program."),
                    overturned=("{Pt} has impingement syndrome that has not responded to physical therapy, and no prior injection has been given.",)),
            Variant(weight=1.0, regions=("knee",), headings=("Synvisc One injection {side} knee", "Hyaluronic acid injections {side} knee x3", "Cortisone injection to the {side} knee"), nouns=("viscosupplementation injection", "knee injection"),
                    mtus=((13, None, "339"),), odg=(("Knee and Leg Chapter", "Hyaluronic acid injections"),),
                    guideline=("hyaluronic acid injections are recommended as a possible option for severe osteoarthritis for patients who have not responded adequately to recommended conservative treatments", "hyaluronic acid injections are not recommended for any other indications such as chondromalacia patellae, patellofemoral syndrome or meniscal tears"),
                    upheld=("There is no radiographic documentation of severe osteoarthritis of the {area}.", "The imaging documents a meniscal tear rather than osteoarthritis, which is not an indication for viscosupplementation."),
                    overturned=("{Pt} has severe osteoarthritis documented on standing radiographs and has failed corticosteroid injections and NSAIDs.",)),
            Variant(weight=0.4, regions=("cervical",), headings=("{Side} greater occipital nerve block", "Occipital nerve blocks x2"), nouns=("occipital nerve block",),
                    odg=(("Head Chapter", "Greater occipital nerve block (GONB)"),),
                    guideline=("greater occipital nerve blocks are under study for use in treatment of primary headaches", "studies on the use of greater occipital nerve block for treatment of migraine and cluster headaches show conflicting results"),
                    upheld=("There is no documentation of occipital neuralgia on examination.",),
                    overturned=("{Pt} has documented occipital neuralgia with tenderness over the greater occipital nerve, and the prior block provided several weeks of relief.",)),
        ),
        guideline=("invasive techniques such as local injections are of questionable merit",),
        criteria=("There should be documentation of failure of conservative treatment, including home exercise, physical therapy and NSAIDs, for at least 4 to 6 weeks prior to the procedure.",),
        upheld=("There is no documentation of failed conservative treatment for the {area}.",),
        overturned=("The prior injection provided more than 50% relief for three months with functional improvement.",),
        other=OTHER_SPINE + OTHER_PROCEDURE,
    ),
    Category(
        key="physical_therapy", weight=8.0, ca_topic="physical medicine",
        variants=(
            Variant(weight=6.0, headings=("Physical therapy x {sessions} sessions", "Physical therapy {freq} for the {area}", "Additional physical therapy {freq} {area}", "Physical therapy 2 times a week for 6 weeks for the {area}", "{sessions} sessions of physical therapy for the {area}", "Physical therapy, {freq}, {area}", "Outpatient physical therapy 2x3 weeks for the {area}"),
                    nouns=("physical therapy", "additional physical therapy"),
                    mtus=(("CP", "Physical Medicine", "98-99"), ("CP", "Physical Medicine Guidelines", "99"), ("CP", "Physical medicine", "99 of 127")), odg=(("{odg_chapter}", "Physical therapy (PT)"),)),
            Variant(weight=1.0, headings=("Aquatic therapy x {sessions}", "Pool therapy {freq}", "Aquatic therapy {freq} for the {area}"), nouns=("aquatic therapy",),
                    mtus=(("CP", "Aquatic therapy", "22"),), odg=(("{odg_chapter}", "Aquatic therapy"),),
                    guideline=("aquatic therapy is recommended as an optional form of exercise therapy, where available, as an alternative to land-based physical therapy", "aquatic therapy can minimize the effects of gravity, so it is specifically recommended where reduced weight bearing is desirable, for example extreme obesity"),
                    upheld=("There is no documentation that reduced weight bearing is desirable or that {pt} cannot tolerate land-based therapy.", "{Pt} has completed prior land-based physical therapy without documented functional improvement."),
                    overturned=("{Pt} is morbidly obese and could not tolerate land-based therapy, so reduced weight bearing is desirable.",)),
            Variant(weight=0.4, headings=("Massage therapy x 6 sessions", "Massage therapy {freq}"), nouns=("massage therapy",),
                    mtus=(("CP", "Massage therapy", "60"),),
                    guideline=("massage therapy is recommended as an option as an adjunct to other recommended treatment, such as exercise, and it should be limited to 4-6 visits in most cases", "massage is a passive intervention and treatment dependence should be avoided"),
                    upheld=("There is no documentation that massage would be used as an adjunct to an active exercise program.",),
                    overturned=("The request is limited to 6 visits as an adjunct to a home exercise program, consistent with the guidelines.",)),
        ),
        guideline=PHYSICAL_MEDICINE_GUIDELINE,
        criteria=('The guidelines state that "patients are instructed and expected to continue active therapies at home as an extension of the treatment process in order to maintain improvement levels."',),
        upheld=PHYSICAL_MEDICINE_UPHELD, overturned=PHYSICAL_MEDICINE_OVERTURNED,
        other=OTHER_PROCEDURE,
    ),
    Category(
        key="chiropractic", weight=3.0, ca_topic="manual therapy & manipulation", reviewers=("Chiropractor",),
        variants=(
            Variant(headings=("Chiropractic treatment {freq} {area}", "Chiropractic manipulation x {sessions} sessions", "Chiropractic care 2 x 4 for the {area}", "Chiropractic therapy with myofascial release and electrical stimulation {freq}"),
                    nouns=("chiropractic treatment", "chiropractic manipulative therapy"),
                    mtus=(("CP", "Manual therapy & manipulation", "58-60"), ("CP", "Manual Therapy and Manipulation", "58")), odg=(("{odg_chapter}", "Manipulation"),)),
        ),
        guideline=(
            "manual therapy and manipulation are recommended for chronic pain if caused by musculoskeletal conditions",
            "a trial of 6 visits over 2 weeks is recommended, with evidence of objective functional improvement, a total of up to 18 visits over 6-8 weeks",
            "elective or maintenance care is not medically necessary",
        ),
        criteria=('For recurrences or flare-ups, the guidelines state the need "to re-evaluate treatment success, if return to work achieved then 1-2 visits every 4-6 months."',),
        upheld=(
            "{Pt} has had extensive prior chiropractic care without documentation of objective functional improvement.",
            "Chiropractic manipulation is not recommended for the {area} under the guidelines cited.",
            "The request appears to represent maintenance care, which is not supported.",
        ),
        overturned=(
            "{Pt} has not had prior chiropractic care, and a trial of 6 visits is supported.",
            "Prior chiropractic care resulted in a return to full duty, and this is a flare-up of symptoms.",
        ),
    ),
    Category(
        key="acupuncture", weight=3.0, ca_topic="acupuncture",
        variants=(
            Variant(headings=("Acupuncture x {sessions} sessions", "Acupuncture {freq} for the {area}", "Additional acupuncture x 6 visits", "Acupuncture with electrical stimulation {freq}"),
                    nouns=("acupuncture",),
                    mtus=((None, "Acupuncture Medical Treatment Guidelines", ""), (None, "Acupuncture Medical Treatment Guidelines", "8-9")), odg=(("Pain Chapter", "Acupuncture"),)),
        ),
        guideline=(
            "acupuncture is used as an option when pain medication is reduced or not tolerated, or as an adjunct to physical rehabilitation and/or surgical intervention to hasten functional recovery",
            "the time to produce functional improvement is 3 to 6 treatments",
            "acupuncture treatments may be extended if functional improvement is documented",
        ),
        criteria=('The Acupuncture Medical Treatment Guidelines define functional improvement as "either a clinically significant improvement in activities of daily living or a reduction in work restrictions."',),
        upheld=(
            "{Pt} has completed prior acupuncture sessions, and there is no documentation of functional improvement as defined by the guidelines.",
            "The requested number of sessions exceeds the 3 to 6 treatments recommended to produce functional improvement.",
            "There is no documentation that pain medication has been reduced or is not tolerated.",
        ),
        overturned=(
            "{Pt} has not had acupuncture previously, and an initial trial is consistent with the guidelines.",
            "Prior acupuncture resulted in a reduction in medication use and work restrictions.",
        ),
    ),
    Category(
        key="imaging", weight=4.5, ca_topic="special studies",
        variants=(
            Variant(regions=("lumbar",), headings=("MRI of the lumbar spine without contrast", "Repeat MRI lumbar spine", "MRI L-spine", "CT scan of the lumbar spine", "X-rays of the lumbar spine, 3 views", "Lumbar spine MRI with and without contrast"),
                    nouns=("lumbar MRI", "imaging of the lumbar spine"), mtus=((12, None, "303-304"), (12, "Special Studies", "303"), (12, None, "309")), odg=(("Low Back Chapter", "MRIs (magnetic resonance imaging)"),)),
            Variant(regions=("cervical",), headings=("MRI of the cervical spine", "MRI C-spine without contrast", "Repeat cervical MRI", "Cervical spine x-rays with flexion and extension views"),
                    nouns=("cervical MRI", "imaging of the cervical spine"), mtus=((8, None, "177-178"), (8, "Special Studies and Diagnostic and Treatment Considerations", "177-178"), (8, None, "182")), odg=(("Neck and Upper Back Chapter", "Magnetic resonance imaging (MRI)"),)),
            Variant(regions=("shoulder",), headings=("MRI {side} shoulder", "MR arthrogram of the {side} shoulder", "MRI of the {side} shoulder without contrast"),
                    nouns=("shoulder MRI",), mtus=((9, None, "207-209"), (9, None, "214")), odg=(("Shoulder Chapter", "Magnetic resonance imaging (MRI)"),)),
            Variant(regions=("knee",), headings=("MRI {side} knee", "Repeat MRI of the {side} knee", "X-rays of the {side} knee, standing views"),
                    nouns=("knee MRI",), mtus=((13, None, "341-343"), (13, None, "343")), odg=(("Knee and Leg Chapter", "MRI's (magnetic resonance imaging)"),)),
            Variant(regions=("wrist",), headings=("MRI {side} wrist", "X-rays of the {side} hand and wrist"),
                    nouns=("wrist MRI",), mtus=((11, None, "268-269"),), odg=(("Forearm Chapter", "MRI's (magnetic resonance imaging)"),)),
            Variant(weight=0.25, headings=("Bone scan", "Whole body bone scan", "Triple phase bone scan"), nouns=("bone scan",), odg=(("Low Back Chapter", "Bone scan"), ("Pain Chapter", "CRPS, diagnostic tests")),
                    guideline=("bone scans are not recommended, except for bone infection, cancer, or arthritis", "a triple phase bone scan is recommended for the diagnosis of complex regional pain syndrome when the clinical picture is unclear"),
                    upheld=("There is no suspicion of infection, malignancy, or complex regional pain syndrome documented.",),
                    overturned=("{Pt} has findings suggestive of complex regional pain syndrome, and the bone scan would help confirm the diagnosis.",)),
        ),
        guideline=(
            "unequivocal objective findings that identify specific nerve compromise on the neurologic examination are sufficient evidence to warrant imaging in patients who do not respond to treatment and who would consider surgery an option",
            "repeat MRI is not routinely recommended, and should be reserved for a significant change in symptoms and/or findings suggestive of significant pathology",
            "imaging studies are indicated for emergence of a red flag, physiologic evidence of tissue insult or neurologic dysfunction, failure to progress in a strengthening program intended to avoid surgery, or clarification of the anatomy prior to an invasive procedure",
        ),
        criteria=("Red flags include tumor, infection, fracture, cauda equina syndrome and progressive neurologic deficit.",),
        upheld=(
            "{Pt} already had an MRI of the {area}, and there is no documentation of a significant change in symptoms or new neurologic findings since that study.",
            "There are no red flags or progressive neurologic deficits documented on examination.",
            "There is no indication that {pt} is considering surgical intervention.",
            "The prior imaging results were not provided for review.",
        ),
        overturned=(
            "{Pt} has progressive neurologic deficits, including {sign}, despite more than 6 weeks of conservative treatment, and is considering surgery.",
            "There has been a significant change in symptoms since the prior study, warranting repeat imaging.",
        ),
        other=OTHER_PROCEDURE,
    ),
    Category(
        key="electrodiagnostic", weight=2.5, ca_topic="electrodiagnostic studies",
        reviewers=("Neurology", "Physical Medicine and Rehabilitation"),
        variants=(
            Variant(regions=("lumbar",), headings=("EMG/NCV bilateral lower extremities", "EMG/NCS of the {limbs}", "Electromyography (EMG) of the {side} lower extremity", "NCV of the bilateral lower extremities"),
                    nouns=("EMG/NCV", "electrodiagnostic testing"), mtus=((12, None, "303"), (12, None, "303-304")), odg=(("Low Back Chapter", "EMGs (electromyography)"), ("Low Back Chapter", "Nerve conduction studies (NCS)"))),
            Variant(regions=("cervical", "wrist"), headings=("EMG/NCV of the bilateral upper extremities", "EMG/NCS of the {limbs}", "Nerve conduction studies of the {side} upper extremity"),
                    nouns=("EMG/NCV", "electrodiagnostic testing"), mtus=((8, None, "178"), (11, None, "261")), odg=(("Neck and Upper Back Chapter", "Electromyography (EMG)"), ("Carpal Tunnel Syndrome Chapter", "Electrodiagnostic studies (EDS)"))),
        ),
        guideline=(
            "electromyography, including H-reflex tests, may be useful to identify subtle, focal neurologic dysfunction in patients with low back symptoms lasting more than three or four weeks",
            "electrodiagnostic studies are recommended when the neurologic examination is less clear, before ordering an imaging study",
            "nerve conduction studies are not recommended when a patient is presumed to have symptoms on the basis of radiculopathy",
        ),
        criteria=("Electrodiagnostic testing is not recommended when radiculopathy is already clinically obvious.",),
        upheld=(
            "{Pt} already has clinically obvious radiculopathy corroborated by MRI, so electrodiagnostic testing would not change management.",
            "There are no neurologic deficits documented on examination to suggest peripheral nerve entrapment.",
            "Electrodiagnostic studies were performed within the past year, and there is no documented change in symptoms.",
        ),
        overturned=(
            "{Pt} has numbness and tingling in the {limbs} with equivocal examination findings, and electrodiagnostic testing is needed to distinguish radiculopathy from a peripheral neuropathy.",
            "{Pt} has persistent paresthesias despite conservative care, and surgery is being considered.",
        ),
    ),
    Category(
        key="drug_testing", weight=2.0, ca_topic="drug testing",
        variants=(
            Variant(headings=("Urine drug screen", "Urine toxicology screening", "Retrospective urine drug screen (DOS: {d_dos})", "Urine drug testing x 4 per year", "Genetic testing for opioid metabolism"),
                    nouns=("urine drug screen", "drug testing"),
                    mtus=(("CP", "Drug testing", "43"), ("CP", "Opioids, steps to avoid misuse/addiction", "94"), ("CP", "Opioids, criteria for use", "78")), odg=(("Pain Chapter", "Urine drug testing (UDT)"), ("Pain Chapter", "Genetic testing for potential opioid abuse"))),
        ),
        guideline=(
            "drug testing is recommended as an option, using a urine drug screen to assess for the use or the presence of illegal drugs",
            "patients at low risk of addiction or aberrant behavior should be tested within six months of initiation of therapy and on a yearly basis thereafter",
            "frequent random urine toxicology screens are recommended for patients at high risk of abuse",
        ),
        criteria=(),
        upheld=(
            "{Pt} had a urine drug screen one month earlier that was consistent with the prescribed medications, and there is no documentation of aberrant behavior.",
            "{Pt} is not currently taking opioid medications.",
            "The frequency of testing requested exceeds the guideline recommendation for a patient at low risk.",
        ),
        overturned=(
            "{Pt} is on chronic opioid therapy and has not had a drug screen in over a year.",
            "There is documentation of early refill requests, which places {pt} at higher risk and supports testing.",
        ),
    ),
    Category(
        key="dme", weight=5.5, ca_topic="durable medical equipment",
        variants=(
            Variant(weight=2.0, headings=("TENS unit", "TENS unit purchase", "TENS unit with supplies x {months} months", "30 day trial of a TENS unit"), nouns=("TENS unit",),
                    mtus=(("CP", "Transcutaneous electrotherapy", "114-116"), ("CP", "TENS, chronic pain (transcutaneous electrical nerve stimulation)", "114-116")), odg=(("Pain Chapter", "TENS (transcutaneous electrical nerve stimulation)"),),
                    guideline=("a one-month home-based TENS trial may be considered as a noninvasive conservative option if used as an adjunct to a program of evidence-based functional restoration", "TENS is not recommended as a primary treatment modality", "a treatment plan including the specific short- and long-term goals of treatment with the TENS unit should be submitted"),
                    upheld=("There is no documentation of a successful one-month trial with documentation of how often the unit was used, as well as outcomes in terms of pain relief and function.", "There is no documentation that the device will be used as an adjunct to a program of functional restoration.", "{Pt} has neck and low back pain, which are not among the conditions for which TENS is supported."),
                    overturned=("{Pt} completed a one-month trial with documented reduction in pain and medication use, and the unit is used as an adjunct to a home exercise program.",)),
            Variant(weight=1.0, headings=("Interferential stimulator unit rental x {months} months", "IF unit", "H-wave unit purchase", "Home H-wave device"), nouns=("interferential unit", "electrical stimulation unit"),
                    mtus=(("CP", "Interferential Current Stimulation (ICS)", "118-120"), ("CP", "H-wave stimulation (HWT)", "117-118")), odg=(("Pain Chapter", "Interferential current stimulation (ICS)"),),
                    guideline=("interferential current stimulation is not recommended as an isolated intervention", "there is no quality evidence of effectiveness of interferential current stimulation except in conjunction with recommended treatments, including return to work, exercise and medications", "H-wave stimulation is not recommended as an isolated intervention, but a one-month home-based trial may be considered following failure of initially recommended conservative care, including TENS"),
                    upheld=("There is no documentation that {pt} has failed a trial of TENS.", "The device would be used as an isolated intervention rather than as an adjunct to active therapy."),
                    overturned=("{Pt} has failed TENS, physical therapy and medications, and a one-month trial showed decreased medication use.",)),
            Variant(weight=1.5, regions=("lumbar",), headings=("Lumbar brace", "LSO back brace", "Lumbar support", "Purchase of a lumbar-sacral orthosis"), nouns=("lumbar support", "back brace"),
                    mtus=((12, None, "301"), (12, None, "298, 301")), odg=(("Low Back Chapter", "Lumbar supports"),),
                    guideline=("lumbar supports have not been shown to have any lasting benefit beyond the acute phase of symptom relief", "lumbar supports are not recommended for prevention, and are an option for treatment of compression fractures and specific treatment of spondylolisthesis or documented instability"),
                    upheld=("{Pt} is well outside the acute phase of symptoms, for which a lumbar support may be beneficial.", "There is no documentation of instability, spondylolisthesis or a compression fracture."),
                    overturned=("{Pt} has documented spondylolisthesis with instability on flexion and extension views.",)),
            Variant(weight=1.0, regions=("cervical",), headings=("Cervical traction unit", "Home cervical traction unit", "Soft cervical collar"), nouns=("cervical traction unit",),
                    mtus=((8, None, "173"), (8, None, "181")), odg=(("Neck and Upper Back Chapter", "Traction (mechanical)"),),
                    guideline=("there is no high-grade scientific evidence to support the effectiveness or ineffectiveness of passive physical modalities such as traction", "home cervical patient controlled traction is recommended for patients with radicular symptoms, in conjunction with a home exercise program"),
                    upheld=("There are no radicular symptoms documented on examination.", "There is no documentation that the traction would be used in conjunction with a home exercise program."),
                    overturned=("{Pt} has cervical radicular symptoms and responded to traction during physical therapy, and will use it with a home exercise program.",)),
            Variant(weight=1.5, regions=("knee", "shoulder", "wrist"), headings=("Hinged knee brace, {side}", "{Side} wrist splint", "Cold therapy unit x {days_rental} day rental", "Hot/cold therapy unit", "Continuous passive motion (CPM) machine x 21 days"), nouns=("brace", "cold therapy unit"),
                    mtus=((13, None, "340"), (11, None, "265")), odg=(("{odg_chapter}", "Continuous-flow cryotherapy"), ("{odg_chapter}", "Durable medical equipment (DME)")),
                    guideline=("a brace can be used for patellar instability, anterior cruciate ligament tear, or medial collateral ligament instability, although its benefits may be more emotional than medical", "continuous-flow cryotherapy is recommended as an option after surgery, but not for nonsurgical treatment", "splinting of the wrist in a neutral position at night and during the day as needed is recommended"),
                    upheld=("There is no documentation of ligamentous instability or recent surgery.", "{Pt} is not in the postoperative period, and at-home local applications of cold packs are as effective."),
                    overturned=("The device is requested for the immediate postoperative period, which is supported.",)),
            Variant(weight=1.0, headings=("Orthopedic mattress", "Home exercise kit", "Shower chair", "Motorized scooter", "Power wheelchair", "Four-wheeled walker with seat"), nouns=("durable medical equipment", "the equipment"),
                    mtus=(("CP", "Power mobility devices (PMDs)", "99"),), odg=(("Knee and Leg Chapter", "Durable medical equipment (DME)"), ("Low Back Chapter", "Mattress selection"))),
        ),
        guideline=(
            "durable medical equipment is recommended generally if there is a medical need and if the device or system meets Medicare's definition of durable medical equipment",
            "power mobility devices are not recommended if the functional mobility deficit can be sufficiently resolved by the prescription of a cane or walker",
        ),
        criteria=('Durable medical equipment is defined as equipment that "can withstand repeated use, is primarily and customarily used to serve a medical purpose, and generally is not useful to a person in the absence of illness or injury."',),
        upheld=(
            "The item requested is not primarily medical in nature and would be useful in the absence of injury.",
            "There is no documentation of a functional mobility deficit that cannot be resolved with a cane or walker.",
        ),
        overturned=("{Pt} has a documented functional deficit, and the equipment is primarily medical in nature.",),
    ),
    Category(
        key="surgery", weight=5.0, ca_topic="surgical considerations",
        companions=("assistant_surgeon", "preop_clearance", "postop_pt", "cold_therapy", "inpatient_stay"),
        reviewers=("Orthopedic Surgery", "Orthopedic Surgery", "Neurological Surgery"),
        variants=(
            Variant(regions=("lumbar",), headings=("L4-L5 posterior lumbar interbody fusion", "Lumbar fusion {levels}", "{Side} L5-S1 microdiscectomy", "Lumbar laminectomy and discectomy at {level1}", "Anterior/posterior lumbar fusion at {levels} with 3 day inpatient stay"),
                    nouns=("lumbar surgery", "lumbar fusion"), mtus=((12, None, "305-307"), (12, "Surgical Considerations", "305-306")), odg=(("Low Back Chapter", "Fusion (spinal)"), ("Low Back Chapter", "Discectomy/laminectomy")),
                    guideline=("spinal fusion is not recommended in the absence of fracture, dislocation, or instability with spondylolisthesis", "surgical consultation is indicated for patients with severe and disabling lower leg symptoms in a distribution consistent with abnormalities on imaging studies, preferably with accompanying objective signs of neural compromise", "patients with acute low back pain alone, without findings of serious conditions or significant nerve root compromise, rarely benefit from either surgical consultation or surgery"),
                    upheld=("There is no documentation of instability on flexion and extension radiographs.", "{Pt} has not had a preoperative psychological screening.", "The imaging findings do not correlate with the examination findings.", "There is no evidence that {pt} has stopped smoking, and continued smoking adversely affects fusion rates."),
                    overturned=("{Pt} has grade II spondylolisthesis with instability on flexion and extension views and has failed more than six months of conservative care.", "The MRI findings correlate with the examination findings of {sign}, and symptoms limit activity despite conservative treatment.")),
            Variant(regions=("cervical",), headings=("Anterior cervical discectomy and fusion {levels}", "ACDF at {levels}", "Cervical disc arthroplasty at {level1}"),
                    nouns=("cervical surgery", "cervical fusion"), mtus=((8, None, "180-183"), (8, "Surgical Considerations", "180")), odg=(("Neck and Upper Back Chapter", "Fusion, anterior cervical"),),
                    guideline=("surgical consultation is indicated for persistent, severe, and disabling shoulder or arm symptoms, activity limitation for more than one month, and clear clinical, imaging, and electrophysiologic evidence of a lesion that has been shown to benefit from surgical repair", "cervical fusion for degenerative disease resulting in axial neck pain and no radiculopathy remains controversial"),
                    upheld=("There is no electrophysiologic evidence of radiculopathy, and the examination does not document a neurologic deficit.", "{Pt} has predominantly axial neck pain without radiculopathy."),
                    overturned=("{Pt} has progressive weakness and a C6 radiculopathy confirmed by electrodiagnostic testing, with concordant foraminal stenosis on MRI.",)),
            Variant(regions=("shoulder",), headings=("{Side} shoulder arthroscopy with subacromial decompression and distal clavicle excision", "{Side} shoulder arthroscopic rotator cuff repair", "Arthroscopic {side} shoulder surgery: subacromial decompression, debridement, possible rotator cuff repair, possible biceps tenodesis"),
                    nouns=("shoulder surgery", "arthroscopic shoulder surgery"), mtus=((9, None, "209-211"), (9, "Surgical Considerations", "210-211")), odg=(("Shoulder Chapter", "Surgery for impingement syndrome"), ("Shoulder Chapter", "Surgery for rotator cuff repair")),
                    guideline=("surgery for impingement syndrome is usually arthroscopic decompression, and conservative care, including cortisone injections, should be carried out for at least three to six months before considering surgery", "rotator cuff repair is indicated for significant tears that impair activities by causing weakness of arm elevation or rotation"),
                    upheld=("There is no documentation that {pt} has completed three to six months of conservative care, including a subacromial injection.", "The MRI does not demonstrate a full-thickness rotator cuff tear."),
                    overturned=("{Pt} has a full-thickness rotator cuff tear with weakness of elevation and has failed more than six months of conservative care, including two injections.",)),
            Variant(regions=("knee",), headings=("{Side} knee arthroscopy with partial medial meniscectomy", "{Side} total knee arthroplasty", "{Side} knee arthroscopy, chondroplasty and partial meniscectomy"),
                    nouns=("knee surgery", "knee arthroscopy"), mtus=((13, None, "344-345"), (13, "Surgical Considerations", "344")), odg=(("Knee and Leg Chapter", "Meniscectomy"), ("Knee and Leg Chapter", "Knee joint replacement")),
                    guideline=("arthroscopic partial meniscectomy usually has a high success rate for cases in which there is clear evidence of a meniscus tear, symptoms other than simply pain, and consistent findings on MRI", "knee joint replacement is recommended when conservative care has failed and there is radiographic evidence of significant osteoarthritis, limited range of motion, and a body mass index of less than 40"),
                    upheld=("There are no mechanical symptoms such as locking or giving way documented.", "The imaging shows degenerative changes, and arthroscopic surgery for knee osteoarthritis is not recommended."),
                    overturned=("{Pt} has locking and giving way with a positive McMurray's test and a concordant meniscal tear on MRI, and has failed conservative care.",)),
            Variant(regions=("wrist",), headings=("{Side} carpal tunnel release", "{Side} endoscopic carpal tunnel release", "{Side} trigger finger release of the long finger", "{Side} De Quervain's release"),
                    nouns=("carpal tunnel release", "hand surgery"), mtus=((11, None, "270"), (11, None, "270-271")), odg=(("Carpal Tunnel Syndrome Chapter", "Carpal tunnel release surgery (CTR)"),),
                    guideline=("carpal tunnel syndrome must be proved by positive findings on clinical examination and the diagnosis should be supported by nerve-conduction tests before surgery is undertaken", "surgical decompression of the median nerve usually relieves carpal tunnel syndrome symptoms"),
                    upheld=("There are no nerve conduction studies documenting carpal tunnel syndrome.", "There is no documentation of failed splinting or a corticosteroid injection."),
                    overturned=("{Pt} has positive Tinel's and Phalen's signs, moderate carpal tunnel syndrome on nerve conduction studies, and failed splinting and an injection.",)),
        ),
        guideline=("surgical consultation is indicated for patients who have clear clinical and imaging evidence of a lesion that has been shown to benefit from surgical repair, and failure of conservative care",),
        criteria=('The guidelines require "clear clinical and imaging evidence of a lesion that has been shown to benefit in both the short and long term from surgical repair."',),
        upheld=("There is no documentation that {pt} has exhausted conservative care.",),
        overturned=("{Pt} has clear clinical and imaging evidence of a lesion amenable to surgical repair and has failed more than six months of conservative care.",),
        other=OTHER_PROCEDURE,
    ),
    Category(
        key="scs", weight=0.8, ca_topic="spinal cord stimulators", companions=("psych_eval",),
        variants=(
            Variant(headings=("Spinal cord stimulator trial", "Percutaneous spinal cord stimulator trial with 2 leads", "Spinal cord stimulator implantation"),
                    nouns=("spinal cord stimulator trial", "spinal cord stimulator"),
                    mtus=(("CP", "Spinal cord stimulators (SCS)", "105-107"), ("CP", "Psychological evaluations, IDDS & SCS", "101")), odg=(("Pain Chapter", "Spinal cord stimulators (SCS)"),)),
        ),
        guideline=(
            "spinal cord stimulators are recommended only for selected patients in cases when less invasive procedures have failed or are contraindicated, for specific conditions, and following a successful temporary trial",
            "indications for stimulator implantation include failed back syndrome and complex regional pain syndrome",
            "a psychological evaluation is recommended prior to a spinal cord stimulator trial",
        ),
        criteria=(),
        upheld=("There is no documentation of a psychological clearance prior to the trial.", "{Pt} does not have a diagnosis of failed back surgery syndrome or complex regional pain syndrome."),
        overturned=("{Pt} has failed back surgery syndrome after two lumbar surgeries, has failed conservative care, and has been psychologically cleared for the trial.",),
    ),
    Category(
        key="frp", weight=1.8, ca_topic="functional restoration programs",
        variants=(
            Variant(headings=("Functional restoration program x {frp_hours} hours", "HELP functional restoration program x {frp_days} days", "{frp_days} day functional restoration program", "Multidisciplinary evaluation for a functional restoration program", "Functional restoration program, 5 days a week for 2 weeks"),
                    nouns=("functional restoration program", "functional restoration program"),
                    mtus=(("CP", "Functional restoration programs (FRPs)", "49"), ("CP", "Chronic pain programs (functional restoration programs)", "30-32"), ("CP", "Chronic pain programs", "30-34"), ("CP", "Functional restoration programs", "30-32, 49")), odg=(("Pain Chapter", "Functional restoration programs (FRPs)"),)),
        ),
        guideline=(
            "functional restoration programs are recommended where there is access to programs with proven successful outcomes, for patients with conditions that put them at risk of delayed recovery",
            "treatment in a functional restoration program is not suggested for longer than 2 weeks without evidence of demonstrated efficacy as documented by subjective and objective gains",
            "total treatment duration should generally not exceed 20 full-day sessions",
        ),
        criteria=('Criteria include that "an adequate and thorough evaluation has been made, including baseline functional testing so follow-up with the same test can note functional improvement" and that "previous methods of treating chronic pain have been unsuccessful and there is an absence of other options likely to result in significant clinical improvement."',),
        upheld=(
            "{Pt} has been off work for several years, which is a negative predictor of success in a functional restoration program.",
            "There is no baseline functional testing documented, and {pt} remains a surgical candidate.",
            "{Pt} has not demonstrated motivation to change and has not exhausted other treatment options.",
            "{Pt} has already completed 160 hours of a functional restoration program, and additional treatment is not supported.",
        ),
        overturned=(
            "{Pt} has had a thorough multidisciplinary evaluation with baseline functional testing, is not a surgical candidate, and is motivated to return to work.",
            "{Pt} demonstrated objective functional gains in the first two weeks of the program, supporting continuation.",
        ),
    ),
    Category(
        key="home_health", weight=0.8, ca_topic="home health services",
        variants=(
            Variant(headings=("Home health care {hh_hours} hours per day, {hh_days} days per week x {hh_weeks} weeks", "Home health aide assistance", "Home health nursing visits x {visits}"),
                    nouns=("home health care", "home health services"),
                    mtus=(("CP", "Home health services", "51"),), odg=(("Low Back Chapter", "Home health services"),)),
        ),
        guideline=(
            "home health services are recommended only for otherwise recommended medical treatment for patients who are homebound, on a part-time or intermittent basis, generally up to no more than 35 hours per week",
            "medical treatment does not include homemaker services like shopping, cleaning, and laundry, and personal care given by home health aides like bathing, dressing, and using the bathroom when this is the only care needed",
        ),
        criteria=(),
        upheld=("There is no documentation that {pt} is homebound.", "The services requested are homemaker and personal care services, which are not considered medical treatment."),
        overturned=("{Pt} is homebound following surgery and requires skilled wound care on an intermittent basis.",),
    ),
    Category(
        key="consultation", weight=4.0, ca_topic="consultations",
        variants=(
            Variant(headings=("Pain management consultation", "Referral to a pain management specialist", "Follow-up visit with pain management", "Internal medicine consultation", "Psychiatric consultation", "Office visits x {visits}"),
                    nouns=("pain management consultation", "specialist referral"),
                    acoem=((7, "127"), (7, "127")), odg=(("Pain Chapter", "Office visits"),), mtus=(("CP", "Chronic pain programs, early intervention", "32-33"),)),
            Variant(headings=("Orthopedic surgeon consultation for the {area}", "Spine surgery consultation", "Neurosurgical consultation", "Consultation with a hand surgeon"),
                    nouns=("surgical consultation",),
                    acoem=((7, "127"),), mtus=((12, None, "305-306"), (9, None, "209-210"), (13, None, "343"))),
        ),
        guideline=(
            "a referral may be appropriate if the practitioner is uncomfortable with the line of inquiry outlined above, with treating a particular cause of delayed recovery, or has difficulty obtaining information or agreement to a treatment plan",
            "the occupational health practitioner may refer to other specialists if a diagnosis is uncertain or extremely complex, when psychosocial factors are present, or when the plan or course of care may benefit from additional expertise",
            "office visits are recommended as determined to be medically necessary, and the need for a clinical office visit is individualized based upon the patient's concerns, signs and symptoms, and clinical stability",
        ),
        criteria=(),
        upheld=(
            "The treating provider has not stated what the consultation is intended to clarify or how it would change the treatment plan.",
            "{Pt} is already under the care of a specialist in this field.",
            "{Pt} is not a surgical candidate based on the imaging findings, so a surgical consultation is not indicated.",
        ),
        overturned=(
            "{Pt} has persistent symptoms despite extensive treatment, and the diagnosis remains uncertain, which supports a specialist referral.",
            "{Pt} has a surgical lesion on MRI with correlating findings and has failed conservative care, so a surgical consultation is appropriate.",
        ),
    ),
    Category(
        key="fce", weight=0.6, ca_topic="functional capacity evaluation",
        variants=(
            Variant(headings=("Functional capacity evaluation", "Functional capacity evaluation (FCE)"), nouns=("functional capacity evaluation",),
                    acoem=((7, "137-138"),), odg=(("Fitness for Duty Chapter", "Functional capacity evaluation (FCE)"),)),
        ),
        guideline=(
            "there is little scientific evidence confirming that functional capacity evaluations predict an individual's actual capacity to perform in the workplace",
            "a functional capacity evaluation should be considered if case management is hampered by complex issues such as prior unsuccessful return to work attempts",
        ),
        criteria=(),
        upheld=("There is no documentation of prior unsuccessful return to work attempts or of a specific job to which {pt} would return.", "{Pt} is not yet at maximal medical improvement."),
        overturned=("{Pt} is at maximal medical improvement and has had unsuccessful return to work attempts, and the evaluation is needed to define work restrictions.",),
    ),
    Category(
        key="psychological", weight=2.0, ca_topic="behavioral interventions", reviewers=("Psychiatry", "Psychologist"),
        variants=(
            Variant(headings=("Cognitive behavioral therapy x {sessions} sessions", "Psychotherapy x {sessions}", "Biofeedback x 6 sessions", "Psychological evaluation", "Psychiatric follow up visits x {visits}"),
                    nouns=("cognitive behavioral therapy", "psychotherapy", "psychological treatment"),
                    mtus=(("CP", "Behavioral interventions", "23"), ("CP", "Psychological treatment", "101-102"), ("CP", "Biofeedback", "24-25")), odg=(("Mental Illness and Stress Chapter", "Cognitive therapy for depression"), ("Mental Illness and Stress Chapter", "Psychotherapy guidelines"))),
        ),
        guideline=(
            "an initial trial of 3-4 psychotherapy visits over 2 weeks is recommended, and with evidence of objective functional improvement, a total of up to 6-10 visits over 5-6 weeks",
            "psychological treatment is recommended for appropriately identified patients during treatment for chronic pain",
        ),
        criteria=(),
        upheld=("{Pt} has already completed more than 20 sessions of psychotherapy without documentation of objective functional improvement.", "The requested number of sessions exceeds the initial trial recommended by the guidelines."),
        overturned=("{Pt} has documented depression and fear avoidance beliefs, and has not had prior psychological treatment.",),
    ),
    Category(
        key="work_conditioning", weight=0.7, ca_topic="work conditioning, work hardening",
        variants=(
            Variant(headings=("Work hardening program x {sessions} sessions", "Work conditioning 3 x 4"), nouns=("work hardening program", "work conditioning"),
                    mtus=(("CP", "Work conditioning, work hardening", "125"),), odg=(("{odg_chapter}", "Work conditioning (WC) physical therapy"),)),
        ),
        guideline=("work conditioning is recommended as an option depending on the availability of quality programs, for patients with a defined return to work goal agreed to by the employer and employee",),
        criteria=('Criteria include "a defined return to work goal agreed to by the employer and employee" and that the worker must be no more than 2 years past the date of injury.',),
        upheld=("There is no documentation of a specific job to return to or a defined return to work goal agreed to by the employer.", "{Pt} is more than 2 years past the date of injury."),
        overturned=("{Pt} has a job offer with a defined return to work goal and has plateaued with physical therapy.",),
    ),
    Category(
        key="misc", weight=1.5, ca_topic="treatment guidelines",
        variants=(
            Variant(headings=("Gym membership x {months} months", "Gym membership with pool access"), nouns=("gym membership",), odg=(("Low Back Chapter", "Gym memberships"),),
                    guideline=("gym memberships are not recommended as a medical prescription unless a documented home exercise program with periodic assessment and revision has not been effective and there is a need for equipment", "treatment needs to be monitored and administered by medical professionals"),
                    upheld=("There is no documentation that a home exercise program has been ineffective or that specialized equipment is needed.",),
                    overturned=("A supervised home exercise program with periodic revision has failed, and the documented need for pool equipment is specific.",)),
            Variant(headings=("Extracorporeal shockwave therapy {side} shoulder x 3", "ESWT for the {area}"), nouns=("shockwave therapy",), odg=(("{odg_chapter}", "Extracorporeal shockwave therapy (ESWT)"),), mtus=((9, None, "203"),),
                    guideline=("extracorporeal shockwave therapy is recommended for calcifying tendinitis but not for other shoulder disorders", "some medium quality evidence supports manual physical therapy, ultrasound, and high energy extracorporeal shock wave therapy for calcifying tendinitis of the shoulder"),
                    upheld=("There is no documentation of calcifying tendinitis.",),
                    overturned=("{Pt} has calcifying tendinitis on radiographs that has not responded to six months of conservative care.",)),
            Variant(headings=("Platelet-rich plasma injection {area}", "PRP injection"), nouns=("platelet-rich plasma injection",), odg=(("{odg_chapter}", "Platelet-rich plasma (PRP)"),),
                    guideline=("platelet-rich plasma injections are under study, and the evidence for their use remains limited",),
                    upheld=("The evidence for this treatment is insufficient, and no exceptional circumstances are documented.",),
                    overturned=("{Pt} has chronic tendinopathy that failed all recommended treatments, and surgery is the only alternative.",)),
            Variant(headings=("Weight loss program", "Medically supervised weight loss program x 10 weeks"), nouns=("weight loss program",), odg=(("Diabetes Chapter", "Lifestyle (diet & exercise) modifications"),),
                    guideline=("lifestyle modifications, including diet and exercise, are recommended as the first-line intervention", "physician-supervised weight loss programs are recommended only when prior attempts at weight loss have failed and the body mass index exceeds 30"),
                    upheld=("There is no documentation of prior failed attempts at weight loss through diet and exercise.",),
                    overturned=("{Pt} has a body mass index over 40, has failed prior diet and exercise, and weight loss is required before knee surgery.",)),
            Variant(headings=("Transportation to and from medical appointments", "Sleep study", "Polysomnography"), nouns=("the service",), odg=(("Knee and Leg Chapter", "Transportation (to & from appointments)"), ("Pain Chapter", "Polysomnography")),
                    guideline=("transportation is recommended for medically necessary transportation to appointments in the same community for patients with disabilities preventing them from self-transport", "polysomnography is recommended after at least six months of an insomnia complaint, unresponsive to behavior intervention and sedative/sleep-promoting medications"),
                    upheld=("There is no documentation of a disability that prevents self-transport or a sleep complaint meeting the criteria.",),
                    overturned=("{Pt} has a documented condition that meets the criteria for this service.",)),
        ),
        guideline=("the evidence for this treatment is limited, and it remains under study",),
        criteria=(),
        upheld=("The evidence for this treatment is insufficient, and no exceptional circumstances are documented.",),
        overturned=("{Pt} has a documented indication for the service, and there is no reasonable alternative.",),
        other=OTHER_PROCEDURE,
    ),
)

# Services that come with a procedure (sedation, assistant surgeon, ...); each names its guideline.
ANCILLARY = Category(
    key="ancillary", weight=0.0, ca_topic="surgical considerations",
    variants=(),
    guideline=("these services are recommended only when the primary procedure is medically necessary",), criteria=(),
    upheld=("There is no documentation of extreme anxiety or other indication for this service.", "The guidelines do not support this request for the procedure involved.", "The rental period requested exceeds the 7 days supported by the guidelines."),
    overturned=("The service is a standard component of the procedure that has been found medically necessary.",),
    other=("American College of Surgeons, Physicians as assistants at surgery: 2013 study",),
)
ANCILLARY_VARIANTS = {
    "iv_sedation": Variant(headings=("IV sedation", "IV Sedation", "Monitored anesthesia care"), nouns=("IV sedation",),
                           odg=(("Low Back Chapter", "Epidural steroid injections (ESIs), therapeutic"),), mtus=(("CP", "Epidural Steroid Injections", "46"),),
                           guideline=("sedation is not generally necessary for an epidural steroid injection and is not recommended except for patients with anxiety", "the use of IV sedation may be grounds to negate the results of a diagnostic block")),
    "epidurogram": Variant(headings=("Epidurogram", "{Adj} Epidurogram"), nouns=("epidurogram",), mtus=(("CP", "Epidural Steroid Injections", "46"),),
                           guideline=("epidurography confirms the spread of contrast and the placement of the needle, and is part of a fluoroscopically guided injection",)),
    "fluoroscopy": Variant(headings=("Fluoroscopic guidance", "Fluoroscopy"), nouns=("fluoroscopic guidance",), mtus=(("CP", "Epidural Steroid Injections", "46"),),
                           guideline=("injections should be performed using fluoroscopy (live x-ray) for guidance",)),
    "myelography": Variant(headings=("{Adj} Myelography", "Myelogram"), nouns=("myelography",), odg=(("{odg_chapter}", "Myelography"),),
                           guideline=("myelography is recommended only for surgical planning when MRI is contraindicated or inconclusive",)),
    "assistant_surgeon": Variant(headings=("Assistant surgeon", "Associated surgical service: Assistant surgeon"), nouns=("assistant surgeon",), odg=(("Low Back Chapter", "Surgical assistant"),),
                                 guideline=("an assistant surgeon is recommended as an option in more complex surgeries", "the American College of Surgeons lists whether an assistant at surgery is almost always, sometimes, or almost never necessary for each procedure")),
    "preop_clearance": Variant(headings=("Pre-operative medical clearance", "Preoperative labs: CBC, CMP, PT/PTT, UA", "Pre-op EKG and chest x-ray"), nouns=("preoperative testing",), odg=(("Low Back Chapter", "Preoperative testing, general"),),
                               guideline=("preoperative testing is often performed before surgical procedures, and the decision to order it should be guided by the patient's clinical history, comorbidities, and physical examination findings", "an electrocardiogram is recommended for patients undergoing high-risk surgery and those undergoing intermediate-risk surgery who have additional risk factors")),
    "postop_pt": Variant(headings=("Post-operative physical therapy x {sessions} sessions", "Postoperative physical therapy 3 x 4 for the {area}"), nouns=("postoperative physical therapy",), mtus=(("PS", None, "10-12"), ("PS", "Postsurgical Treatment Guidelines", "26-27"), ("PS", None, "24-25")),
                         guideline=("the initial course of therapy means one half of the number of visits specified in the general course of therapy for the specific surgery", "the postsurgical physical medicine treatment period begins on the date of surgery")),
    "cold_therapy": Variant(headings=("Cold therapy unit x {days_rental} day rental", "Post-operative cold therapy unit purchase"), nouns=("cold therapy unit",), odg=(("{odg_chapter}", "Continuous-flow cryotherapy"),),
                            guideline=("continuous-flow cryotherapy is recommended as an option after surgery for up to 7 days, including home use", "in the postoperative setting, continuous-flow cryotherapy units have been proven to decrease pain, inflammation, swelling, and narcotic usage")),
    "inpatient_stay": Variant(headings=("{los} day inpatient stay", "Inpatient hospital stay x {los} days"), nouns=("inpatient stay",), odg=(("Low Back Chapter", "Hospital length of stay (LOS)"),),
                              guideline=("the recommended length of stay depends on the procedure performed, and the best practice target for an uncomplicated case is used",)),
    "psych_eval": Variant(headings=("Psychological evaluation prior to spinal cord stimulator trial", "Psychological clearance"), nouns=("psychological evaluation",), mtus=(("CP", "Psychological evaluations, IDDS & SCS", "101"),),
                          guideline=("a psychological evaluation is recommended prior to a spinal cord stimulator trial",)),
}

# --- Case summaries -------------------------------------------------------------------------

SEX_WORDS = {"male": ("man", "male", "gentleman", "male"), "female": ("woman", "female", "female", "lady"), None: ("individual", "employee", "worker", "individual")}
AGE_FORMS = ("{age} year old", "{age}-year-old", "{age} year-old", "{age}-year old")
PRONOUNS = {"male": ("He", "he", "his"), "female": ("She", "she", "her")}
# (template, states the date of injury); the template's {doi} is the injury date.
INTRO_PERSON = (
    (" is a {age_sex} who sustained a work related injury to the {area} on {doi}.", True),
    (" is a {age_sex} with a date of injury of {doi}.", True),
    (" is a {age_sex} who reported an industrial injury on {doi}.", True),
    (" is a {age_sex} with chronic {body} pain.", False),
    ("The patient is a {age_sex} with a date of injury of {doi}.", True),
    ("This {age_sex} reported an industrial injury on {doi}.", True),
    ("The injured worker is a {age_sex} who sustained an injury at work on {doi}.", True),
    ("The patient is a {age_sex} who presented with {complaint}.", False),
)
INTRO_APPLICANT = (
    ("The applicant is a represented {job} employee who has filed a claim for {complaint} reportedly associated with an industrial injury of {doi}.", True),
    ("The applicant is a represented {job} employee, who has filed a claims for {body} pain reportedly associated with an industrial injury of {doi}.", True),
    ("The applicant is a {job} employee who has filed a claim for chronic {body} pain reportedly associated with an industrial injury of {doi}.", True),
    ("The applicant is a represented {job} employee who has filed a claim for chronic {body} pain reportedly associated with an industrial injury.", False),
)
INTRO_NOTE = (
    "{d_note_num} Progress note was in a handwritten and box-check off format. The patient had {complaint}.",
    "According to the progress report dated {d_note}, the patient reported {complaint} rated {pain}/10.",
)
SUMMARY_SECTIONS = (
    ("mechanism", (
        "The mechanism of injury was {mech}.",
        "{S} attributes the symptoms to {mech}.",
    )),
    ("history", (
        "Treatment to date has included {tx_history}.",
        "Thus far, {s} has been treated with the following: {tx_history}.",
        "Prior treatment has consisted of {tx_history}.",
    )),
    ("imaging", (
        "An MRI of the {area} dated {d_mri} revealed {mri_finding}.",
        "{S} had an MRI of the {area} performed on {d_mri_nocomma} which showed {mri_finding}.",
        "{d_mri_num} MRI of the {area} reportedly revealed {mri_finding}.",
    )),
    ("note", (
        "According to the notes of  of {d_note_nocomma}, {s} was complaining of {complaint}.",
        "In a progress note dated {d_note}, {s} reported {complaint} rated {pain}/10.",
        "{d_note_num} Progress note described ongoing {complaint} ({pain}/10).",
        "The most recent progress report by Dr.  dated {d_note} documented {complaint}.",
        "The pain level was {pain}/10, aggravated by prolonged sitting, standing and walking.",
        "{S} reported that medications help reduce the pain from {pain}/10 to 5/10.",
    )),
    ("second_region", (
        "{S} also reports {complaint2}.",
        "In addition, {s} complains of {complaint2}.",
    )),
    ("exam", (
        "Physical examination revealed {exam} and {exam2}.",
        "On examination, there was {exam}.",
        "Clinically, there was {exam}, as well as {exam2}.",
        "Objective findings included {exam}.",
    )),
    ("diagnosis", (
        "Diagnoses include {dx} and {dx2}.",
        "{S} was diagnosed with {dx}.",
        "The diagnoses are {dx}, {dx2}, and chronic pain syndrome.",
    )),
    ("medications", (
        "Current medications include {meds}.",
        "{S} was treated with {meds}.",
        "Medications listed include {meds}.",
    )),
    ("work", (
        "{S} is currently {work}.",
        "Work status: {work}.",
    )),
    ("request", (
        "The provider is requesting authorization for {requests}.",
        "In a Utilization Review Report dated {d_ur}, the claims administrator denied a request for {requests}.",
        "The treating physician has requested {requests}.",
        "A request for authorization was submitted for {requests}.",
    )),
    ("appeal", (
        "The applicant's attorney subsequently appealed.",
        "This is a request for independent medical review of the denial.",
        "The denial was appealed.",
    )),
)
# Filler to reach the drawn summary length; each used at most once per letter.
EXTRA_NOTES = (
    "A follow-up visit on {d_note2} noted persistent {complaint} and no significant change in the examination.",
    "{S} reported difficulty with prolonged sitting, lifting, and sleeping because of the pain.",
    "There was no documentation of new trauma or red flag symptoms.",
    "{S} was continued on the current medication regimen and instructed in a home exercise program.",
    "The provider noted that prior physical therapy had provided some relief.",
    "Pain was described as constant, aching and sharp, with intermittent burning and radiation.",
    "It was not stated whether these medication requests were first-time requests or renewal requests.",
    "The attending provider noted that {s} was still smoking and was asked to try and cease smoking.",
    "Vital signs were within normal limits, and {s} ambulated with a mildly antalgic gait.",
    "{S} denied bowel or bladder dysfunction.",
    "The records indicate that {s} had been evaluated by several providers in various specialties since the onset of symptoms.",
    "Sleep was reportedly disturbed because of pain, and {s} reported feeling depressed about the chronic nature of the condition.",
    "A urine drug screen performed on {d_note2} was reportedly consistent with the prescribed medications.",
    "The treating physician recommended continuing with the home exercise program and returning for follow-up in four to six weeks.",
    "On {d_note2}, the provider documented unchanged complaints and reduced tolerance for standing and walking.",
    "Prior electrodiagnostic testing was not available for review.",
)
MEDICATION_POOL = (
    ("Norco", 4), ("tramadol", 8), ("Flexeril", 6), ("naproxen", 8), ("omeprazole", 6), ("gabapentin", 7),
    ("Lyrica", 3), ("Cymbalta", 3), ("ibuprofen", 5), ("Ultram", 3), ("Soma", 2), ("Percocet", 2),
    ("Lidoderm patches", 3), ("Ambien", 2), ("meloxicam", 3), ("Tylenol", 3), ("Celebrex", 2), ("Zanaflex", 2),
    ("Neurontin", 3), ("Prilosec", 2), ("Relafen", 1), ("topical creams", 3),
)
SUMMARY_SECTION_BREAK_RATE = 0.35

# --- Documents reviewed, header -------------------------------------------------------------

DOCUMENT_LINES = (
    "Medical Records from Claims Administrator",
    "Employee/Employee Representative Medical Records",
    "Medical Records from Provider",
    "Progress notes dated {d_note_num} through {d_note2_num}",
    "MRI report of the {area} dated {d_mri_num}",
    "Request for Authorization dated {d_rfa_num}",
    "Appeal letter dated {d_appeal_num}",
)

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


# --- Small helpers --------------------------------------------------------------------------


def _cumulative(pairs: tuple[tuple[object, float], ...]) -> tuple[tuple[object, ...], list[float]]:
    return tuple(value for value, _ in pairs), list(accumulate(weight for _, weight in pairs))


def _weighted(rng: random.Random, table: tuple[tuple[object, ...], list[float]]) -> object:
    values, cumulative = table
    return values[bisect(cumulative, rng.random() * cumulative[-1])]


LAYOUT_TABLE = _cumulative(LAYOUTS)
ITEM_COUNT_TABLE = _cumulative(ITEM_COUNTS)
REGION_TABLE = _cumulative(REGION_WEIGHTS)
SIDE_TABLE = _cumulative(SIDES)
CATEGORY_TABLE = _cumulative(tuple((c, c.weight) for c in CATEGORIES))
SPECIALTY_TABLE = _cumulative(tuple(((name, subs, shapes), w) for w, name, subs, shapes in SPECIALTIES))
LICENSURE_TABLE = _cumulative(LICENSURE)
CHRONIC_PAIN_TABLE = _cumulative(CHRONIC_PAIN_WRITTEN)
MEDICATION_TABLE = _cumulative(MEDICATION_POOL)
REVIEWER_CITATION_COUNT_TABLE = _cumulative(((1, 72), (2, 24), (3, 4)))
EXTRA_GUIDELINE_TABLE = _cumulative(((0, 20), (1, 50), (2, 30)))
UPHELD_CONCLUSION_TABLE = _cumulative(UPHELD_CONCLUSIONS)
OVERTURNED_CONCLUSION_TABLE = _cumulative(OVERTURNED_CONCLUSIONS)
# How the reviewer refers to the injured worker, and the sex a summary states (when it does).
PERSONA_TABLE = _cumulative((("patient", 55), ("applicant", 30), ("injured worker", 15)))
SEX_TABLE = _cumulative((("male", 45), ("female", 40), (None, 15)))
SPECIALTY_BY_NAME = {name: (name, subs, shapes) for _, name, subs, shapes in SPECIALTIES}


def _clean(text: str) -> str:
    """A paragraph as the parser must return it: runs of spaces collapsed, ends stripped. The
    sources hold no other whitespace, and str.replace is several times faster than split/join."""
    while "  " in text:
        text = text.replace("  ", " ")
    return text.strip()


def _long_date(d: date, comma: bool = True) -> str:
    return f"{MONTHS[d.month - 1]} {d.day}{',' if comma else ''} {d.year}"


def _numeric_date(d: date) -> str:
    return f"{d.month}/{d.day}/{d.year}"


def _padded_date(d: date) -> str:
    return f"{d.month:02d}/{d.day:02d}/{d.year}"


def _short_year_date(d: date) -> str:
    return f"{d.month}/{d.day}/{d.year % 100:02d}"


# How a summary writes the date of injury; two-digit years only where they cannot mislead.
INJURY_DATE_FORMS = (_long_date, _numeric_date, _padded_date, _short_year_date)

# Narrative date slots: key -> (which date, how it is written).
DATE_SLOTS = {
    "d_note": ("note", _long_date),
    "d_note_nocomma": ("note", partial(_long_date, comma=False)),
    "d_note_num": ("note", _numeric_date),
    "d_note2": ("note2", _long_date),
    "d_note2_num": ("note2", _numeric_date),
    "d_mri": ("mri", _long_date),
    "d_mri_nocomma": ("mri", partial(_long_date, comma=False)),
    "d_mri_num": ("mri", _numeric_date),
    "d_ur": ("ur", _long_date),
    "d_dos": ("dos", _numeric_date),
    "d_rfa_num": ("rfa", _numeric_date),
    "d_appeal_num": ("appeal", _numeric_date),
}


def _join_words(words: list[str]) -> str:
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


@cache
def _page_list(pages: str) -> tuple[int, ...]:
    """Pages as the contract expands them: "46 of 127" -> [46], "176-177" -> [176, 177]."""
    result: list[int] = []
    for part in pages.split(","):
        part = part.strip().split(" of ")[0]
        if "-" in part:
            first, last = part.split("-")
            result.extend(range(int(first), int(last) + 1))
        elif part:
            result.append(int(part))
    return tuple(result)


class _Random(random.Random):
    """random.Random with choice/randint/sample built on random() alone: the stdlib versions
    go through _randbelow and cost a third of the generation time. Still seeded by an int,
    so still reproducible everywhere."""

    def choice(self, seq):  # type: ignore[override]
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def sample(self, population, k):  # type: ignore[override]
        pool = list(population)
        n = len(pool)
        for i in range(k):
            j = i + int(self.random() * (n - i))
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]


class _Slots(dict):
    """Template values: fixed ones given up front, the rest drawn on first use and then kept,
    so a drug strength or spinal level reads the same in a heading and in its rationale."""

    def __init__(self, rng: random.Random, region: dict[str, tuple[str, ...]], fixed: dict[str, str], dates: dict[str, date]):
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


# --- The letter's facts ---------------------------------------------------------------------


def _citation(guideline: str, document: str | None, topic: str | None, pages: tuple[int, ...], text: str) -> dict:
    """A citation in the contract's JSON shape."""
    return {"guideline": guideline, "document": document, "topic": topic, "pages": list(pages), "text": text}


@dataclass
class _Basis:
    text: str
    citations: list[dict]

    def as_dict(self) -> dict:
        return {"text": self.text, "citations": self.citations}


@dataclass
class _Item:
    category: Category
    variant: Variant
    slots: _Slots
    treatment: str
    noun: str
    outcome: str
    ca: _Basis
    reviewer: _Basis
    rationale: list[list[str]]  # paragraphs of sentences
    parent: _Item | None = None

    def as_dict(self) -> dict:
        # Headings, bases and rationale sentences are built with single spaces; only their
        # rendering adds the letter's spacing habits, so no re-cleaning is needed here.
        return {
            "treatment": self.treatment,
            "outcome": self.outcome,
            "rationale": "\n\n".join(" ".join(sentences) for sentences in self.rationale),
            "claims_administrator_basis": self.ca.as_dict(),
            "reviewer_basis": self.reviewer.as_dict(),
        }


@dataclass
class _Timeline:
    injury: date
    ur_denial: date
    received: date
    assigned: date
    decision: date


def _timeline(rng: random.Random, layout: str) -> _Timeline:
    """Dates in the order the process produces them: injury < UR denial < application < assignment < decision."""
    last = LAST_NOTICE if layout == "notice-2013" else LAST_DECISION
    decision = FIRST_DECISION + timedelta(days=rng.randrange((last - FIRST_DECISION).days + 1))
    assigned = decision - timedelta(days=rng.randint(4, 30))
    received = assigned - timedelta(days=rng.randint(1, 21))
    ur_denial = received - timedelta(days=rng.randint(5, 40))
    years_since_injury = min(rng.expovariate(1 / 3.5), 20.0)
    injury = ur_denial - timedelta(days=60 + int(years_since_injury * 365))
    return _Timeline(injury, ur_denial, received, assigned, decision)


@dataclass(frozen=True)
class _Style:
    """How this letter's text was produced: the reviewer's habits and the extraction's quirks."""

    width: int
    sentence_gap: str
    summary_gap: str
    artifacts: frozenset[str]


def _style(rng: random.Random) -> _Style:
    artifacts = frozenset(name for name, rate in ARTIFACT_RATES.items() if rng.random() < rate)
    sentence_gap = "  " if rng.random() < 0.25 else " "
    summary_gap = rng.choice(("", " ", "  ")) if rng.random() < 0.08 else sentence_gap
    return _Style(width=rng.randint(88, 98), sentence_gap=sentence_gap, summary_gap=summary_gap, artifacts=artifacts)


class _Letter:
    """Draws one letter's facts, then renders its text and its expected parse from them."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.layout: str = _weighted(rng, LAYOUT_TABLE)
        self.style = _style(rng)
        self.times = _timeline(rng, self.layout)
        self.persona: str = _weighted(rng, PERSONA_TABLE)
        # Sex is known only when the summary states it; pronouns elsewhere must not give it away.
        note_rate = 0.25 if self.persona == "applicant" else 0.15
        self.intro_kind = "note" if rng.random() < note_rate else ("applicant" if self.persona == "applicant" else "person")
        self.sex: str | None = _weighted(rng, SEX_TABLE) if self.intro_kind == "person" else None
        self.case_serial = rng.randint(1, 9_999_999)
        self.has_received = self.layout == "case-header" or rng.random() < 0.7
        self.age = rng.randint(max(22, 18 + self.times.decision.year - self.times.injury.year), 70)
        self.side: str = _weighted(rng, SIDE_TABLE)
        self.regions: list[str] = [_weighted(rng, REGION_TABLE)]
        if rng.random() < SECOND_REGION_RATE:
            second = _weighted(rng, REGION_TABLE)
            if second != self.regions[0]:
                self.regions.append(second)
        self.fixed = self._fixed_slots()
        self.dates = self._dates()
        self.items = self._items()
        self.reviewer = self._reviewer()
        # Drawn by text(), read by expected().
        self.summary: list[str] = []
        self.patient: dict = {}
        self.documents: list[str] | None = None

    # Facts ---------------------------------------------------------------------------------

    def _fixed_slots(self) -> dict[str, str]:
        if self.sex:
            subject, subject_lower, possessive = PRONOUNS[self.sex]
        else:
            subject, subject_lower, possessive = f"The {self.persona}", f"the {self.persona}", f"the {self.persona}'s"
        return {
            "side": self.side, "Side": self.side.capitalize(),
            "S": subject, "s": subject_lower, "p": possessive,
            "pt": f"the {self.persona}", "Pt": f"The {self.persona}", "persona": self.persona,
            "injury_year": str(self.times.injury.year),
            "pain": self.rng.choice(SLOT_VALUES["pain"]),
        }

    def _dates(self) -> dict[str, date]:
        """Dates the narrative mentions, all between the injury and the UR denial."""
        t, rng = self.times, self.rng
        note = t.ur_denial - timedelta(days=rng.randint(3, 60))
        return {
            "note": note,
            "note2": note + timedelta(days=rng.randint(1, max(1, (t.ur_denial - note).days))),
            "mri": t.injury + timedelta(days=rng.randint(20, max(21, (note - t.injury).days))),
            "dos": note - timedelta(days=rng.randint(0, 30)),
            "rfa": note + timedelta(days=1),
            "ur": t.ur_denial,
            "appeal": t.ur_denial + timedelta(days=2),
        }

    def _slots(self, region: str) -> _Slots:
        return _Slots(self.rng, REGIONS[region], self.fixed, self.dates)

    def _items(self) -> list[_Item]:
        rng = self.rng
        count: int = _weighted(rng, ITEM_COUNT_TABLE)
        items: list[_Item] = []
        headings: set[str] = set()
        used: set[tuple[int, str]] = set()
        while len(items) < count:
            companions = [(n, key) for n, parent in enumerate(items) for key in parent.category.companions if (n, key) not in used]
            if companions and rng.random() < COMPANION_RATE:
                n, key = rng.choice(companions)
                used.add((n, key))
                item = self._companion(items[n], ANCILLARY_VARIANTS[key])
            else:
                item = self._primary()
            if item.treatment not in headings:
                headings.add(item.treatment)
                items.append(item)
        return items

    def _pick_variant(self) -> tuple[Category, Variant, str]:
        rng = self.rng
        while True:
            category: Category = _weighted(rng, CATEGORY_TABLE)
            region = self.regions[0] if len(self.regions) == 1 or rng.random() < 0.7 else self.regions[1]
            fitting = _fitting_variants(category, region)
            if fitting:
                return category, _weighted(rng, fitting), region
            if len(self.regions) == 1:
                # A request for another body part: the letter now concerns two regions.
                region = rng.choice([r for v in category.variants for r in (v.regions or ())])
                self.regions.append(region)
                return category, _weighted(rng, _fitting_variants(category, region)), region

    def _primary(self) -> _Item:
        category, variant, region = self._pick_variant()
        outcome = "overturned" if self.rng.random() < OVERTURN_RATE else "upheld"
        return self._item(category, variant, self._slots(region), outcome)

    def _companion(self, parent: _Item, variant: Variant) -> _Item:
        rng = self.rng
        if parent.outcome == "upheld":
            outcome = "overturned" if rng.random() < 0.03 else "upheld"
        else:
            outcome = "overturned" if rng.random() < 0.6 else "upheld"
        slots = _Slots(rng, parent.slots.region, self.fixed, self.dates)
        dependent = outcome == parent.outcome and rng.random() < 0.65
        return self._item(ANCILLARY, variant, slots, outcome, parent if dependent else None)

    def _item(self, category: Category, variant: Variant, slots: _Slots, outcome: str, parent: _Item | None = None) -> _Item:
        rng = self.rng
        wrapped = self.layout != "notice-2013" and category.pharmaceutical and self.times.decision.year >= 2015 and rng.random() < 0.2
        core = slots.fill(rng.choice(variant.headings))
        if "levels" in slots and "level1" not in slots:
            slots["level1"] = LEVEL_SEPARATOR.split(slots["levels"])[0]
        treatment = f"1 prescription of {core} between {slots['d_dos']} and {_numeric_date(self.times.ur_denial + timedelta(days=45))}" if wrapped else core
        if self.layout == "notice-2013":
            treatment = _notice_treatment(treatment, category.pharmaceutical)
        slots["treatment"] = treatment
        if category.pharmaceutical:
            slots["drug"] = _drug_name(core)
        noun = slots.fill(rng.choice(variant.nouns))
        slots["noun"] = noun
        if parent is not None:
            ca, reviewer = parent.ca, parent.reviewer
            rationale = [self._dependent_rationale(slots, parent, outcome)]
        else:
            reviewer_family = self._reviewer_family(category, variant)
            ca_family = self._ca_family(category, variant, reviewer_family)
            reviewer, lead = self._basis(category, variant, slots, reviewer_family, actor="reviewer")
            ca, _ = self._basis(category, variant, slots, ca_family, actor="ca")
            rationale = self._rationale(category, variant, slots, outcome, lead)
        return _Item(category, variant, slots, treatment, noun, outcome, ca, reviewer, rationale, parent)

    def _reviewer(self) -> tuple[str, str | None, tuple[str, ...], str]:
        rng = self.rng
        wanted = self.items[0].category.reviewers
        if wanted and rng.random() < 0.5:
            name, subs, shapes = SPECIALTY_BY_NAME[rng.choice(wanted)]
        else:
            name, subs, shapes = _weighted(rng, SPECIALTY_TABLE)
        shape = BLOCK if shapes == (BLOCK,) or (BLOCK in shapes and self.layout != "notice-2013" and rng.random() < 0.2) else SENTENCE
        subspecialty = rng.choice(subs) if shape == SENTENCE else None
        states: tuple[str, ...] = _weighted(rng, LICENSURE_TABLE)
        return name, subspecialty, states, shape

    # Guideline bases -----------------------------------------------------------------------

    def _reviewer_family(self, category: Category, variant: Variant) -> str:
        return _weighted(self.rng, _family_table(category, variant))

    def _ca_family(self, category: Category, variant: Variant, reviewer_family: str) -> str | None:
        rng = self.rng
        if rng.random() < SAME_FAMILY_RATE:
            return reviewer_family
        others = [f for f in _family_table(category, variant)[0] if f != reviewer_family]
        if not others or rng.random() < NO_EVIDENCE_SHARE:
            return None
        return _weighted(rng, _cumulative(tuple((f, FAMILY_WEIGHTS[f]) for f in others)))

    def _basis(self, category: Category, variant: Variant, slots: _Slots, family: str | None, actor: str) -> tuple[_Basis, str]:
        """A guideline paragraph (without its label) and the rationale lead-in its first citation suggests."""
        rng = self.rng
        notice = self.layout == "notice-2013"
        who = "Claims Administrator" if actor == "ca" else "Expert Reviewer"
        if family is None:
            return _Basis("The Claims Administrator did not cite any medical evidence for its decision.", []), ""
        if family == "MTUS":
            count = 1 if actor == "ca" or notice else _weighted(rng, REVIEWER_CITATION_COUNT_TABLE)
            specs = rng.sample(variant.mtus, min(count, len(variant.mtus)))
            citations, lead = self._mtus_citations(specs, category.ca_topic, actor, notice)
        else:
            citation, lead = self._non_mtus_citation(family, category, variant, slots, notice)
            citations = [citation]
        if notice:
            if family == "MTUS":
                text = f"The {who} based {'its' if actor == 'ca' else 'his/her'} decision on the {citations[0]['text']}"
                text += ", which is part of MTUS." if actor == "ca" else "."
            else:
                opening = "" if actor == "ca" else "The Expert Reviewer found that the MTUS does not address the issue at dispute. "
                text = f"{opening}The {who} based {'its' if actor == 'ca' else 'his/her'} decision on the {citations[0]['text']}, which is not part of MTUS."
            return _Basis(text, citations), lead
        text = "Decision based on " + _join_citations(citations, rng)
        if family != "MTUS" and rng.random() < NOT_MTUS_PREFIX_RATE:
            text = f"The {who} did not base their decision on the MTUS. " + text
        return _Basis(text, citations), lead

    def _mtus_citations(self, specs: list[tuple], ca_topic: str, actor: str, notice: bool) -> tuple[list[dict], str]:
        rng = self.rng
        # Only the last citation of a paragraph may lack pages, or the boundary would be lost.
        specs = sorted(specs, key=lambda s: not s[2])
        citations: list[dict] = []
        lead = ""
        for position, (doc, topic, pages) in enumerate(specs):
            last = position == len(specs) - 1
            if not pages and not last:
                continue
            if doc == "CP":
                written, canonical = _weighted(rng, CHRONIC_PAIN_TABLE), CHRONIC_PAIN
                if notice:
                    written = rng.choice(("Chronic Pain Medical Treatment Guidelines (2009)", CHRONIC_PAIN))
            elif doc == "PS":
                written = canonical = POSTSURGICAL
            elif isinstance(doc, int):
                canonical = acoem_chapter(doc)
                written = canonical if rng.random() < 0.85 else f"ACOEM Practice Guidelines, Chapter {doc} {ACOEM_CHAPTERS[doc]}"
            else:
                written, canonical = "", None
            if actor == "ca" and doc == "CP" and not notice:
                # UR reviewers often name only the drug class, in lower case, without pages.
                form = rng.random()
                if form < 0.35:
                    topic, pages = ca_topic, ""
                elif form < 0.7:
                    topic = None
            elif doc == "CP" and actor == "reviewer" and rng.random() < 0.12:
                topic = None
            if doc == "CP" and pages.isdigit() and rng.random() < 0.15:
                pages = f"{pages} of 127"
            if notice:
                text = _notice_citation_text(written, topic, pages, prefix="MTUS " if actor == "reviewer" else "")
            else:
                head = ("" if citations else "MTUS ") + " ".join(part for part in (written, topic) if part)
                text = head + (f" Page(s): {pages}" if pages else "")
            if not lead and actor == "reviewer":
                lead = self._mtus_lead(doc, pages)
            citations.append(_citation("MTUS", canonical, topic, _page_list(pages), text.strip()))
        return citations, lead

    def _mtus_lead(self, doc: str | int | None, pages: str) -> str:
        rng = self.rng
        first_page = str(_page_list(pages)[0]) if pages else ""
        if doc == "CP":
            lead = rng.choice(LEAD_INS["CP_PAGE"] if first_page else LEAD_INS["CP"])
        elif isinstance(doc, int):
            lead = rng.choice(LEAD_INS["ACOEM_MTUS"] if first_page else LEAD_INS["ACOEM_MTUS"][1:2])
            lead = lead.replace("{chapter}", str(doc))
        elif doc == "PS":
            lead = rng.choice(LEAD_INS["PS"])
        else:
            lead = rng.choice(LEAD_INS["MTUS"])
        return lead.replace("{page}", first_page)

    def _non_mtus_citation(self, family: str, category: Category, variant: Variant, slots: _Slots, notice: bool) -> tuple[dict, str]:
        rng = self.rng
        prefix = "" if notice else NON_MTUS
        if family == "ODG":
            chapter, topic = rng.choice(variant.odg)
            chapter = slots.fill(chapter)
            text = f"{prefix}{ODG_NAME}, {chapter}, {topic}"
            return _citation("ODG", chapter, topic, (), text), rng.choice(LEAD_INS["ODG"])
        if family == "ACOEM":
            chapter, pages = rng.choice(variant.acoem)
            document = acoem_chapter(chapter)
            page_word = "pages" if "-" in pages else "page"
            text = f"{prefix}{ACOEM_NON_MTUS}, Chapter {chapter} {ACOEM_CHAPTERS[chapter]}, {page_word} {pages}"
            lead = rng.choice(LEAD_INS["ACOEM"]).replace("{chapter}", str(chapter)).replace("{page}", pages.split("-")[0])
            return _citation("ACOEM", document, None, _page_list(pages), text), lead
        source = slots.fill(rng.choice(category.other)).rstrip(".")
        return _citation("OTHER", None, None, (), prefix + source), rng.choice(LEAD_INS["OTHER"])

    # Rationales ----------------------------------------------------------------------------

    def _rationale(self, category: Category, variant: Variant, slots: _Slots, outcome: str, lead: str) -> list[list[str]]:
        rng = self.rng
        upheld = outcome == "upheld"
        guideline = variant.guideline or category.guideline
        sentences = [_capitalize_first(lead + slots.fill(rng.choice(guideline)) + ".")]
        extra_guidelines = _weighted(rng, EXTRA_GUIDELINE_TABLE)
        for clause in rng.sample(guideline, min(extra_guidelines, len(guideline))):
            sentence = slots.fill(clause)
            if sentence not in sentences[0]:
                sentences.append(rng.choice(GUIDELINE_CONNECTORS) + sentence + ".")
        if category.criteria and rng.random() < 0.65:
            sentences.append(slots.fill(rng.choice(category.criteria)))
        guideline_count = len(sentences)
        specific = (variant.upheld or category.upheld) if upheld else (variant.overturned or category.overturned)
        generic = GENERIC_UPHELD if upheld else GENERIC_OVERTURNED
        findings = rng.sample(specific, min(len(specific), rng.randint(2, 3)))
        findings += rng.sample(generic, rng.randint(1, 2))
        opener = slots.fill(rng.choice(FINDING_OPENERS))
        sentences.append(opener + _decapitalize(slots.fill(findings[0])))
        sentences.extend(slots.fill(finding) for finding in findings[1:])
        if category.opioid and upheld and rng.random() < HYPOGONADISM_RATE:
            sentences.append(slots.fill(HYPOGONADISM))
        sentences.append(slots.fill(_conclusion(rng, upheld, self.layout == "notice-2013", slots)))
        if len(sentences) > 4 and rng.random() < 0.15:
            return [sentences[:guideline_count], sentences[guideline_count:]]
        return [sentences]

    def _dependent_rationale(self, slots: _Slots, parent: _Item, outcome: str) -> list[str]:
        slots["parent"] = parent.noun
        slots["noun_cap"] = _capitalize_first(slots["noun"])
        pool = DEPENDENT_UPHELD if outcome == "upheld" else DEPENDENT_OVERTURNED
        sentences = [slots.fill(self.rng.choice(pool))]
        if self.layout == "notice-2013":
            sentences.append(_notice_conclusion(outcome == "upheld", slots["treatment"]))
        return sentences

    # Case summary --------------------------------------------------------------------------

    def _summary(self) -> tuple[list[str], dict]:
        """Summary paragraphs (as written, holes included) and the patient facts they state."""
        rng = self.rng
        slots = self._slots(self.regions[0])
        second = REGIONS[self.regions[1]] if len(self.regions) > 1 else None
        if second:
            slots["complaint2"] = rng.choice(second["complaint"]).format_map(slots)
        slots["exam2"] = rng.choice((second or slots.region)["exam"]).format_map(slots)
        slots["dx2"] = rng.choice((second or slots.region)["dx"]).format_map(slots)
        meds = {str(_weighted(rng, MEDICATION_TABLE)) for _ in range(rng.randint(1, 4))}
        meds.update(i.slots["drug"] for i in self.items if i.category.pharmaceutical)
        slots["meds"] = _join_words(sorted(meds, key=str.lower))
        slots["requests"] = _join_words([i.noun if i.category.pharmaceutical else _with_article(i.noun) for i in self.items])
        intro, patient = self._summary_intro(slots)
        target = rng.randint(160, 380)
        sentences = [intro]
        words = intro.count(" ") + 1
        for name, pool in SUMMARY_SECTIONS:
            if name == "mechanism" and (patient["date_of_injury"] is None or rng.random() < 0.5):
                continue
            if name in ("work", "appeal", "medications") and rng.random() < 0.35 or name == "second_region" and not second:
                continue
            if name == "request":
                needed = min(len(EXTRA_NOTES), max(0, target - 12 - words) // 14 + 1)
                for filler in rng.sample(EXTRA_NOTES, needed):
                    if words >= target - 12:
                        break
                    sentence = slots.fill(filler)
                    sentences.append(sentence)
                    words += sentence.count(" ") + 1
            sentence = slots.fill(rng.choice(pool))
            sentences.append(sentence)
            words += sentence.count(" ") + 1
        gap = self.style.summary_gap
        if len(sentences) > 6 and rng.random() < SUMMARY_SECTION_BREAK_RATE:
            cut = rng.randint(3, len(sentences) - 3)
            return [gap.join(sentences[:cut]), gap.join(sentences[cut:])], patient
        return [gap.join(sentences)], patient

    def _summary_intro(self, slots: _Slots) -> tuple[str, dict]:
        rng = self.rng
        injury = self.times.injury
        states_injury = False
        if self.intro_kind == "note":
            template = rng.choice(INTRO_NOTE)
            age = sex = None
        elif self.intro_kind == "applicant":
            template, states_injury = rng.choice(INTRO_APPLICANT)
            age = sex = None
        else:
            template, states_injury = rng.choice(INTRO_PERSON)
            age, sex = self.age, self.sex
            slots["age_sex"] = rng.choice(AGE_FORMS).format(age=age) + " " + rng.choice(SEX_WORDS[sex])
        forms = INJURY_DATE_FORMS if 2000 <= injury.year <= 2012 else INJURY_DATE_FORMS[:-1]
        slots["doi"] = rng.choice(forms)(injury)
        patient = {"age": age, "sex": sex, "date_of_injury": injury.isoformat() if states_injury else None}
        return slots.fill(template), patient

    # Rendering -----------------------------------------------------------------------------

    def text(self) -> str:
        """The letter as extracted text. Draws the remaining facts, so call it once, before expected()."""
        self.summary, self.patient = self._summary()
        if self.layout != "standard":
            self.patient["date_of_injury"] = self.times.injury.isoformat()
        page = _Page(self.style)
        self.documents = None
        if self.layout == "notice-2013":
            self._render_notice(page)
        else:
            if self.layout == "case-header":
                self._render_header(page)
                if self.rng.random() < 0.5:
                    self.documents = self._documents()
            self._render_standard(page)
        return page.text(self.rng)

    def expected(self) -> dict:
        """The parse a correct parser returns for text(), in the contract's JSON shape."""
        name, subspecialty, states, _ = self.reviewer
        t = self.times
        has_header = self.layout != "standard"
        return {
            "layout": self.layout,
            "case_number": self.case_number if has_header else None,
            "date_assigned": t.assigned.isoformat() if self.layout == "case-header" else None,
            "decision_date": t.decision.isoformat() if has_header else None,
            "ur_denial_date": t.ur_denial.isoformat() if has_header else None,
            "application_received": t.received.isoformat() if has_header and self.has_received else None,
            "reviewer": {"specialty": name, "subspecialty": subspecialty, "licensed_in": list(states)},
            "patient": self.patient,
            "case_summary": "\n\n".join(_clean(p) for p in self.summary),
            "documents_reviewed": self.documents,
            "items": [item.as_dict() for item in self.items],
        }

    @property
    def case_number(self) -> str:
        return f"CM{self.times.assigned.year % 100:02d}-{self.case_serial:07d}"

    def _documents(self) -> list[str]:
        rng = self.rng
        slots = self._slots(self.regions[0])
        lines = ["Application of Independent Medical Review", f"Utilization Review Determination dated {_numeric_date(self.times.ur_denial)}"]
        return lines + [slots.fill(line) for line in rng.sample(DOCUMENT_LINES, rng.randint(1, 5))]

    def _render_header(self, page: _Page) -> None:
        t, rng = self.times, self.rng
        pairs = [
            ("Case Number:", self.case_number), ("Date Assigned:", _padded_date(t.assigned)),
            ("Date of Injury:", _padded_date(t.injury)), ("Decision Date:", _padded_date(t.decision)),
            ("UR Denial Date:", _padded_date(t.ur_denial)), ("Priority:", "Standard"),
            ("Application Received:", _padded_date(t.received)),
        ]
        gap = rng.choice((" ", " ", "  ", "   "))
        if rng.random() < 0.7:
            for i in range(0, len(pairs), 2):
                page.line(gap.join(f"{label} {value}" for label, value in pairs[i:i + 2]))
        else:
            for label, value in pairs:
                page.line(f"{label} {value}")
        page.blank()

    def _credentials(self, page: _Page, opening: str, closing: str, role: str) -> None:
        name, subspecialty, states, shape = self.reviewer
        if shape == BLOCK:
            page.paragraph(f"{opening} {BLOCK_INTRO}".strip(), repeated=True)
            page.line("State(s) of Licensure: " + ", ".join(states))
            page.line("Certification(s)/Specialty: " + name)
            page.blank()
            page.paragraph(closing, repeated=True)
            return
        sub = ""
        if subspecialty:
            sub = (", " if self.rng.random() < 0.8 else " ") + f"has a subspecialty in {subspecialty}"
        sentence = f"The {role} is Board Certified in {name}{sub} and is licensed to practice in {_join_words(list(states))}."
        page.paragraph(" ".join(part for part in (opening, sentence, closing) if part), repeated=True)

    def _render_standard(self, page: _Page) -> None:
        rng = self.rng
        role = "physician reviewer" if rng.random() < 0.3 else "expert reviewer"
        page.line(" " + HOW_HEADING)
        opening = HOW_OPENING.format(article="a" if role[0] == "p" else "an", role=role)
        self._credentials(page, opening, HOW_CLOSING.format(role=role), role)
        page.blank()
        documents = self.documents
        if documents is not None:
            page.line(DOCUMENTS_HEADING)
            for line in documents:
                page.line(line)
            page.blank()
        page.line(SUMMARY_HEADING)
        page.paragraph(SUMMARY_INTRO, repeated=True)
        page.blank()
        for paragraph in self.summary:
            page.paragraph(paragraph)
            page.blank()
        page.line(ITEMS_HEADING_DOCUMENTED if documents is not None else ITEMS_HEADING)
        page.paragraph(ITEMS_INTRO, repeated=True)
        page.blank()
        for item in self.items:
            label = "Upheld" if item.outcome == "upheld" else "Overturned"
            page.paragraph(f"{item.treatment}:{'  ' if rng.random() < 0.1 else ' '}{label}")
            page.blank()
            page.paragraph(f"Claims Administrator guideline: {item.ca.text}  ", repeated=True)
            page.blank()
            page.paragraph(f"MAXIMUS guideline: {item.reviewer.text}  ", repeated=True)
            page.blank()
            gap = self.style.sentence_gap
            first, *rest = item.rationale
            page.paragraph(f"Decision rationale: {' ' if rng.random() < 0.1 else ''}{gap.join(first)}")
            page.blank()
            for sentences in rest:
                page.paragraph(gap.join(sentences))
                page.blank()

    def _render_notice(self, page: _Page) -> None:
        t, rng = self.times, self.rng
        page.line(NOTICE_TITLE)
        page.line(f"Dated: {_numeric_date(t.decision)}")
        page.blank()
        page.line(f"IMR Case Number: {self.case_number} Date of Injury: {_padded_date(t.injury)}")
        page.line(f"UR Denial Date: {_padded_date(t.ur_denial)} Priority: Standard")
        if self.has_received:
            page.line(f"Application Received: {_padded_date(t.received)}")
        page.blank()
        page.paragraph(NOTICE_INTRO, repeated=True)
        page.blank()
        page.line(NOTICE_FINAL)
        for n, item in enumerate(self.items, 1):
            verdict = UPHELD_VERDICT if item.outcome == "upheld" else OVERTURNED_VERDICT
            page.paragraph(NOTICE_FINDING.format(n=n, treatment=item.treatment, verdict=verdict))
        page.blank()
        page.paragraph(NOTICE_BINDING, repeated=True)
        page.blank()
        page.line(NOTICE_QUALIFICATIONS)
        self._credentials(page, "", NOTICE_CREDENTIALS_CLOSING, "expert reviewer")
        page.blank()
        page.line(NOTICE_SUMMARY)
        page.paragraph(NOTICE_DISCLAIMER.format(date=_long_date(t.ur_denial)) if rng.random() < 0.5 else SUMMARY_INTRO)
        page.blank()
        for paragraph in self.summary:
            page.paragraph(paragraph)
            page.blank()
        page.line(NOTICE_DECISIONS)
        page.blank()
        for n, item in enumerate(self.items, 1):
            page.paragraph(NOTICE_REGARDING.format(n=n, treatment=item.treatment))
            page.blank()
            page.paragraph(item.ca.text, repeated=True)
            page.blank()
            page.paragraph(item.reviewer.text, repeated=True)
            page.blank()
            page.line(NOTICE_RATIONALE)
            for sentences in item.rationale:
                page.paragraph(self.style.sentence_gap.join(sentences))
                page.blank()


@cache
def _fitting_variants(category: Category, region: str) -> tuple[tuple[Variant, ...], list[float]] | None:
    """The category's requests that can concern this body region, weighted; None if there are none."""
    fitting = tuple((v, v.weight) for v in category.variants if v.regions is None or region in v.regions)
    return _cumulative(fitting) if fitting else None


@cache
def _family_table(category: Category, variant: Variant) -> tuple[tuple[str, ...], list[float]]:
    """The guideline families a request can be decided under, weighted for the reviewer."""
    present = {"MTUS": variant.mtus, "ODG": variant.odg, "ACOEM": variant.acoem, "OTHER": category.other}
    return _cumulative(tuple((family, FAMILY_WEIGHTS[family]) for family, specs in present.items() if specs))


MASS_NOUNS = frozenset(("therapy", "acupuncture", "treatment", "care", "sedation", "guidance", "myelography", "equipment", "testing", "conditioning", "psychotherapy", "manipulation", "food", "surgery"))
LEVEL_SEPARATOR = re.compile(r", | and ")
DRUG_PREFIX = re.compile(r"^(?:Retrospective request(?: for)?:? |Medical food: |Compound cream: |Compounded topical: )")


@cache
def _drug_name(heading: str) -> str:
    """The drug a heading names, for the rationale to repeat: its words before the strength,
    quantity or a parenthesis ("Tramadol ER 150mg #60" -> "Tramadol ER")."""
    words = []
    for word in DRUG_PREFIX.sub("", heading).split():
        if any(ch.isdigit() or ch in "#(," for ch in word):
            break
        words.append(word)
    return " ".join(words)


def _decapitalize(text: str) -> str:
    """Lower-case a sentence's first word to continue another, unless it is an acronym ("MRI")."""
    return text[0].lower() + text[1:] if text[1:2].islower() else text


def _capitalize_first(text: str) -> str:
    return text[:1].upper() + text[1:]


@cache
def _with_article(noun: str) -> str:
    """"a TENS unit", "an MRI ...", but "physical therapy", "trigger point injections", "Norco"."""
    words = noun.split()
    if (noun[:1].isupper() and not noun[:2].isupper()) or noun.startswith("the ") or MASS_NOUNS.intersection(words) or (words[-1].endswith("s") and not words[-1].endswith("ss")):
        return noun
    return ("an " if noun[:1].lower() in "aeio" or noun[:2] in ("MR", "EM", "NC", "IV", "FR", "SI") else "a ") + noun


def _notice_treatment(heading: str, pharmaceutical: bool) -> str:
    """The 2013 letters name a request inside a sentence: "the request for a 28 day ... program"."""
    if pharmaceutical:
        return heading
    words = heading.split(" ", 1)
    first = words[0] if words[0][:2].isupper() else words[0].lower()
    phrase = " ".join([first] + words[1:])
    return _with_article(phrase) if not phrase[:1].isupper() or phrase[:2].isupper() else phrase


def _notice_citation_text(written: str, topic: str | None, pages: str, prefix: str) -> str:
    """A 2013 citation: "Chronic Pain Medical Treatment Guidelines (2009), <topic>, pages 30-32"."""
    parts = [prefix + (written or topic or "")]
    if topic and written:
        parts.append(topic)
    if pages:
        parts.append(("pages " if "-" in pages or "," in pages else "page ") + pages.split(" of ")[0])
    return ", ".join(parts)


def _join_citations(citations: list[dict], rng: random.Random) -> str:
    """Join citations as the letters do ("... Page(s): 300,Chronic Pain ...") and end the paragraph
    with a period, which by the contract's example belongs to the last citation's text."""
    separator = "," if rng.random() < 0.4 else ", "
    citations[-1]["text"] += "."
    return separator.join(c["text"] for c in citations)


def _conclusion(rng: random.Random, upheld: bool, notice: bool, slots: _Slots) -> str:
    if notice:
        return _notice_conclusion(upheld, slots["treatment"])
    return str(_weighted(rng, UPHELD_CONCLUSION_TABLE if upheld else OVERTURNED_CONCLUSION_TABLE))


def _notice_conclusion(upheld: bool, treatment: str) -> str:
    return f"The request for {treatment} is {UPHELD_VERDICT if upheld else OVERTURNED_VERDICT}."


# --- Text extraction simulation -------------------------------------------------------------


class _Page:
    """Visual lines as a PDF text extractor emits them, then the extraction's artifacts."""

    def __init__(self, style: _Style):
        self.style = style
        self.lines: list[str] = []
        self.hyphens = "hyphen_break" in style.artifacts

    def line(self, text: str) -> None:
        self.lines.append(text + " ")

    def blank(self) -> None:
        self.lines.append(" ")

    def paragraph(self, text: str, repeated: bool = False) -> None:
        """Add a wrapped paragraph; `repeated` ones (boilerplate, guideline bases) recur across
        letters, so their line breaks are worth remembering."""
        wrap = _wrap_repeated if repeated else _wrap
        self.lines.extend(wrap(text, self.style.width, self.hyphens))

    def text(self, rng: random.Random) -> str:
        artifacts = self.style.artifacts
        single = "single_spaced" in artifacts
        residue = [""] * (rng.randint(2, 3) if "long_page_residue" in artifacts else 1)
        feed = "\f" if "form_feed" in artifacts else ""
        lines = self.lines
        out: list[str] = []
        start, stop = 0, rng.randint(35, 39)
        while stop < len(lines) - 1:
            out.extend(lines[start:stop])
            out.extend(residue)
            start, stop = stop, stop + rng.randint(44, 47)
            if feed:
                out.append(feed + lines[start])
                start += 1
        out.extend(lines[start:])
        # The seeds end with the last paragraph break and one or two more empty lines.
        separator = "\n" if single else "\n\n"
        text = separator.join(out) + separator + separator * rng.randint(0, 1) + "\n"
        if "typographic" in artifacts:
            text = _typographic(text, rng)
        if "crlf" in artifacts:
            text = text.replace("\n", "\r\n")
        return text


@cache
def _line_pattern(width: int, hyphens: bool) -> re.Pattern[str]:
    """One visual line: as many characters as fit, ending before a run of spaces (which stays on
    the line, as PDF extractors leave it), at the paragraph's end, or, when the extraction
    hyphenates, right after an in-word hyphen; a word longer than the line stands alone."""
    after_hyphen = r"(?<=\S-)(?=\S)|" if hyphens else ""
    return re.compile(rf".{{1,{width}}}(?:{after_hyphen} +|$)|\S+ *")


def _wrap(paragraph: str, width: int, hyphens: bool) -> list[str]:
    """Greedy line filling like the PDFs': the extractor adds a space after the paragraph's last
    line; a line broken after a hyphen has none ("L5-" in the seeds)."""
    lines = _line_pattern(width, hyphens).findall(paragraph)
    lines[-1] += " "
    return lines


_wrap_repeated = lru_cache(maxsize=8192)(_wrap)

OPENING_QUOTE = re.compile(r'"(?=\w)')
HYPHEN = re.compile(r"-")


def _typographic(text: str, rng: random.Random) -> str:
    """What other PDF tools emit: curly quotes and apostrophes, and some hyphens as en/em dashes."""
    text = OPENING_QUOTE.sub("\u201c", text).replace('"', "\u201d").replace("'", "\u2019")
    dash = "\u2013" if rng.random() < 0.8 else "\u2014"
    return HYPHEN.sub(lambda _: dash if rng.random() < 0.5 else "-", text)


# --- Public API -----------------------------------------------------------------------------


def generate_letter(seed: int, index: int) -> tuple[str, dict]:
    """Letter `index` of corpus `seed`: its text and the parse a correct parser returns for it.

    The same (seed, index) gives the same bytes on every machine and in every process; the
    expected dict follows CONTRACT.md's JSON without "source" and "sha256".
    """
    letter = _letter(seed, index)
    return letter.text(), letter.expected()


def _letter(seed: int, index: int) -> _Letter:
    return _Letter(_Random(seed * 1_000_003 + index))


@dataclass(frozen=True)
class CorpusStats:
    """What write_corpus did. cpu_seconds is the workers' own CPU time (user and system), so
    letters_per_cpu_second tells the generator's speed apart from a busy machine's."""

    letters: int
    items: int
    overturned: int
    bytes_written: int
    seconds: float
    cpu_seconds: float

    @property
    def letters_per_second(self) -> float:
        return self.letters / self.seconds if self.seconds else 0.0

    @property
    def letters_per_cpu_second(self) -> float:
        return self.letters / self.cpu_seconds if self.cpu_seconds else 0.0


def letter_path(out_dir: Path, index: int, suffix: str = ".txt") -> Path:
    """Where write_corpus puts letter `index`: 1,000 letters per shard folder."""
    return out_dir / f"{index // LETTERS_PER_SHARD:04d}" / f"{index:07d}{suffix}"


def _write_file(folder: int, name: str, text: str) -> int:
    """Create and fill one file with plain syscalls, relative to an open folder: creating a
    million small files is the corpus writer's bottleneck, and io.open's layers and repeated
    path lookups only add to it."""
    data = text.encode("utf-8")
    handle = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644, dir_fd=folder)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view):]
    finally:
        os.close(handle)
    return len(data)


def _write_shard(task: tuple[Path, int, int, int, bool]) -> tuple[int, int, int, int, float]:
    """Write letters start..stop-1, all in one shard folder; return the counts and CPU seconds."""
    out_dir, seed, start, stop, with_truth = task
    cpu = time.process_time()
    items = overturned = written = 0
    shard = letter_path(out_dir, start).parent
    shard.mkdir(parents=True, exist_ok=True)
    folder = os.open(shard, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for index in range(start, stop):
            letter = _letter(seed, index)
            name = letter_path(out_dir, index).name
            written += _write_file(folder, name, letter.text())
            if with_truth:
                written += _write_file(folder, name[:-4] + ".json", json.dumps(letter.expected(), indent=1))
            items += len(letter.items)
            overturned += sum(item.outcome == "overturned" for item in letter.items)
    finally:
        os.close(folder)
    return stop - start, items, overturned, written, time.process_time() - cpu


def write_corpus(out_dir: Path, letters: int, seed: int, workers: int, *, with_truth: bool = False) -> CorpusStats:
    """Write letters 0..letters-1 of corpus `seed` as out_dir/<shard>/<index>.txt (and, with
    with_truth, <index>.json beside each), split over `workers` processes by index range.

    The output depends only on (letters, seed): any worker count writes the same files.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    chunk = LETTERS_PER_SHARD
    tasks = [(out_dir, seed, start, min(start + chunk, letters), with_truth) for start in range(0, letters, chunk)]
    totals = [0, 0, 0, 0, 0.0]
    if workers <= 1 or len(tasks) <= 1:
        results = map(_write_shard, tasks)
        for result in results:
            totals = [a + b for a, b in zip(totals, result)]
    else:
        with multiprocessing.get_context("fork" if os.name == "posix" else "spawn").Pool(workers) as pool:
            for result in pool.imap_unordered(_write_shard, tasks):
                totals = [a + b for a, b in zip(totals, result)]
    letters_written, items, overturned, written, cpu_seconds = totals
    return CorpusStats(letters_written, items, overturned, written, time.perf_counter() - started, cpu_seconds)
