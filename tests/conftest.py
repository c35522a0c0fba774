"""Shared fixtures; the knowledge-base cases (tests/cases/*.yaml) are collected by ``plugin_cas``."""

from __future__ import annotations

from pathlib import Path

import pytest
from plugin_cas import EXAMPLES, check_case, load_case_answers, pytest_collect_file

import entadvisor  # noqa: F401  -- imports the experta shim before anything else can import experta

__all__ = ["check_case", "load_case_answers", "pytest_collect_file"]


@pytest.fixture(scope="session")
def examples() -> list[Path]:
    """The bundled example answer files."""
    return sorted(EXAMPLES.glob("*.yaml"))


# --- rapport (issue 5) : option de réécriture des rapports de référence (tests/golden/*.html) -----


def pytest_addoption(parser):  # type: ignore[no-untyped-def]
    parser.addoption(
        "--regenerer-golden",
        action="store_true",
        default=False,
        help="Réécrit les rapports de référence tests/golden/*.html au lieu de les comparer (relire le diff).",
    )
