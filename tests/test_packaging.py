"""The wheel carries the knowledge base, questionnaires and templates; the installed command runs anywhere."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from entadvisor import evaluate, load_answers

pytestmark = pytest.mark.lent

ROOT = Path(__file__).resolve().parent.parent


def _env() -> dict[str, str]:
    """The environment of the child processes, without anything pointing back at the source checkout."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _run(*args: str | Path, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, cwd=cwd, env=_env(), timeout=timeout
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from the repository, offline: hatchling comes from the test environment."""
    out = tmp_path_factory.mktemp("dist")
    result = _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "-q",
        "-w",
        out,
        ROOT,
        cwd=out,
    )
    assert result.returncode == 0, result.stderr
    (found,) = out.glob("entadvisor-*.whl")
    return found


@pytest.fixture(scope="module")
def names(wheel: Path) -> set[str]:
    """The files inside the wheel."""
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def _repo_files(folder: str, pattern: str) -> list[Path]:
    return sorted(p for p in (ROOT / folder).glob(pattern) if p.is_file() and "__pycache__" not in p.parts)


@pytest.mark.parametrize(
    ("folder", "pattern", "inside"),
    [
        pytest.param("rules", "*.py", "entadvisor/_kb/rules", id="rule-modules"),
        pytest.param("rules", "VERSION", "entadvisor/_kb/rules", id="kb-version"),
        pytest.param("rules", "libelles.yaml", "entadvisor/_kb/rules", id="lexicon"),
        pytest.param("rules/parameters", "*.yaml", "entadvisor/_kb/rules/parameters", id="parameters"),
        pytest.param(
            "questionnaires", "ent-premier-degre.yaml", "entadvisor/_kb/questionnaires", id="questionnaire"
        ),
        pytest.param(
            "questionnaires/examples", "*.yaml", "entadvisor/_kb/questionnaires/examples", id="examples"
        ),
        pytest.param("reports", "**/*", "entadvisor/_kb/reports", id="report-templates"),
        pytest.param("entadvisor/web/templates", "*", "entadvisor/web/templates", id="web-templates"),
    ],
)
def test_the_wheel_contains_the_knowledge_base_questionnaires_and_templates(names, folder, pattern, inside):
    """Every rule module, parameter file, questionnaire, example and report template of the repo is in the wheel."""
    files = _repo_files(folder, pattern)
    assert files, f"{folder}/{pattern} est vide dans le dépôt"
    for path in files:
        relative = path.relative_to(ROOT / folder).as_posix()
        assert f"{inside}/{relative}" in names, relative


def test_the_wheel_contains_the_package_and_no_compiled_or_test_files(names):
    """The wheel has the entadvisor modules, and no __pycache__, .pyc or tests."""
    assert "entadvisor/cli.py" in names and "entadvisor/engine/_experta.py" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in names if n.startswith("tests/")]


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed, offline (no test reaches the network).

    The wheel goes in alone (``--no-deps --no-index``); its dependencies are borrowed from the test
    environment through a .pth file. A path added by a .pth is not a site directory, so the project's
    editable-install .pth is not processed there and ``entadvisor`` comes from the wheel. Resolving the
    dependencies themselves is what ``make demo``/``make test`` do on a fresh machine.
    """
    root = tmp_path_factory.mktemp("venv")
    venv = root / "venv"
    assert _run(sys.executable, "-m", "venv", venv, cwd=root).returncode == 0
    python = venv / "bin" / "python"
    result = _run(python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel, cwd=root)
    assert result.returncode == 0, result.stderr
    site = _run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=root)
    Path(site.stdout.strip(), "zz_dependances_projet.pth").write_text(
        sysconfig.get_path("purelib") + "\n", encoding="utf-8"
    )
    return venv


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A working folder far from the source checkout."""
    return tmp_path


def test_the_installed_package_reads_its_bundled_knowledge_base(installed, elsewhere):
    """Installed, entadvisor is imported from the venv and reads the knowledge base inside the package."""
    code = "import entadvisor.engine.knowledge as k; print(k.__file__); print(k.rules_folder())"
    result = _run(installed / "bin" / "python", "-c", code, cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    module, rules = result.stdout.split()
    assert module.startswith(str(installed))
    assert rules.startswith(str(installed)) and rules.endswith("entadvisor/_kb/rules")


def test_the_installed_demo_runs_from_another_folder(installed, elsewhere):
    """`entadvisor demo` of the installed wheel runs from another folder and prints the advice."""
    result = _run(installed / "bin" / "entadvisor", "demo", "--date-analyse", "2026-11-29", cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert "L'ESSENTIEL" in result.stdout and "POURQUOI" in result.stdout
    assert "Traceback" not in result.stderr


def test_the_installed_conseil_gives_the_same_advice_as_the_source_checkout(installed, elsewhere):
    """`entadvisor conseil FICHIER --json` of the installed wheel gives the same JSON as the checkout."""
    example = ROOT / "questionnaires" / "examples" / "interco-45-ecoles.yaml"
    answers = elsewhere / "reponses.yaml"
    answers.write_bytes(example.read_bytes())
    result = _run(
        installed / "bin" / "entadvisor",
        "conseil",
        "reponses.yaml",
        "--json",
        "--date-analyse",
        "2026-11-29",
        cwd=elsewhere,
    )
    assert result.returncode == 0, result.stderr
    expected = evaluate(load_answers(example), as_of=dt.date(2026, 11, 29)).to_json()
    assert result.stdout.strip() == expected.strip()


def test_the_installed_command_refuses_a_bad_file_in_french(installed, elsewhere):
    """The installed command refuses a bad answer file with « Erreur : » and exit code 1."""
    (elsewhere / "casse.yaml").write_text("version: 2\n", encoding="utf-8")
    result = _run(installed / "bin" / "entadvisor", "conseil", "casse.yaml", cwd=elsewhere)
    assert result.returncode == 1
    assert result.stderr.startswith("Erreur : casse.yaml")
    assert "Traceback" not in result.stderr


# --- a fresh clone, followed as the README says ----------------------------------------------------


def _tracked_files() -> list[str] | None:
    """The files a fresh clone would hold (tracked, plus new files not ignored), or None outside git."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        return None
    result = _run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT)
    if result.returncode != 0:
        return None
    return [name for name in result.stdout.split("\0") if name and (ROOT / name).is_file()]


