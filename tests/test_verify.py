"""`entadvisor verifier`: the sweep is derived from the parameters, and seeded mutations are caught.

Each mutation is made in a copy of rules/ under tmp_path: a rule removed, a threshold shifted (in
the YAML, or in a rule's test), two rules concluding differently on one question. The bundled
knowledge base passes. Sweeps here are small, evenly spread samples (``limite``); the full
default sweep runs in `make test` (`entadvisor verifier -j 2`).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from entadvisor.answer_files import load_answers
from entadvisor.api import evaluate
from entadvisor.cli import main
from entadvisor.engine.knowledge import load_knowledge, rules_folder
from entadvisor.errors import EvaluationError
from entadvisor.verify.run import plan, verify
from entadvisor.verify.sweep import _blocs, _dimensions
from entadvisor.verify.worker import default_reference

LIMITE = 200
"""Cases per sample: every mutation below is hit several times (measured at 200: 7 to 65 cases)."""


def _copie(tmp_path: Path) -> Path:
    """A copy of the bundled knowledge base that a test may break."""
    copie = tmp_path / "regles"
    shutil.copytree(rules_folder(), copie, ignore=shutil.ignore_patterns("__pycache__"))
    return copie


def _definition(texte: str, regle: str) -> tuple[int, int]:
    """Start and end of a rule's definition (its decorator and function) in a rule module."""
    debut = texte.index(f'@regle(\n    "{regle}",')
    fin = texte.find("\n\n\n", debut)
    return debut, len(texte) if fin < 0 else fin


def _supprimer(module: Path, regle: str) -> None:
    texte = module.read_text(encoding="utf-8")
    debut, fin = _definition(texte, regle)
    module.write_text(texte[:debut] + texte[fin:], encoding="utf-8")


def _remplacer(module: Path, ancien: str, nouveau: str) -> None:
    texte = module.read_text(encoding="utf-8")
    assert ancien in texte, f"{ancien!r} absent de {module.name} : la base a changé, adapter le test"
    module.write_text(texte.replace(ancien, nouveau), encoding="utf-8")


def _verifier(regles: Path, sortie: Path, *options: str) -> tuple[int, str]:
    resultat = CliRunner().invoke(
        main,
        [
            "verifier",
            "--regles",
            str(regles),
            "--limite",
            str(LIMITE),
            "-j",
            "1",
            "--sortie",
            str(sortie),
            *options,
        ],
    )
    assert resultat.exception is None or isinstance(resultat.exception, SystemExit), resultat.output
    return resultat.exit_code, resultat.output


def _reproduire(fichier: Path, regles: Path) -> tuple[object, str | None]:
    """Evaluate a written failing case as a user would: the answer file and the date in its comment."""
    texte = fichier.read_text(encoding="utf-8")
    date = re.search(r"^# date_analyse: (\d{4}-\d{2}-\d{2})$", texte, re.MULTILINE)
    assert date, texte
    answers = load_answers(fichier)  # a valid answer file
    try:
        return evaluate(answers, as_of=dt.date.fromisoformat(date[1]), knowledge=regles), None
    except EvaluationError as exc:
        return None, str(exc)


def test_la_base_fournie_passe_la_verification(tmp_path: Path) -> None:
    """On an evenly spread sample, the bundled knowledge base breaks no invariant and has no conflict."""
    rapport = verify(limite=LIMITE, jobs=1, sortie=tmp_path / "echecs")
    assert rapport.violations == [], rapport.texte()
    assert rapport.conflits == {}, rapport.texte()
    assert rapport.ok
    assert not (tmp_path / "echecs").exists()
    assert "Résultat : SUCCÈS" in rapport.texte()


def test_le_balayage_est_derive_des_parametres() -> None:
    """Dates on both sides of each change, values at each threshold − 1 and at it, schools around the size limits."""
    knowledge = load_knowledge()
    dims = _dimensions([knowledge.parameters, default_reference()])
    points = set(dims["point"])
    for veille, jour, ancien, nouveau in (
        (dt.date(2026, 3, 31), dt.date(2026, 4, 1), 40_000, 60_000),  # décret 2025-1386
        (dt.date(2025, 12, 31), dt.date(2026, 1, 1), 221_000, 216_000),  # seuil européen 2026-2027
    ):
        assert {
            (veille, ancien - 1.0),
            (veille, float(ancien)),
            (jour, nouveau - 1.0),
            (jour, float(nouveau)),
        } <= points
    dates = {date for date, _ in points}
    assert {dt.date(2027, 12, 31), dt.date(2028, 1, 1)} <= dates  # the EU threshold is unknown after 2027
    assert (dt.date(2026, 4, 1), 90_000.0) in points and (dt.date(2026, 4, 1), 89_999.0) in points
    assert dims["ecoles"] == (1, 3, 4, 20, 21)
    taille = 1
    for nom in _blocs(complet=True)[0].produit:
        taille *= len(dims[nom])
    assert taille == 72_576  # every combination of the ten answers that decide
    assert sum(_produit(dims, bloc.produit) for bloc in _blocs(complet=True)) >= 100_000


