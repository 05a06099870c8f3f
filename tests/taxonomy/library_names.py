"""Ask the `drug-named-entity-recognition` package what drug names stand for.

Run as a program (`python -m tests.taxonomy.library_names`): names on standard input, one a
line; on standard output a JSON object mapping each name the package knows to its generic
names. A program of its own because the package's data takes ~400 MB and ~3 s to load: the
test that asks it frees that when this process ends.

It reads the dictionary the package ships (name -> canonical drug) without importing the
package's finder, whose import also unpickles a cache file from the home directory and
builds a trigram index the test does not need.
"""

from __future__ import annotations

import bz2
import json
import pickle
import re
import sys
from importlib import resources

# The package names some canonical drugs with their form: "lidocaine patch", "buprenorphine
# sublingual and buccal (opioid dependence)"; combinations are "a/b".
_FORM = re.compile(
    r"\((?:[^()]*)\)|\b(?:patch|viscous|sublingual|buccal|oral|transdermal|nasal|spray|and)\b"
)


def generics(canonical: str) -> list[str]:
    parts = (_FORM.sub(" ", part) for part in canonical.split("/"))
    return [" ".join(part.split()) for part in parts if part.strip()]


def main() -> None:
    data = resources.files("drug_named_entity_recognition") / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(data.open("rb")) as file:
        known = pickle.load(file)["drug_variant_to_canonical"]  # the package's own data file
    answers = {}
    for name in sys.stdin.read().splitlines():
        forms = (name, name.replace(" ", "-"), name.replace(" ", ""))
        canonical = next((known[form] for form in forms if form in known), None)
        if canonical is not None:
            answers[name] = [each for one in canonical for each in generics(one)]
    json.dump(answers, sys.stdout)


if __name__ == "__main__":
    main()
