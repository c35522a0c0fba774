#!/usr/bin/env python3
"""Generate N varied, valid answer files (seeded), for the batch benchmark and the batch tests.

    python tools/generate_answers.py 20000 bench-out/reponses-20000 [--graine 4] [--part-json 0.2]

The projects look like a country's: mostly single communes with one to a few schools, some RPI and
syndicats scolaires, intercommunalités with tens of schools, a few syndicats mixtes and
départements up to 200 schools. Classes and pupils are consistent (15 to 28 pupils a class);
pupils are absent from some files (estimated by the rules), prices from others (default price),
and readiness, offers, needs and dates vary. Every file is validated with the answer model before
it is written, so a failure in the batch is the batch's, not the generator's.

Files go into one folder per département (``01/``, ``2A/``…), YAML for most and JSON for
``part_json`` of them. The same ``n`` and ``graine`` give the same files, byte for byte; a folder
already generated with them is kept as is (``.generation.json`` records how it was made).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import sys
from pathlib import Path
from typing import Any

import yaml

VERSION = 1
"""Bump when the generated content changes: cached folders are then generated again."""

DEPARTEMENTS = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B", "971", "972", "973", "974", "976"]
SYLLABES = (
    "ber",
    "mont",
    "ville",
    "court",
    "ay",
    "sur",
    "lac",
    "roche",
    "val",
    "bois",
    "champ",
    "fon",
    "mar",
    "neuf",
    "or",
    "saint",
    "pré",
    "lès",
    "gny",
    "ange",
    "beau",
    "cour",
    "dam",
    "ier",
    "é",
    "lon",
)
PREFIXES = (
    "",
    "",
    "",
    "Saint-",
    "Sainte-",
    "Le ",
    "La ",
    "Les ",
    "L'",
    "Villers-",
    "Mont-",
    "Notre-Dame-de-",
)
SUFFIXES = ("", "", "", "", "-sur-Loire", "-en-Bresse", "-le-Vieux", "-d'Azergues", "-la-Forêt", "-lès-Bains")

PORTEURS = (  # porteur, weight, competence (probability of « intercommunalite »), communes, log-mean of schools
    ("commune", 60, 0.0, (1, 1), 0.6),
    ("epci", 15, 0.85, (5, 60), 3.0),
    ("syndicat_scolaire", 10, 0.0, (2, 8), 1.0),
    ("syndicat_mixte", 5, 0.4, (10, 300), 3.8),
    ("departement", 3, 0.0, (50, 600), 4.6),
    ("autre", 7, 0.3, (1, 20), 1.5),
)


def _nom_commune(rng: random.Random) -> str:
    racine = "".join(rng.choice(SYLLABES) for _ in range(rng.randint(1, 3)))
    return rng.choice(PREFIXES) + racine.capitalize() + rng.choice(SUFFIXES)


def _date(rng: random.Random, debut: dt.date, fin: dt.date) -> dt.date:
    return debut + dt.timedelta(days=rng.randint(0, (fin - debut).days))


def reponses(rng: random.Random) -> dict[str, Any]:
    """One project's answers (valid by construction; :func:`generer` checks it anyway)."""
    porteur, _, p_interco, (cmin, cmax), mu = rng.choices(PORTEURS, weights=[p[1] for p in PORTEURS])[0]
    communes = (
        cmin
        if cmin == cmax
        else min(cmax, max(cmin, round(math.exp(rng.uniform(math.log(cmin), math.log(cmax))))))
    )
    if porteur == "commune" and rng.random() < 0.12:
        communes = rng.randint(2, 4)  # a commune carrying the project of an RPI
    ecoles = max(1, min(200, round(math.exp(rng.gauss(mu, 0.8)))))
    classes = max(ecoles, round(ecoles * rng.uniform(1.0, 9.0)))
    commune = _nom_commune(rng)
    data: dict[str, Any] = {"version": 1}
    if rng.random() < 0.9:
        data["nom_projet"] = rng.choice(
            (f"ENT des écoles de {commune}", f"ENT du premier degré — {commune}", f"Projet ENT {commune}")
        )
    data |= {
        "porteur": porteur,
        "competence_scolaire": "intercommunalite" if rng.random() < p_interco else "communes",
        "nombre_communes": communes,
        "service_marches": rng.random() < min(0.95, 0.2 + ecoles / 40),
    }
    if rng.random() < 0.5:
        data["communes_partenaires_interessees"] = rng.random() < 0.3
    data |= {"nombre_ecoles": ecoles, "nombre_classes": classes}
    if rng.random() < 0.85:
        data["nombre_eleves"] = round(classes * rng.uniform(15, 28))
    data["degres"] = "premier_et_second_degre" if rng.random() < 0.08 else "premier_degre"
    existant = rng.choices(("aucun", "partiel", "generalise"), weights=(55, 20, 25))[0]
    data["ent_existant"] = existant
    if existant != "aucun" and rng.random() < 0.6:
        data["fin_contrat_actuel"] = _date(rng, dt.date(2026, 1, 1), dt.date(2029, 12, 31))
    data |= {
        "usages_numeriques": rng.choice(("faibles", "moyens", "avances")),
        "equipement_ecoles": rng.choices(("insuffisant", "correct", "bon"), weights=(25, 50, 25))[0],
        "autorite_academique_associee": rng.random() < 0.7,
        "convention_partenariat": rng.choices(("signee", "en_cours", "aucune"), weights=(35, 35, 30))[0],
        "comite_pilotage": rng.random() < 0.5,
        "dpo_associe": rng.random() < 0.6,
        "accompagnement_prevu": rng.random() < 0.65,
        "offre_mutualisee": rng.choices(
            ("centrale_achat", "groupement_existant", "aucune", "ne_sait_pas"), weights=(25, 15, 40, 20)
        )[0],
    }
    besoin = rng.choices(("standard", "adaptations", "specifique"), weights=(70, 20, 10))[0]
    data["besoin"] = besoin
    if besoin != "standard" and rng.random() < 0.8:
        data["specifications_precises"] = rng.random() < 0.6
    if rng.random() < 0.7:
        data["prix_eleve_an_ht"] = round(rng.uniform(1.5, 9.0), 2)
    if rng.random() < 0.6:
        data["couts_ponctuels_ht"] = rng.choice((0, round(rng.uniform(500, 2_000 + 400 * ecoles), -2)))
    data["rentree_visee"] = rng.randint(2026, 2030)
    if rng.random() < 0.25:
        data["date_lancement"] = _date(rng, dt.date(2026, 1, 1), dt.date(2028, 6, 30))
    return data


