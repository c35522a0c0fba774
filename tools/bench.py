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
    seul, a, b = mesurer_etalon()
    return (
        f"étalon {quand} (boucle Python pure, médiane de 5) : {seul:.3f} s seule, {a:.3f} et {b:.3f} s "
        "à deux processus en même temps (≈ 0,10 s partout sur un hôte calme)"
    )


def mesurer_etalon() -> tuple[float, float, float]:
    """How fast the host is now: the CPU time of the same pure-Python loop (median of 5), alone and then
    in two processes at once (whether both cores are really free: a busy sibling core slows each of them).

    A shared machine's speed varies by 2× from one hour to the next (0.10 to 0.21 s here on
    2026-12-01, for the same code): absolute figures of two reports compare only at the same étalon,
    ratios measured in alternation compare always."""
    import subprocess

    boucle = (
        "import time\nm=[]\nfor _ in range(5):\n t=time.process_time(); sum(i*i for i in range(3_000_000))"
        "\n m.append(time.process_time()-t)\nprint(sorted(m)[2])"
    )

    def lancer() -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, "-c", boucle], stdout=subprocess.PIPE, text=True)

    seul = float(lancer().communicate()[0])
    deux = [lancer(), lancer()]
    a, b = (float(p.communicate()[0]) for p in deux)
    return seul, a, b


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
