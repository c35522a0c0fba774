"""`make bench`: every performance figure of the project, as medians and ratios.

Benchmarks live here, never in tests: the machines are shared and noisy. Each part is a module
``tools/bench_<part>.py`` with a ``run(out: Path) -> list[str]`` function returning report lines;
this driver runs them in order and writes the whole report to ``bench-out/rapport.txt``.

    python tools/bench.py                 # every part
    python tools/bench.py moteur batch    # some parts
"""

from __future__ import annotations

import importlib
import platform
import sys
import time
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
PARTS = ("moteur", "batch", "verification", "sorties", "web")


def main(argv: list[str]) -> int:
    wanted = argv or list(PARTS)
    out = TOOLS.parent / "bench-out"
    out.mkdir(exist_ok=True)
    sys.path.insert(0, str(TOOLS))
    lines = [
        f"entadvisor — bancs d'essai ({time.strftime('%Y-%m-%d %H:%M')})",
        f"Python {platform.python_version()} · {platform.machine()} · {_cores()} cœurs",
        _etalon("au départ"),
        "",
    ]
    for part in wanted:
        try:
            module = importlib.import_module(f"bench_{part}")
        except ModuleNotFoundError:
            lines.append(f"[{part}] absent (tools/bench_{part}.py)")
            continue
        print(f"[{part}] …", file=sys.stderr, flush=True)
        lines.append(f"[{part}]")
        lines.extend(f"  {line}" for line in module.run(out))
        lines.append("")
    lines.append(_etalon("à la fin"))
    report = "\n".join(lines)
    (out / "rapport.txt").write_text(report + "\n", encoding="utf-8")
    print(report)
    return 0


def _etalon(quand: str) -> str:
    """How fast the host is now: the same pure-Python loop, median of 5 (CPU time).

    A shared machine's speed varies by 2× from one hour to the next (0.11 to 0.21 s here on
    2026-12-01, for the same code): absolute figures of two reports compare only at the same étalon,
    ratios measured in alternation compare always."""
    mesures = []
    for _ in range(5):
        debut = time.process_time()
        sum(i * i for i in range(3_000_000))
        mesures.append(time.process_time() - debut)
    return f"étalon {quand} (boucle Python pure, médiane de 5) : {sorted(mesures)[2]:.3f} s (≈ 0,11 s sur un hôte calme)"


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
