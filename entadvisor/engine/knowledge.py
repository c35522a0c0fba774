"""Find and load a knowledge base: the rule modules of ``rules/``, the parameters of ``rules/parameters/``
and the lexicon ``rules/libelles.yaml`` (the words of the codes, :mod:`entadvisor.engine.lexique`).

The bundled knowledge base ships inside the wheel (``entadvisor/_kb/``); in a source checkout it is
read beside the package. ``--regles DOSSIER`` points at another folder with the same layout, so an
adviser can try a modified knowledge base without reinstalling. Loading rule modules runs their
Python code, as ``conftest.py`` does; answer files, by contrast, are data and never executed.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import importlib.util
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from entadvisor import facts
from entadvisor.engine._experta import Rule, clear_matcher_caches
from entadvisor.engine.lexique import Lexique, charger_lexique, verifier_complet, verifier_vigilances
from entadvisor.engine.moteur import Moteur, matcher_name
from entadvisor.engine.parameters import ParameterSet, load_parameters
from entadvisor.errors import EntreeInvalide, Probleme
from entadvisor.facts import CHAMPS_NOTES, CODES_VIGILANCE, Regle
from entadvisor.references import Ref

_PACKAGE = Path(__file__).resolve().parent.parent


def _kb_root() -> Path:
    installed = _PACKAGE / "_kb"
    if (installed / "rules").is_dir():
        return installed
    return _PACKAGE.parent


def rules_folder() -> Path:
    return _kb_root() / "rules"


def questionnaire_path() -> Path:
    return _kb_root() / "questionnaires" / "ent-premier-degre.yaml"


def examples_folder() -> Path:
    return _kb_root() / "questionnaires" / "examples"


def reports_folder() -> Path:
    return _kb_root() / "reports"


@dataclass
class Knowledge:
    """A loaded knowledge base: rules (with their metadata), parameters, the lexicon (``libelles.yaml``: the words
    of each code) and the engine class built from them."""

    folder: Path
    version: str
    rules: list[Regle]
    parameters: ParameterSet
    engine_class: type
    libelles: Lexique
    _engines: dict[str, Any] = field(default_factory=dict)

    @functools.cached_property
    def refs(self) -> dict[str, Ref]:
        """Each text the rules cite, structured, by the citation the advice shows (``Regle.references``)."""
        found: dict[str, Ref] = {}
        for rule in self.rules:
            for cite, ref in zip(rule.references, rule.sources, strict=True):
                found.setdefault(cite, ref)
        return found

    @functools.cached_property
    def source(self) -> str:
        """« base fournie » or the folder (resolved once: it is read for every advice)."""
        return "base fournie" if self.folder.resolve() == rules_folder().resolve() else str(self.folder)

    def engine(self, matcher: str | None = None) -> Any:
        """The engine of this process for a matcher (default ``$ENTADVISOR_MATCHER``, else ``compile``).

        Built once per matcher: compiling the rules, or building experta's Rete network, is the costly part.
        """
        name = matcher_name(matcher)
        engine = self._engines.get(name)
        if engine is None:
            engine = self._engines[name] = self.engine_class(self, name)
            clear_matcher_caches()
        return engine


def _load_module(path: Path, package: str) -> ModuleType:
    name = f"{package}.{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise EntreeInvalide(str(path), "module de règles illisible.")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # a broken rule module is bad input for --regles: say where
        del sys.modules[name]
        lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(path)]
        where = f" (ligne {lines[-1]})" if lines and not isinstance(exc, SyntaxError) else ""
        raise EntreeInvalide(
            str(path), f"module de règles en erreur : {type(exc).__name__}: {exc}{where}"
        ) from None
    return module


def check_rule_module(path: Path) -> None:
    """Every ``moteur.noter(kind, ...)`` of a rule module names a declared kind, its fields, a declared code;
    every direct ``moteur.conclure(Classe(...))`` of a rule concludes the class it declares (``conclut=``).

    Read from the module's source before it runs, so that a misspelt kind (« raisons ») or warning code
    fails the loading of the knowledge base, not the one case that reaches the rule. Parsing the rule
    modules costs about 25 ms: a source found correct is remembered beside its bytecode
    (``__pycache__/<module>.entadvisor-verifie``, the hash of the source and of the vocabulary), as
    Python remembers its compilation; a changed source, or a changed vocabulary, is checked again.
    """
    try:
        source = path.read_bytes()
    except OSError:
        return  # loading the module reports it
    stamp = hashlib.sha256(source + _VOCABULAIRE).hexdigest()
    marker = Path(importlib.util.cache_from_source(str(path))).with_suffix(".entadvisor-verifie")
    with contextlib.suppress(OSError, UnicodeDecodeError):
        if marker.read_text(encoding="ascii") == stamp:
            return
    try:
        tree = ast.parse(source.decode("utf-8"), filename=str(path))
    except (SyntaxError, ValueError, UnicodeDecodeError):
        return  # loading the module reports it, as for any module that does not import
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "noter":
            problems += [Probleme(message, ligne=node.lineno) for message in _note_problems(node)]
        if isinstance(node, ast.FunctionDef):
            problems += _conclusion_problems(node)
    if problems:
        raise EntreeInvalide(str(path), problems)
    if not sys.dont_write_bytecode:
        with contextlib.suppress(OSError):  # a read-only installation checks at each load
            marker.parent.mkdir(exist_ok=True)
            marker.write_text(stamp, encoding="ascii")


_VOCABULAIRE = repr(
    (
        3,  # the version of these checks: raise it when they change
        sorted((kind, sorted(fields) if fields else None) for kind, fields in CHAMPS_NOTES.items()),
        CODES_VIGILANCE,
        sorted(name for name, value in vars(facts).items() if hasattr(value, "strate")),
    )
).encode()
"""What the checks of a rule module depend on besides its source (part of the remembered hash)."""


def _conclusion_problems(function: ast.FunctionDef) -> list[Probleme]:
    """A rule's direct ``moteur.conclure(Classe(...))`` concludes the class it declares (``conclut=``)."""
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", None) == "regle":
            declared = next((k.value for k in decorator.keywords if k.arg == "conclut"), None)
            break
    else:
        return []
    name = declared.id if isinstance(declared, ast.Name) else None
    problems = []
    for node in ast.walk(function):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr != "conclure" or not node.args or not isinstance(node.args[0], ast.Call):
            continue
        concluded = getattr(node.args[0].func, "id", None)
        if concluded is None or concluded == name:
            continue
        if name is not None or hasattr(getattr(facts, concluded, None), "strate"):  # a class with its stratum
            said = f"déclare conclut={name}" if name else "ne déclare pas conclut="
            problems.append(
                Probleme(
                    f"la règle {function.name} conclut un fait {concluded} mais {said} : sa strate serait fausse "
                    f"(indiquer conclut={concluded}).",
                    ligne=node.lineno,
                )
            )
    return problems