def _produit(dims: dict[str, tuple[object, ...]], noms: tuple[str, ...]) -> int:
    n = 1
    for nom in noms:
        n *= len(dims[nom])
    return n


def test_le_balayage_est_deterministe_et_sans_doublon() -> None:
    """The same cases in the same order, every one distinct and valid."""
    knowledge = load_knowledge()
    premier, blocs = plan(knowledge)
    second, _ = plan(knowledge)
    assert [(c.reponses, c.date_analyse) for c in premier] == [(c.reponses, c.date_analyse) for c in second]
    assert len({(frozenset(c.reponses.items()), c.date_analyse) for c in premier}) == len(premier)
    assert sum(blocs.values()) == len(premier) > 8_000
    echantillon, _ = plan(knowledge, limite=50)
    assert len(echantillon) == 50 and echantillon[0].numero == 1 and echantillon[-1].numero > 8_000


def test_les_processus_donnent_le_meme_rapport(tmp_path: Path) -> None:
    """Two worker processes find exactly what one process finds, in the same order."""
    seul = verify(limite=250, jobs=1, sortie=tmp_path / "a")
    deux = verify(limite=250, jobs=2, sortie=tmp_path / "b")
    assert deux.jobs == 2
    assert deux.declenchements == seul.declenchements
    assert deux.violations == seul.violations and deux.conflits == seul.conflits


@pytest.mark.parametrize(
    ("module", "regle", "code"),
    [
        pytest.param("acheteur.py", "VOIE-PROCEDURE-PROPRE", "voie_absente", id="sans-voie-procedure-propre"),
        pytest.param("procedure.py", "PROC-MAPA", "procedure_absente", id="sans-proc-mapa"),
    ],
)
def test_une_regle_supprimee_est_detectee(tmp_path: Path, module: str, regle: str, code: str) -> None:
    """Without the rule, some cases get no route (or no procedure): exit 1 and reproducible failing files."""
    regles = _copie(tmp_path)
    _supprimer(regles / module, regle)
    sortie = tmp_path / "echecs"
    code_sortie, texte = _verifier(regles, sortie)
    assert code_sortie == 1, texte
    assert f"[{code}]" in texte and "Résultat : ÉCHEC" in texte
    fichiers = sorted(sortie.glob("echec-*.yaml"))
    assert fichiers
    concernes = [f for f in fichiers if f"[{code}]" in f.read_text(encoding="utf-8")]
    advice, erreur = _reproduire(concernes[0], regles)
    assert advice is None and erreur and "aucune règle n'a conclu" in erreur


def test_un_seuil_decale_dans_les_parametres_est_detecte(tmp_path: Path) -> None:
    """Dispense at 70 000 € in the copy's YAML: the checker, on the bundled thresholds, sees the wrong procedure."""
    regles = _copie(tmp_path)
    _remplacer(regles / "parameters" / "seuils.yaml", "      value: 60000\n", "      value: 70000\n")
    sortie = tmp_path / "echecs"
    code_sortie, texte = _verifier(regles, sortie)
    assert code_sortie == 1, texte
    assert "[procedure_seuils]" in texte
    fichier = next(
        f for f in sorted(sortie.glob("echec-*.yaml")) if "[procedure_seuils]" in f.read_text("utf-8")
    )
    advice, _ = _reproduire(fichier, regles)
    assert advice is not None and advice.achat.procedure == "sans_publicite"
    assert 60_000 <= advice.valeur_estimee.montant_ht < 70_000
    # with the copy's own parameters as the reference, the shift is a deliberate change: it passes
    code_sortie, texte = _verifier(regles, tmp_path / "echecs2", "--reference", str(regles))
    assert code_sortie == 0, texte


