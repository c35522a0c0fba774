"""[web] Server time per page of ``entadvisor web`` (target: median ≤ 50 ms, the advice page included).

The time is measured inside the ASGI application (from the request reaching the app to the last byte
of the response), so the HTTP client's own cost is left out. A persona (the 45-school
intercommunalité) answers the whole questionnaire through Starlette's TestClient, again and again,
in one warm server process: every section page (GET), every form (POST, with its saving), the
review, the advice page and the report download.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TOURS = 15
CIBLE_MS = 50.0


def run(out: Path) -> list[str]:
    sys.path.insert(0, str(ROOT / "tests"))
    from starlette.testclient import TestClient
    from test_web_app import QUESTIONNAIRE, persona, valeur_de_formulaire

    from entadvisor.web import creer_app

    temps: dict[str, list[float]] = defaultdict(list)
    reponses = persona("interco-45-ecoles")

    with tempfile.TemporaryDirectory(prefix="bench-web-") as dossier:
        application = creer_app(Path(dossier), date_analyse=dt.date(2026, 11, 29))
        type_page = [""]

        async def chronometre(scope: Any, receive: Any, send: Any) -> None:
            debut = time.perf_counter()
            await application(scope, receive, send)
            if scope["type"] == "http":
                temps[type_page[0]].append((time.perf_counter() - debut) * 1000)

        client = TestClient(chronometre, base_url="http://127.0.0.1:8765")

        def get(nom: str, chemin: str) -> str:
            type_page[0] = nom
            reponse = client.get(chemin, follow_redirects=False)
            assert reponse.status_code in (200, 303), (chemin, reponse.status_code)
            return reponse.text

        def jeton(page: str) -> str:
            trouve = re.search(r'name="_jeton" value="([0-9a-f]+)"', page)
            assert trouve
            return trouve.group(1)

        for tour in range(TOURS + 1):  # the first round warms up (engine, templates) and is not counted
            page = get("accueil", "/")
            type_page[0] = "creation (POST)"
            cree = client.post(
                "/projets",
                data={"_jeton": jeton(page), "nom_projet": f"Bench {tour}"},
                follow_redirects=False,
            )
            slug = cree.headers["location"].split("/")[2]
            cible = f"/projet/{slug}/section/1"
            while "/section/" in cible:
                page = get("section", cible)
                affichees = re.findall(r'name="_affichees" value="([a-z_]+)"', page)
                donnees: dict[str, Any] = {"_jeton": jeton(page), "_affichees": affichees}
                for qid in affichees:
                    question = QUESTIONNAIRE.question(qid)
                    assert question is not None
                    donnees[qid] = valeur_de_formulaire(question, reponses[qid])
                type_page[0] = "section (POST)"
                envoi = client.post(cible.split("#")[0], data=donnees, follow_redirects=False)
                assert envoi.status_code == 303, envoi.text[:300]
                cible = envoi.headers["location"].split("#")[0]
            get("revue", cible)
            get("conseil", f"/projet/{slug}/conseil")
            get("rapport (HTML)", f"/projet/{slug}/rapport.html")
            if tour == 0:
                temps.clear()

    lignes = [f"{TOURS} questionnaires complets (interco 45 écoles), temps serveur par page, en ms :"]
    tous: list[float] = []
    for nom, valeurs in temps.items():
        tous.extend(valeurs)
        lignes.append(
            f"  {nom:<16} médiane {statistics.median(valeurs):6.1f}   max {max(valeurs):6.1f}   ({len(valeurs)} pages)"
        )
    mediane = statistics.median(tous)
    pire = max(statistics.median(v) for v in temps.values())
    verdict = "tenu" if pire <= CIBLE_MS else "NON TENU"
    lignes.append(
        f"  toutes pages     médiane {mediane:6.1f} ; pire médiane par page {pire:.1f} "
        f"(objectif ≤ {CIBLE_MS:.0f} ms : {verdict})"
    )
    (out / "web.txt").write_text("\n".join(lignes) + "\n", encoding="utf-8")
    return lignes