def _check_exceptions(metas: list[Regle], folder: Path) -> None:
    """Each ``exception_de=`` names rules that exist, fire after it, and wait for no fact of what it concludes."""
    by_id = {meta.id: meta for meta in metas}
    problems = []
    for meta in metas:
        for general_id in meta.exception_de:
            general = by_id.get(general_id)
            if general is None:
                problems.append(f"la règle {meta.id} est une exception de {general_id}, qui n'existe pas.")
            elif general.salience >= meta.salience:
                problems.append(
                    f"la règle {meta.id} est une exception de {general_id}, qui se déclencherait avant elle "
                    f"(strates {general.salience} et {meta.salience})."
                )
            elif meta.conclut not in general.negations:
                problems.append(
                    f"la règle {meta.id} est une exception de {general_id}, qui ne demande pas l'absence "
                    f"de {meta.conclut} (NOT({meta.conclut}()) parmi ses conditions) : les deux concluraient."
                )
    if problems:
        raise EntreeInvalide(str(folder), [Probleme(problem) for problem in problems])


def _note_problems(call: ast.Call) -> list[str]:
    kinds = ", ".join(sorted(CHAMPS_NOTES))
    kind = call.args[0] if call.args else None
    if not (isinstance(kind, ast.Constant) and isinstance(kind.value, str)):
        return [
            f"moteur.noter(...) : la sorte de note doit être écrite en toutes lettres (sortes permises : {kinds})."
        ]
    if kind.value not in CHAMPS_NOTES:
        return [f"moteur.noter(« {kind.value} ») : sorte de note inconnue (sortes permises : {kinds})."]
    spread = any(k.arg is None for k in call.keywords)  # moteur.noter("…", **fields): checked at run time
    names = {k.arg for k in call.keywords if k.arg is not None}
    fields = CHAMPS_NOTES[kind.value]
    problems = []
    if fields is not None and not spread and names != fields:
        missing, extra = sorted(fields - names), sorted(names - fields)
        said = []
        if missing:
            said.append(f"champ manquant : {', '.join(missing)}")
        if extra:
            said.append(f"champ inconnu : {', '.join(extra)}")
        problems.append(
            f"moteur.noter(« {kind.value} ») : {' ; '.join(said)} (champs attendus : {', '.join(sorted(fields))})."
        )
    code = next((k.value for k in call.keywords if k.arg == "code"), None)
    if (
        kind.value == "vigilance"
        and isinstance(code, ast.Constant)
        and isinstance(code.value, str)
        and code.value not in CODES_VIGILANCE
    ):
        # a code held in a variable is checked where it is declared (a table's constructor, at import)
        problems.append(
            f"moteur.noter(« vigilance », code=« {code.value} ») : code de vigilance non déclaré "
            f"(codes déclarés dans entadvisor/advice.py, CodeVigilance : {', '.join(CODES_VIGILANCE)})."
        )
    return problems


