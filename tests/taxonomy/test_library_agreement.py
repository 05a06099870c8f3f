"""The project's drug names against the `drug-named-entity-recognition` package's.

The package resolves ~100,000 drug names to ~20,000 canonical drugs from data it ships, but it
is no run-time dependency (README, "Dependencies"): importing it costs 2-3 s and ~355 MB per
process, it gives no drug classes, and it lacks the names workers' compensation uses most
(Norco, Percocet, Soma, Terocin, the hyaluronates). It does the job of checking the project's
table: every name both know must resolve to the same generic ingredients, or be listed here
with why the project's answer differs.
"""

from __future__ import annotations

import json
import subprocess
import sys

from decisions.taxonomy.vocabulary import _read

# Where the project names the generics otherwise than the package, on purpose.
REVIEWED = {
    "propoxyphene": "propoxyphene is the US name; the package gives the INN, dextropropoxyphene",
    "clavulanate": "the label's name (amoxicillin/clavulanate); the package: clavulanic acid",
    "vitamin d": "a request for vitamin D names no form; the package assumes D2",
    "vitamin d2": "the package's name is plural (ergocalciferols)",
    "vitamin d 2": "the package's name is plural (ergocalciferols)",
    "vitamin b12": "the generic is cyanocobalamin; the package keeps 'vitamin b 12'",
    "vitamin b 12": "the generic is cyanocobalamin; the package keeps 'vitamin b 12'",
    "cobalamin": "the generic is cyanocobalamin; the package keeps 'vitamin b 12'",
    "botulinum toxin": "the package's name is plural (botulinum toxins)",
    "botulinum toxin a": "the package's name is plural (botulinum toxins, type a)",
    "gabapentin enacarbil": "a prodrug of gabapentin (Horizant): searched as gabapentin",
    "sennosides": "senna's active glycosides: one drug for an analyst",
    "excedrin": "paracetamol is acetaminophen's international name",
    "synthroid": "thyroxine is levothyroxine's older name",
    "zegerid": "the package leaves out the sodium bicarbonate Zegerid holds",
    "fioricet": "the package leaves out the caffeine (40 mg) Fioricet holds",
    "esgic": "the package gives one name, 'acetaminophen, butalbital, caffeine'",
    "colace": "the package names a class (stool softeners), not the drug, docusate",
    "miralax": "3350 is the grade of polyethylene glycol, not another drug",
    "tranxene": "the generic is the base; the package names the salt (dipotassium)",
    "depo medrol": "the generic is the base; the package names the ester (acetate)",
    "solumedrol": "the generic is the base; the package names the ester (hemisuccinate)",
    "adderall": "salts of dextroamphetamine and amphetamine; the package names amphetamine",
    "tobradex": "the package leaves out the tobramycin (0.3%) beside the dexamethasone (0.1%)",
}


def _project_names() -> dict[str, set[str]]:
    drugs = _read("drugs.toml")
    names = {generic: {generic} for generics in drugs["classes"].values() for generic in generics}
    names.update((name, {meant}) for name, meant in drugs["spellings"].items())
    names.update((name, set(generics)) for name, generics in drugs["brands"].items())
    return {name: generics for name, generics in names.items() if generics}


def _library_names(names: list[str]) -> dict[str, set[str]]:
    answer = subprocess.run(
        [sys.executable, "-m", "tests.taxonomy.library_names"],
        input="\n".join(names),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return {name: set(generics) for name, generics in json.loads(answer.stdout).items()}


def test_the_drug_names_both_know_resolve_alike():
    ours = _project_names()
    theirs = _library_names(sorted(ours))
    assert len(theirs) > 400  # of ~580: the package knows most generics and common brands
    differ = {name: sorted(generics) for name, generics in theirs.items() if generics != ours[name]}
    assert set(differ) == set(REVIEWED), {
        name: (sorted(ours[name]), theirs)
        for name, theirs in differ.items()
        if name not in REVIEWED
    }