def test_un_seuil_decale_dans_une_regle_est_detecte(tmp_path: Path) -> None:
    """Tranche rules comparing with dispense × 1,1 are caught even against the copy's own parameters."""
    regles = _copie(tmp_path)
    _remplacer(
        regles / "valeur.py",
        "TEST(lambda v, dispense: v < dispense)",
        "TEST(lambda v, dispense: v < dispense * 1.1)",
    )
    _remplacer(
        regles / "valeur.py",
        "TEST(lambda v, dispense, publicite, europeen: dispense <= v < min(publicite, europeen))",
        "TEST(lambda v, dispense, publicite, europeen: dispense * 1.1 <= v < min(publicite, europeen))",
    )
    code_sortie, texte = _verifier(regles, tmp_path / "echecs", "--reference", str(regles))
    assert code_sortie == 1, texte
    assert "[procedure_seuils]" in texte


def _dupliquer_voie(regles: Path, conclusion: str) -> None:
    """A second VOIE-PROCEDURE-PROPRE, under another id, concluding ``conclusion``."""
    module = regles / "acheteur.py"
    texte = module.read_text(encoding="utf-8")
    debut, fin = _definition(texte, "VOIE-PROCEDURE-PROPRE")
    copie = texte[debut:fin].replace('"VOIE-PROCEDURE-PROPRE"', '"VOIE-PROCEDURE-PROPRE-BIS"')
    copie = copie.replace("def voie_procedure_propre(", "def voie_procedure_propre_bis(")
    copie = copie.replace('voie="procedure_propre",', f'voie="{conclusion}",')
    module.write_text(texte + "\n\n" + copie + "\n", encoding="utf-8")


def test_deux_regles_en_conflit_sont_detectees(tmp_path: Path) -> None:
    """A duplicated route rule with another conclusion: a conflict pair, two routes, exit 1, EvaluationError."""
    regles = _copie(tmp_path)
    _dupliquer_voie(regles, "groupement_commandes")
    sortie = tmp_path / "echecs"
    code_sortie, texte = _verifier(regles, sortie)
    assert code_sortie == 1, texte
    assert "VOIE-PROCEDURE-PROPRE et VOIE-PROCEDURE-PROPRE-BIS sur la voie d'achat" in texte
    assert "[voie_multiple]" in texte and "[conflit]" in texte
    fichier = sorted(sortie.glob("echec-*.yaml"))[0]
    assert "EvaluationError" in fichier.read_text(encoding="utf-8")
    advice, erreur = _reproduire(fichier, regles)
    assert advice is None and erreur and "concluent différemment" in erreur


def test_un_conflit_de_meme_conclusion_est_detecte(tmp_path: Path) -> None:
    """Two rules concluding the same route leave one fact (experta merges them), but the declarations show both."""
    regles = _copie(tmp_path)
    _dupliquer_voie(regles, "procedure_propre")
    rapport = verify(regles, limite=LIMITE, jobs=1, sortie=tmp_path / "echecs")
    assert ("Voie", "VOIE-PROCEDURE-PROPRE", "VOIE-PROCEDURE-PROPRE-BIS") in rapport.conflits
    assert not rapport.ok
    assert {v.code for v in rapport.violations} == {"conflit"}


def test_une_exception_dans_une_regle_est_un_echec(tmp_path: Path) -> None:
    """A rule that raises is reported with its message, never propagated."""
    regles = _copie(tmp_path)
    _remplacer(
        regles / "procedure.py",
        "def mapa(moteur, voie, existant, v, dispense, europeen, besoin):\n",
        "def mapa(moteur, voie, existant, v, dispense, europeen, besoin):\n    1 / 0\n",
    )
    rapport = verify(regles, limite=LIMITE, jobs=1, sortie=tmp_path / "echecs")
    assert any(v.code == "exception" and "ZeroDivisionError" in v.message for v in rapport.violations)


def test_un_conseil_que_le_modele_refuse_est_dit_en_francais() -> None:
    """The verifier words what the Advice model refuses (a broken base's conclusions) in French, never
    pydantic's « 1 validation error for Advice »."""
    from pydantic import ValidationError

    from entadvisor.advice import Advice
    from entadvisor.verify.worker import _conseil_invalide

    with pytest.raises(ValidationError) as exc:
        Advice.model_validate({"version_format": "un"})
    message = _conseil_invalide(exc.value)
    assert message.startswith("le conseil ne se construit pas à partir des faits conclus : « ")
    assert "validation error" not in message and "Input should" not in message
    assert "« version_format » : « un » n'est pas permis ; valeurs permises : 1" in message
    assert message.endswith("autre(s))")  # the other refused fields are counted, not listed