def _collect_rules(modules: list[ModuleType]) -> dict[str, Any]:
    rules: dict[str, Any] = {}
    seen_ids: dict[str, str] = {}
    for module in modules:
        for value in vars(module).values():
            if not isinstance(value, Rule) or not hasattr(value, "_entadvisor"):
                continue
            meta = value._entadvisor
            if meta.id in seen_ids:
                raise EntreeInvalide(
                    module.__file__,
                    f"la règle {meta.id} est définie deux fois (aussi dans {seen_ids[meta.id]}).",
                )
            seen_ids[meta.id] = module.__name__
            rules[value._wrapped.__name__] = value
    return rules


@functools.lru_cache(maxsize=8)
def _load(folder: Path) -> Knowledge:
    if not folder.is_dir():
        raise EntreeInvalide(str(folder), "dossier de règles introuvable.")
    files = sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))
    if not files:
        raise EntreeInvalide(str(folder), "aucun module de règles (*.py) dans ce dossier.")
    package = "entadvisor_regles_" + hashlib.sha1(str(folder).encode()).hexdigest()[:10]
    for path in files:
        check_rule_module(path)
    modules = [_load_module(path, package) for path in files]
    rules = _collect_rules(modules)
    parameters = load_parameters(folder / "parameters")
    libelles = charger_lexique(folder)  # no fallback to the bundled words: see entadvisor.engine.lexique
    verifier_vigilances(libelles, CODES_VIGILANCE)
    if folder != _dossier_fourni():
        verifier_complet(libelles, lexique_fourni())
    version_file = folder / "VERSION"
    version = version_file.read_text(encoding="utf-8").strip() if version_file.exists() else "non versionnée"
    engine_class = type("MoteurENT", (Moteur,), dict(rules))
    metas = sorted((rule._entadvisor for rule in rules.values()), key=lambda r: (-r.salience, r.module, r.id))
    _check_exceptions(metas, folder)
    return Knowledge(
        folder=folder,
        version=version,
        rules=metas,
        parameters=parameters,
        engine_class=engine_class,
        libelles=libelles,
    )


def load_knowledge(folder: str | Path | None = None) -> Knowledge:
    """The knowledge base in ``folder`` (default: the bundled one), loaded once per process."""
    return _load(Path(folder).resolve() if folder is not None else rules_folder().resolve())


# --- the words of the codes, for the views ------------------------------------------------------


def lexique_fourni() -> Lexique:
    """The lexicon of the bundled knowledge base."""
    return charger_lexique(_dossier_fourni())


@functools.cache
def _dossier_fourni() -> Path:
    return rules_folder().resolve()


def lexique_du_conseil(advice: Any) -> Lexique:
    """The lexicon of the knowledge base that concluded ``advice`` (its ``base_de_connaissances.source``):
    a view words an advice with the words of the base that decided it.

    An advice whose source is not a folder of this machine (« base fournie », or an advice JSON made
    elsewhere and shown here) is worded with the bundled lexicon; a folder that is there must hold its own."""
    dossier = _dossier_du_conseil(advice)
    return lexique_fourni() if dossier is None else charger_lexique(dossier)


def references_du_conseil(advice: Any) -> dict[str, Ref]:
    """The structured texts of the knowledge base that concluded ``advice``, by the citations it shows: the
    report groups and sorts the cited texts from these fields (a view reads an advice with its base, as
    :func:`lexique_du_conseil` words it). An advice whose source is not a folder of this machine is read
    with the bundled base."""
    return load_knowledge(_dossier_du_conseil(advice)).refs


def _dossier_du_conseil(advice: Any) -> Path | None:
    """The folder of the knowledge base that concluded ``advice``; None for the bundled one, or for a folder
    that is not on this machine (an advice JSON made elsewhere)."""
    source = advice.base_de_connaissances.source
    dossier = Path(source)
    if source == "base fournie" or not dossier.is_dir():
        return None
    return dossier.resolve()