def _readme_commands() -> list[str]:
    """The `entadvisor …` command lines the README shows, as a user would copy them."""
    commands, in_sh = [], False
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_sh = line.strip() == "```sh"
            continue
        stripped = line.strip()
        if stripped.startswith("entadvisor ") and (line.startswith("    ") or in_sh):
            commands.append(stripped.split("  #", 1)[0].strip())
    return commands


def _readme_answer_file() -> str:
    """The answer file the README shows, verbatim."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("```yaml\nversion: 1")
    return text[start + len("```yaml\n") : text.index("```", start + 8)]


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """A copy of the repository as a fresh clone holds it, after the README's set-up command `make demo`.

    Offline: the venv that `make demo` would create is made beforehand and borrows the dependencies
    (and hatchling, the build backend) of the test environment through a .pth file; pip is told not to
    use an index nor an isolated build. Everything else is the Makefile's own recipe."""
    files = _tracked_files()
    if files is None:
        pytest.skip("pas de dépôt git ici (archive source) : le test d'un clone neuf ne peut pas être fait")
    if shutil.which("make") is None:
        pytest.skip("make absent : apt-get install make")
    folder = tmp_path_factory.mktemp("clone") / "entadvisor"
    for name in files:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    venv = folder / ".venv"
    assert _run(sys.executable, "-m", "venv", venv, cwd=folder).returncode == 0
    site = _run(
        venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=folder
    )
    Path(site.stdout.strip(), "zz_dependances_projet.pth").write_text(
        sysconfig.get_path("purelib") + "\n", encoding="utf-8"
    )
    env = _env() | {"PIP_NO_INDEX": "1", "PIP_NO_BUILD_ISOLATION": "0", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    demo = subprocess.run(["make", "demo"], capture_output=True, text=True, cwd=folder, env=env, timeout=600)
    return folder, demo


def test_make_demo_in_a_fresh_clone_gives_the_advice_and_says_how_to_reach_the_command(clone):
    """`make demo` in a fresh clone prints the advice, then the one line that puts `entadvisor` on the PATH."""
    _folder, demo = clone
    assert demo.returncode == 0, demo.stderr[-2000:]
    assert "L'ESSENTIEL" in demo.stdout
    assert ". .venv/bin/activate" in demo.stdout
    assert "Traceback" not in demo.stderr


def test_the_readme_says_to_activate_the_environment_after_make_demo():
    """The README's set-up block shows `make demo`, then the activation line, before any `entadvisor` command."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert (
        text.index("make demo")
        < text.index(". .venv/bin/activate")
        < text.index("entadvisor questionnaire -o")
    )


def test_every_readme_command_works_as_written_in_a_fresh_clone(clone):
    """After `make demo` and the activation line, each `entadvisor …` command of the README runs (exit 0),
    on the README's own answer file; the questionnaire gets its answers from a pipe, as a user may do."""
    folder, demo = clone
    assert demo.returncode == 0, demo.stderr[-2000:]
    work = folder / "essai"
    work.mkdir()
    (work / "reponses.yaml").write_text(_readme_answer_file(), encoding="utf-8")
    for name in ("reponses", "01", "69"):
        (work / name).mkdir(exist_ok=True)
        shutil.copy(folder / "questionnaires" / "examples" / "ville-12-ecoles.yaml", work / name / "a.yaml")
    shutil.copy(work / "reponses.yaml", work / "cas.yaml")
    commands = _readme_commands()
    assert len(commands) >= 5, commands
    failures = []
    for command in commands:
        if "--pdf" in command and shutil.which("chromium") is None:
            command = command.split(" --pdf", 1)[0]
        if command.startswith("entadvisor web"):
            failures += _serves(folder, work, command)
            continue
        if command.startswith("entadvisor questionnaire"):
            # answers from a pipe that ends at once: interrupted (130), nothing lost; -o gets a new file
            command = command.replace("-o reponses.yaml", "-o nouvelles.yaml") + " < /dev/null"
            expected = {130}
        else:
            expected = {0}
        shell = f". {folder}/.venv/bin/activate && cd {work} && {command}"
        result = subprocess.run(["sh", "-c", shell], capture_output=True, text=True, env=_env(), timeout=300)
        if result.returncode not in expected:
            failures.append(f"{command} → {result.returncode} : {result.stderr[-600:]}")
        if "Traceback" in result.stderr:
            failures.append(f"{command} : Traceback")
        shutil.rmtree(work / "resultats", ignore_errors=True)
    assert not failures, "\n".join(failures)


def _serves(folder, work, command):
    """`entadvisor web` serves until stopped: started on a free port without a browser, it must answer."""
    import socket
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    shell = f". {folder}/.venv/bin/activate && cd {work} && exec {command} --port {port} --sans-navigateur"
    server = subprocess.Popen(
        ["sh", "-c", shell], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=_env()
    )
    served = False
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    served = response.status == 200
                    break
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.2)
    finally:
        server.terminate()
        _, erreurs = server.communicate(timeout=10)
    failures = [] if served else [f"{command} ne répond pas sur le port {port} : {erreurs[-600:]}"]
    if "Traceback" in erreurs:
        failures.append(f"{command} : Traceback {erreurs[-600:]}")
    return failures
