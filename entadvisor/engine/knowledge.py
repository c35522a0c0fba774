"""Find and load a knowledge base: the rule modules of ``rules/`` and the parameters of ``rules/parameters/``.

The bundled knowledge base ships inside the wheel (``entadvisor/_kb/``); in a source checkout it is
read beside the package. ``--regles DOSSIER`` points at another folder with the same layout, so an
adviser can try a modified knowledge base without reinstalling. Loading rule modules runs their
Python code, as ``conftest.py`` does; answer files, by contrast, are data and never executed.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from entadvisor.engine._experta import Rule, clear_matcher_caches
from entadvisor.engine.moteur import Moteur, matcher_name
from entadvisor.engine.parameters import ParameterSet, load_parameters
from entadvisor.errors import EntreeInvalide
from entadvisor.facts import Regle

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
    """A loaded knowledge base: rules (with their metadata), parameters and the engine class built from them."""

    folder: Path
    version: str
    rules: list[Regle]
    parameters: ParameterSet
    engine_class: type
    _engines: dict[str, Any] = field(default_factory=dict)

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
        raise EntreeInvalide(str(path), f"module de règles en erreur : {type(exc).__name__}: {exc}") from None
    return module


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
    modules = [_load_module(path, package) for path in files]
    rules = _collect_rules(modules)
    parameters = load_parameters(folder / "parameters")
    version_file = folder / "VERSION"
    version = version_file.read_text(encoding="utf-8").strip() if version_file.exists() else "non versionnée"
    engine_class = type("MoteurENT", (Moteur,), dict(rules))
    metas = sorted((rule._entadvisor for rule in rules.values()), key=lambda r: (-r.salience, r.module, r.id))
    return Knowledge(
        folder=folder, version=version, rules=metas, parameters=parameters, engine_class=engine_class
    )


def load_knowledge(folder: str | Path | None = None) -> Knowledge:
    """The knowledge base in ``folder`` (default: the bundled one), loaded once per process."""
    return _load(Path(folder).resolve() if folder is not None else rules_folder().resolve())
