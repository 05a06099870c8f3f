"""Canonical names of the guideline documents letters cite (CONTRACT.md, "Citation naming").

Reference data, not parsing: the parser names what it reads with these, and the synthetic
letter generator writes its expected parses with them, so the two agree by construction.
"""

from __future__ import annotations

CHRONIC_PAIN = "Chronic Pain Medical Treatment Guidelines"
POSTSURGICAL = "Postsurgical Treatment Guidelines"

# ACOEM Practice Guidelines, 2nd edition (2004): the chapters MTUS adopted, by number.
ACOEM_CHAPTERS = {
    1: "Prevention",
    2: "General Approach to Initial Assessment and Documentation",
    3: "Initial Approaches to Treatment",
    4: "Work-Relatedness",
    5: "Cornerstones of Disability Prevention and Management",
    6: "Pain, Suffering, and the Restoration of Function",
    7: "Independent Medical Examinations and Consultations",
    8: "Neck and Upper Back Complaints",
    9: "Shoulder Complaints",
    10: "Elbow Disorders",
    11: "Forearm, Wrist, and Hand Complaints",
    12: "Low Back Complaints",
    13: "Knee Complaints",
    14: "Ankle and Foot Complaints",
    15: "Stress-Related Conditions",
    16: "Eye",
}


def acoem_chapter(number: int) -> str:
    """The canonical document name of an ACOEM chapter: "ACOEM Chapter 12 Low Back Complaints"."""
    return f"ACOEM Chapter {number} {ACOEM_CHAPTERS[number]}"
