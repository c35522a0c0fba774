"""The project's tools (``tools/*.py``: the answer-file generator, the report checker, the benches) as
modules for the tests, each loaded once."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

TOOLS = Path(__file__).resolve().parents[1] / "tools"


def outil(nom: str) -> ModuleType:
    """``tools/<nom>.py`` as a module (kept in ``sys.modules``; the tools folder on the path for its imports)."""
    if nom in sys.modules:
        return sys.modules[nom]
    if str(TOOLS) not in sys.path:
        sys.path.append(str(TOOLS))
    spec = importlib.util.spec_from_file_location(nom, TOOLS / f"{nom}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[nom] = module
    spec.loader.exec_module(module)
    return module
