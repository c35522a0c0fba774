"""`make bench` part « moteur »: the time of one evaluation, of the command, and of its imports.

Measures, against the targets of the project (one ``evaluate()`` ≤ 1 ms with a warm engine,
``entadvisor --help`` ≤ 0.15 s, ``entadvisor conseil FICHIER`` ≤ 0.5 s as whole processes):

- for each example answer file, the median and p90 of one ``evaluate()`` with the process's engine
  already built (``ROUNDS`` rounds of ``RUNS`` runs after a warm-up, each round in a fresh process
  that builds only its matcher's engine; the figure is the median of the round medians), the time
  the garbage collector took during them, the breakdown of one evaluation (engine ``reset()`` / input facts declared /
  rules run / assembling the :class:`Advice` / JSON), and the rules fired and facts present;
- ``entadvisor conseil FICHIER`` and ``entadvisor --help`` as whole processes (median of
  ``PROCESS_RUNS`` runs of the venv's ``entadvisor``, after two warm-up runs);
- import times: ``python -c "import entadvisor.cli"`` against ``python -c pass``, what ``--help``
  imports, and the costliest imports of ``entadvisor --help`` and of ``conseil`` from
  ``python -X importtime``.

Raw figures are also written to ``bench-out/moteur.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

TOOLS = Path(__file__).resolve().parent
ROOT = TOOLS.parent
EXAMPLES = sorted((ROOT / "questionnaires" / "examples").glob("*.yaml"))
AS_OF = dt.date(2026, 11, 29)

WARMUP = 30
ROUNDS = 4  # rounds alternate the matchers: compile, rete, rete, compile, …
RUNS = int(os.environ.get("BENCH_MOTEUR_RUNS", "120"))  # per round: 3 × 120 = 360 runs per example
PROCESS_RUNS = int(os.environ.get("BENCH_MOTEUR_PROCESS_RUNS", "15"))

CIBLE_EVALUATE_MS = 1.0
CIBLE_HELP_S = 0.15
CIBLE_CONSEIL_S = 0.5


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def _entadvisor() -> list[str]:
    script = Path(sys.executable).parent / "entadvisor"
    return [str(script)] if script.exists() else [sys.executable, "-m", "entadvisor"]


# --- one evaluation, warm engine -------------------------------------------------------------------


class _Chrono:
    """Times the engine's reset() and run() from inside run_case (instance attributes shadow the methods)."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.reset = 0.0
        self.run = 0.0

    def __enter__(self) -> _Chrono:
        reset, run = self.engine.reset, self.engine.run

        def timed_reset(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return reset(*args, **kwargs)
            finally:
                self.reset += time.perf_counter() - start

        def timed_run(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return run(*args, **kwargs)
            finally:
                self.run += time.perf_counter() - start

        self.engine.reset, self.engine.run = timed_reset, timed_run
        return self

    def __exit__(self, *exc: object) -> None:
        del self.engine.reset, self.engine.run


MATCHERS = ("compile", "rete")
"""Both matchers, measured in alternation (round by round) so that the machine's noise hits both alike."""

_ETAPES = ("reset", "declare", "run", "advice", "json", "total")


def _mesurer(matcher: str) -> dict[str, Any]:
    """One round of one matcher, in this process (a child of :func:`_evaluations`): each example's
    ``evaluate()`` times (wall and CPU), the time the garbage collector took during them, then the
    steps of one evaluation timed one by one. The process builds only this matcher's engine, as a
    process in use does: the other engine's memory would make every collection of this one longer."""
    import gc

    from entadvisor import evaluate, load_answers
    from entadvisor.engine.knowledge import load_knowledge
    from entadvisor.engine.synthesis import build_advice

    os.environ["ENTADVISOR_MATCHER"] = matcher
    knowledge = load_knowledge()
    engine = knowledge.engine(matcher)
    en_gc = [0.0, 0.0]  # time in collections, start of the current one

    def chrono_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            en_gc[1] = time.perf_counter()
        else:
            en_gc[0] += time.perf_counter() - en_gc[1]

    result: dict[str, Any] = {"exemples": {}, "etapes": {k: [] for k in _ETAPES}}
    for path in EXAMPLES:
        answers = load_answers(path)
        for _ in range(WARMUP):
            evaluate(answers, as_of=AS_OF, knowledge=knowledge)
        times, cpu = [], []
        gc.callbacks.append(chrono_gc)
        en_gc[0] = 0.0
        for _ in range(RUNS):
            start, start_cpu = time.perf_counter(), time.process_time()
            evaluate(answers, as_of=AS_OF, knowledge=knowledge)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        gc.callbacks.remove(chrono_gc)
        result["exemples"][path.stem] = {
            "temps": times,
            "cpu": cpu,
            "gc_par_evaluation": en_gc[0] / RUNS,
            "regles": len(engine.trace),
            "faits": len(engine.facts),
            "notes": len(engine.notes),
        }
    steps = result["etapes"]
    for path in EXAMPLES:
        answers = load_answers(path)
        for _ in range(max(RUNS // 4, 10)):
            with _Chrono(engine) as chrono:
                t0 = time.perf_counter()
                engine.run_case(answers, AS_OF, AS_OF)
                t1 = time.perf_counter()
            advice = build_advice(engine, answers, AS_OF, AS_OF)
            t2 = time.perf_counter()
            advice.to_json()
            t3 = time.perf_counter()
            steps["reset"].append(chrono.reset)
            steps["run"].append(chrono.run)
            steps["declare"].append((t1 - t0) - chrono.reset - chrono.run)
            steps["advice"].append(t2 - t1)
            steps["json"].append(t3 - t2)
            steps["total"].append(t3 - t0)
    return result


def _un_tour(matcher: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--mesurer", matcher],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    return json.loads(done.stdout)


def _evaluations() -> tuple[list[str], dict[str, Any]]:
    lines = [
        f"evaluate() avec le moteur déjà construit : médiane des médianes de {ROUNDS} tours de {RUNS} "
        f"exécutions (après {WARMUP} d'échauffement) ; chaque tour dans un processus neuf qui ne construit "
        f"que son moteur, filtrage compilé et Rete d'experta en alternance ; cible ≤ {CIBLE_EVALUATE_MS:g} ms",
        "  (temps CPU du processus à côté : une machine partagée chargée gonfle le temps réel, moins le CPU ;"
        " « dont GC » : le ramasse-miettes de Python, réglé par défaut, pendant ces évaluations)",
        f"  {'exemple':<34} {'compilé':>8} {'Rete':>8} {'ratio':>6} {'p90 c.':>8} {'CPU c.':>8} "
        f"{'dont GC':>8} {'× cible':>8} {'règles':>7} {'faits':>6}",
    ]
    tours: dict[str, list[dict[str, Any]]] = {m: [] for m in MATCHERS}
    for index in range(ROUNDS):  # ABBA…: neither matcher always runs first
        for name in MATCHERS if index % 2 == 0 else MATCHERS[::-1]:
            tours[name].append(_un_tour(name))
    raw: dict[str, Any] = {}
    medians: dict[str, list[float]] = {m: [] for m in MATCHERS}
    for path in EXAMPLES:
        figures = {}
        for name in MATCHERS:
            rounds = [tour["exemples"][path.stem] for tour in tours[name]]
            every = [t for r in rounds for t in r["temps"]]
            median = statistics.median(statistics.median(r["temps"]) for r in rounds) * 1000
            medians[name].append(median)
            figures[name] = {
                "mediane_ms": median,
                "p90_ms": _p90(every) * 1000,
                "medianes_tours_ms": [statistics.median(r["temps"]) * 1000 for r in rounds],
                "cpu_mediane_ms": statistics.median(t for r in rounds for t in r["cpu"]) * 1000,
                "gc_ms": statistics.median(r["gc_par_evaluation"] for r in rounds) * 1000,
            }
        counts = tours["compile"][0]["exemples"][path.stem]
        fired, facts = counts["regles"], counts["faits"]
        raw[path.stem] = {**figures, "regles": fired, "faits": facts, "notes": counts["notes"]}
        c, r = figures["compile"], figures["rete"]
        lines.append(
            f"  {path.stem:<34} {c['mediane_ms']:5.2f} ms {r['mediane_ms']:5.2f} ms "
            f"{c['mediane_ms'] / r['mediane_ms']:5.2f}× {c['p90_ms']:5.2f} ms {c['cpu_mediane_ms']:5.2f} ms "
            f"{c['gc_ms']:5.2f} ms {c['mediane_ms'] / CIBLE_EVALUATE_MS:7.2f}× {fired:7d} {facts:6d}"
        )
    c_all, r_all = statistics.median(medians["compile"]), statistics.median(medians["rete"])
    lines.append(
        f"  {'tous (médiane des exemples)':<34} {c_all:5.2f} ms {r_all:5.2f} ms {c_all / r_all:5.2f}×"
        f" {'':>8} {'':>8} {'':>8} {c_all / CIBLE_EVALUATE_MS:7.2f}×"
    )
    raw["tous"] = {"compile_ms": c_all, "rete_ms": r_all, "ratio": c_all / r_all}

    # breakdown: the steps of evaluate(), timed one by one on the same cases, for both matchers
    steps = {m: {k: [t for tour in tours[m] for t in tour["etapes"][k]] for k in _ETAPES} for m in MATCHERS}
    labels = {
        "reset": "reset() du moteur (mémoires, agenda)",
        "declare": "déclaration des faits d'entrée (+ paramètres)",
        "run": "exécution des règles (filtrage + parties droites)",
        "advice": "assemblage du conseil (Advice, pydantic)",
        "json": "sérialisation JSON (to_json)",
        "total": "total (evaluate + JSON)",
    }
    total = statistics.median(steps["compile"]["total"])
    lines.append(
        f"décomposition d'une évaluation (médianes sur tous les exemples) : {'compilé':>18} {'Rete':>9}"
    )
    for key, label in labels.items():
        median = statistics.median(steps["compile"][key])
        rete = statistics.median(steps["rete"][key])
        lines.append(
            f"  {label:<50} {median * 1000:6.3f} ms {100 * median / total:5.1f} %  {rete * 1000:6.3f} ms"
        )
    raw["decomposition_ms"] = {
        m: {k: statistics.median(v) * 1000 for k, v in steps[m].items()} for m in MATCHERS
    }
    return lines, raw


# --- whole processes -------------------------------------------------------------------------------


def _process_times(args: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall times and CPU times (user + sys of the child) of ``runs`` runs, after two warm-up runs."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    for _ in range(2):
        subprocess.run(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT, check=True
        )
    times, cpu = [], []
    for _ in range(runs):
        before = os.times()
        start = time.perf_counter()
        subprocess.run(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT, check=True
        )
        times.append(time.perf_counter() - start)
        after = os.times()
        cpu.append(
            after.children_user - before.children_user + after.children_system - before.children_system
        )
    return times, cpu


def _processes() -> tuple[list[str], dict[str, Any]]:
    command = _entadvisor()
    example = str(ROOT / "questionnaires" / "examples" / "ville-12-ecoles.yaml")
    cases = [
        ("entadvisor --help", [*command, "--help"], CIBLE_HELP_S),
        (
            "entadvisor conseil FICHIER",
            [*command, "conseil", example, "--date-analyse", "2026-11-29"],
            CIBLE_CONSEIL_S,
        ),
        (
            "entadvisor conseil FICHIER --json",
            [*command, "conseil", example, "--json", "--date-analyse", "2026-11-29"],
            CIBLE_CONSEIL_S,
        ),
        ("python -c pass (interpréteur nu)", [sys.executable, "-c", "pass"], None),
        ("python -c 'import entadvisor.cli'", [sys.executable, "-c", "import entadvisor.cli"], None),
    ]
    lines = [f"processus entiers ({' '.join(command)}) : médiane et p90 de {PROCESS_RUNS} exécutions"]
    raw = {}
    for label, args, target in cases:
        times, cpu = _process_times(args, PROCESS_RUNS)
        median, p90, median_cpu = statistics.median(times), _p90(times), statistics.median(cpu)
        ratio = f"{median / target:5.2f}× la cible de {target:g} s" if target else ""
        lines.append(
            f"  {label:<36} {median * 1000:7.1f} ms  p90 {p90 * 1000:7.1f} ms  CPU {median_cpu * 1000:6.0f} ms  {ratio}"
        )
        raw[label] = {"mediane_s": median, "p90_s": p90, "cpu_mediane_s": median_cpu, "cible_s": target}
    return lines, raw


# --- where a cold `conseil` process spends its time -------------------------------------------------

_COLD = """
import time
t0 = time.perf_counter()
import datetime as dt
from entadvisor.cli import main
t1 = time.perf_counter()
from entadvisor import evaluate, load_answers
from entadvisor.report.text import advice_text
t2 = time.perf_counter()
answers = load_answers("questionnaires/examples/ville-12-ecoles.yaml")
t3 = time.perf_counter()
from entadvisor.engine.knowledge import load_knowledge
knowledge = load_knowledge()
t4 = time.perf_counter()
knowledge.engine()
t5 = time.perf_counter()
advice = evaluate(answers, as_of=dt.date(2026, 11, 29), knowledge=knowledge)
t6 = time.perf_counter()
advice_text(advice)
t7 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5, t7 - t6)
"""

_COLD_STEPS = (
    "import de entadvisor.cli (click)",
    "import du moteur, des réponses et du texte (pydantic, experta, yaml)",
    "lecture et validation du fichier de réponses",
    "chargement de la base (modules de règles, paramètres YAML)",
    "construction du moteur (règles compilées)",
    "première évaluation (moteur froid)",
    "mise en forme du texte",
)


def _cold() -> tuple[list[str], dict[str, Any]]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    samples: list[list[float]] = []
    for _ in range(2 + PROCESS_RUNS // 2):
        result = subprocess.run(
            [sys.executable, "-c", _COLD], capture_output=True, text=True, env=env, cwd=ROOT, check=True
        )
        samples.append([float(x) for x in result.stdout.split()])
    samples = samples[2:]
    medians = [statistics.median(column) for column in zip(*samples, strict=True)]
    total = sum(medians)
    lines = [f"un processus « conseil » à froid, étape par étape (médianes de {len(samples)} processus) :"]
    for label, value in zip(_COLD_STEPS, medians, strict=True):
        lines.append(f"  {label:<68} {value * 1000:6.1f} ms  {100 * value / total:5.1f} %")
    lines.append(f"  {'total dans Python (sans le démarrage de l’interpréteur)':<68} {total * 1000:6.1f} ms")
    return lines, dict(zip(_COLD_STEPS, medians, strict=True))


# --- imports ---------------------------------------------------------------------------------------


def _importtime(code: str) -> list[tuple[str, int, int, int]]:
    """(module, depth, self µs, cumulative µs) of every import of ``code``, from -X importtime."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    rows = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = line[len("import time:") :].split("|", 2)
        depth = (len(name) - len(name.lstrip())) // 2
        rows.append((name.strip(), depth, int(self_us), int(cumulative_us)))
    return rows


def _heaviest(rows: list[tuple[str, int, int, int]], count: int) -> list[str]:
    """The costliest packages: cumulative import time of each top-level package (each is imported once)."""
    packages = [(name, cumulative) for name, _depth, _self, cumulative in rows if "." not in name]
    packages = [(name, us) for name, us in packages if name != "entadvisor"]
    top = sorted(packages, key=lambda item: -item[1])[:count]
    return [f"{name} {us / 1000:.1f} ms" for name, us in top]


def _imports() -> tuple[list[str], dict[str, Any]]:
    help_code = "import sys; sys.argv = ['entadvisor', '--help']; from entadvisor.cli import main; main()"
    conseil_code = (
        "import sys; sys.argv = ['entadvisor', 'conseil', 'questionnaires/examples/ville-12-ecoles.yaml', "
        "'--date-analyse', '2026-11-29']; from entadvisor.cli import main; main()"
    )
    lines = ["imports (python -X importtime, un processus ; le premier niveau de chaque paquet) :"]
    raw: dict[str, Any] = {}
    for label, code in (("entadvisor --help", help_code), ("entadvisor conseil FICHIER", conseil_code)):
        rows = _importtime(code)
        top_level = [r for r in rows if r[1] == 0]
        total = sum(r[3] for r in top_level)
        heavy = [
            name
            for name in ("pydantic", "experta", "yaml", "jinja2", "click")
            if any(r[0] == name for r in rows)
        ]
        lines.append(
            f"  {label} : {total / 1000:.1f} ms d'imports au total ; paquets lourds importés : "
            f"{', '.join(heavy) or 'aucun'}"
        )
        lines.append(f"    les plus coûteux : {' ; '.join(_heaviest(rows, 8))}")
        raw[label] = {"total_ms": total / 1000, "lourds": heavy, "details": rows[-60:]}
    return lines, raw


def run(out: Path) -> list[str]:
    out.mkdir(
        parents=True, exist_ok=True
    )  # run alone (python tools/bench_moteur.py) as well as by make bench
    sys.path.insert(0, str(ROOT))
    import entadvisor  # noqa: F401  -- the experta shim first
    from entadvisor.engine.knowledge import load_knowledge

    knowledge = load_knowledge()
    builds = {}
    for name in MATCHERS:
        start = time.perf_counter()
        knowledge.engine(name)
        builds[name] = time.perf_counter() - start
    lines = [
        f"base de connaissances {knowledge.version} : {len(knowledge.rules)} règles, "
        f"{len(knowledge.parameters.names())} paramètres ; construction du moteur (une fois par processus) : "
        f"règles compilées {builds['compile'] * 1000:.0f} ms, réseau Rete {builds['rete'] * 1000:.0f} ms"
    ]
    evaluation_lines, evaluation_raw = _evaluations()
    process_lines, process_raw = _processes()
    cold_lines, cold_raw = _cold()
    import_lines, import_raw = _imports()
    lines += evaluation_lines + process_lines + cold_lines + import_lines
    (out / "moteur.json").write_text(
        json.dumps(
            {"evaluate": evaluation_raw, "processus": process_raw, "froid": cold_raw, "imports": import_raw},
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    return lines


if __name__ == "__main__":
    if sys.argv[1:2] == ["--mesurer"]:  # one round of one matcher, for _evaluations
        sys.path.insert(0, str(ROOT))
        print(json.dumps(_mesurer(sys.argv[2])))
    else:
        for line in run(ROOT / "bench-out"):
            print(line)