def _texte(data: dict[str, Any], format: str) -> str:
    if format == "json":
        plain = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in data.items()}
        return json.dumps(plain, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)


def generer(n: int, dossier: Path, *, graine: int = 0, part_json: float = 0.2) -> list[Path]:
    """Write ``n`` answer files into ``dossier`` (kept when already generated with the same settings)."""
    try:
        from entadvisor.answers import validate_answers
    except ImportError:  # run outside the project's venv: the files are valid by construction
        validate_answers = None  # type: ignore[assignment]
    reglage = {"n": n, "graine": graine, "part_json": part_json, "version": VERSION}
    marque = dossier / ".generation.json"
    if marque.is_file() and json.loads(marque.read_text(encoding="utf-8")) == reglage:
        return sorted(p for p in dossier.rglob("*") if p.is_file() and not p.name.startswith("."))
    if dossier.exists() and any(dossier.iterdir()):
        if not marque.is_file():
            raise SystemExit(f"{dossier} n'est pas vide et n'a pas été créé par ce générateur.")
        import shutil

        shutil.rmtree(dossier)
    dossier.mkdir(parents=True, exist_ok=True)
    rng = random.Random(graine)
    chemins = []
    for i in range(n):
        data = reponses(rng)
        if validate_answers is not None:
            validate_answers(data, f"généré n° {i}")
        format = "json" if rng.random() < part_json else "yaml"
        departement = rng.choice(DEPARTEMENTS)
        slug = "".join(
            c if c.isalnum() else "-" for c in str(data.get("nom_projet", "projet")).lower()
        ).strip("-")
        chemin = dossier / departement / f"{i:06d}-{slug[:40]}.{format}"
        chemin.parent.mkdir(exist_ok=True)
        chemin.write_text(_texte(data, format), encoding="utf-8")
        chemins.append(chemin)
    marque.write_text(json.dumps(reglage) + "\n", encoding="utf-8")
    return chemins


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Génère des fichiers de réponses variés et valides.")
    parser.add_argument("nombre", type=int, help="nombre de fichiers")
    parser.add_argument("dossier", type=Path, help="dossier où les écrire")
    parser.add_argument("--graine", type=int, default=0, help="graine du générateur (défaut : 0)")
    parser.add_argument("--part-json", type=float, default=0.2, help="part de fichiers JSON (défaut : 0,2)")
    args = parser.parse_args(argv)
    chemins = generer(args.nombre, args.dossier, graine=args.graine, part_json=args.part_json)
    print(f"{len(chemins)} fichiers de réponses dans {args.dossier}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
