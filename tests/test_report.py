"""The HTML report for elected officials: content, order, escaping, self-containment, French formatting.

These tests need no browser; tests/test_report_navigateur.py checks the same reports in Chromium.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest
from jinja2 import StrictUndefined
from test_report_fixture import advice_data, advice_ville

from entadvisor.advice import Advice
from entadvisor.references import Ref
from entadvisor.report.environment import environment
from entadvisor.report.parties import PARTIES
from entadvisor.report.render import (
    NavigateurIntrouvable,
    render_report,
    reports_folder,
    write_pdf,
    write_report,
)
from entadvisor.report.textes import textes_cites

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "questionnaires" / "examples").glob("*.yaml"))
AS_OF = dt.date(2026, 11, 29)

QUESTIONS_CLES = (
    "Comment organiser les étapes du projet en fonction du périmètre ?",
    "Quel type de procédure d'achat faut-il suivre ?",
    "Une phase d'expérimentation permettra-t-elle d'avoir une meilleure vision du projet ?",
    "Facilitera-t-elle l'accompagnement à l'arrivée de l'ENT ?",
    "La durée du marché contient-elle le déploiement, l'observation des usages et le renouvellement ?",
)


def example_advice(path: Path, *, sensibilite: bool = False) -> Advice:
    from entadvisor.answer_files import load_answers
    from entadvisor.api import evaluate

    return evaluate(load_answers(path), as_of=AS_OF, sensibilite=sensibilite)


@pytest.fixture(scope="module")
def html_ville() -> str:
    return render_report(advice_ville())


@pytest.fixture(scope="module")
def examples_html() -> dict[str, str]:
    """The report of every example answer file, analysed on 29 November 2026."""
    return {path.stem: render_report(example_advice(path)) for path in EXAMPLES}


def _section_ids(html: str) -> list[str]:
    """The ids of the sections (not of the three parts that hold them), in order."""
    return [i for i in re.findall(r'<section id="([a-z_-]+)"', html) if not i.startswith("partie-")]


# --- structure -------------------------------------------------------------------------------------


def test_sections_follow_the_order_of_a_decision_note(html_ville: str) -> None:
    """Header, then three parts in order — the note, the dossier, the technical annexes — each with its sections."""
    assert html_ville.index('<header class="entete">') < html_ville.index('id="essentiel"')
    parties = re.findall(r'<section id="partie-([a-z-]+)"', html_ville)
    assert parties == list(PARTIES)
    expected = [key for ids in (p[2] for p in PARTIES.values()) for key in ids if key != "sensibilite"]
    assert _section_ids(html_ville) == expected
    for code, (titre, _objet, ids) in PARTIES.items():
        bloc = html_ville[html_ville.index(f'<section id="partie-{code}"') :]
        assert f"{titre}</h2>" in bloc[: bloc.index("</h2>") + 5]
        for key in ids:
            if key != "sensibilite":
                assert f'id="{key}"' in bloc, (code, key)


def test_the_note_says_the_three_recommendations_value_dates_and_decision(html_ville: str) -> None:
    """« Ce qui est proposé »: buy, experiment, contract (three items), then the value and the decision asked."""
    bloc = html_ville[html_ville.index('id="essentiel"') : html_ville.index('id="dates"')]
    assert len(re.findall(r"<li>", bloc)) == 3
    for mot in ("Acheter :", "Expérimenter :", "Contracter :", "Valeur estimée :"):
        assert mot in bloc
    dates = html_ville[html_ville.index('id="dates"') : html_ville.index('id="incertitudes"')]
    assert "1er mars 2027" in dates  # the launch date, French format


def test_the_note_lists_the_next_actions_with_who_does_each() -> None:
    """The actions the knowledge base concluded, in order, each with who and when (or « dès maintenant »)."""
    advice = example_advice(ROOT / "questionnaires" / "examples" / "commune-rurale-1-ecole.yaml")
    html = unescape(render_report(advice))
    bloc = html[html.index('id="actions"') : html.index('id="partie-dossier"')]
    assert len(advice.prochaines_actions) == 3
    positions = [bloc.index(a.action) for a in advice.prochaines_actions]
    assert positions == sorted(positions)
    for action in advice.prochaines_actions:
        assert action.qui[:1].upper() + action.qui[1:] in bloc


def test_the_note_gives_the_unknowns_and_what_the_advice_becomes_with_an_offer() -> None:
    """An unknown mutualised offer is in the note, with what the advice would be with a centrale or a groupement."""
    advice = example_advice(ROOT / "questionnaires" / "examples" / "commune-rurale-1-ecole.yaml")
    html = unescape(render_report(advice))
    note = html[html.index('id="partie-note"') : html.index('id="partie-dossier"')]
    assert "Vous ne savez pas si une offre d'ENT mutualisée existe" in note
    assert "Si une centrale d'achat proposait un ENT" in note
    assert "Le prix par élève (3 € HT par an) est une hypothèse" in note.replace("\u202f", " ").replace(
        "\xa0", " "
    )
    assert 'id="sensibilite"' not in html  # nothing else to say than what the note says


def test_the_note_says_so_when_nothing_is_uncertain() -> None:
    data = advice_data()
    data["vigilance"] = []
    html = render_report(Advice.model_validate(data))
    assert "Aucune réponse inconnue ni hypothèse par défaut" in html


def test_the_header_states_date_status_and_knowledge_base_version(html_ville: str) -> None:
    """Date of the analysis, « document préparatoire » and the version of the rules are on page one."""
    entete = html_ville[: html_ville.index("</header>")]
    assert "29 novembre 2026" in entete
    assert "Document préparatoire" in entete
    assert "2026.11-test" in entete


def test_french_formatting_of_amounts_dates_and_school_years(html_ville: str) -> None:
    """Amounts with a narrow no-break space and « € HT », « 1er » dates, school years « 2027-2028 »."""
    assert "24\u202f896\u00a0€\u00a0HT" in html_ville
    assert "216\u202f000\u00a0€\u00a0HT" in html_ville
    assert "1er septembre 2027" in html_ville
    assert "2027-2028" in html_ville
    assert "2027-09-01" not in html_ville  # no ISO date is shown to a reader
    assert "24896" not in html_ville


def test_every_key_question_of_the_guide_is_answered(examples_html: dict[str, str]) -> None:
    """The guide's five key questions are each a heading followed by an answer, in every example, in the dossier."""
    for name, html in examples_html.items():
        dossier = unescape(
            html[html.index('id="partie-dossier"') : html.index('id="partie-annexes-techniques"')]
        )
        for numero, question in enumerate(QUESTIONS_CLES, start=1):
            assert f"{numero}. {question}</h4>" in dossier, (name, question)


def test_every_key_success_factor_of_the_guide_is_assessed(examples_html: dict[str, str]) -> None:
    """The six key success factors each have a status (symbol and words), never « non évalué »."""
    for name, html in examples_html.items():
        table = html[
            html.index('id="cap-preparation"') : html.index("</table>", html.index('id="cap-preparation"'))
        ]
        assert table.count('<tr><th scope="row">') == 6, name
        assert "non évalué" not in table, name
        assert table.count('class="statut statut-') == 6, name


def test_statuses_are_given_by_symbol_and_words_not_colour_alone(html_ville: str) -> None:
    """Each status carries a symbol (hidden from screen readers) and a word (RGAA 3.1)."""
    for symbole, mot in (
        ("✔", "Acquis"),
        ("◐", "En cours"),
        ("✖", "À faire"),
        ("⚠", "Point d&#39;attention"),
    ):
        assert f'<span class="symbole" aria-hidden="true">{symbole}</span> {mot}' in html_ville


def test_charts_have_a_text_alternative_and_a_data_table(html_ville: str) -> None:
    """Each SVG is role=img with title and description, and a table gives the same data (RGAA 1.6)."""
    svgs = re.findall(r"<svg [^>]*>", html_ville)
    assert len(svgs) == 3
    for svg in svgs:
        assert 'role="img"' in svg and "aria-labelledby=" in svg
    for caption in (
        "Étapes du calendrier (alternative textuelle de la figure 1)",
        "Seuils appliqués (alternative textuelle de la figure 2)",
        "Phases du contrat (alternative textuelle de la figure 3)",
    ):
        assert caption in html_ville


def test_tables_have_captions_and_scoped_headers(examples_html: dict[str, str]) -> None:
    """RGAA 5.4 and 5.7: every table has a caption and every header cell a scope."""
    for name, html in examples_html.items():
        assert html.count("<table") == html.count("<caption"), name
        assert not re.search(r"<th(?!ead)(?![^>]*scope=)[^>]*>", html), name


def test_headings_start_at_h1_and_never_skip_a_level(examples_html: dict[str, str]) -> None:
    """One h1, then no jump of more than one level (RGAA 9.1)."""
    for name, html in examples_html.items():
        levels = [int(n) for n in re.findall(r"<h([1-6])[ >]", html)]
        assert levels[0] == 1 and levels.count(1) == 1, name
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), name
        assert '<html lang="fr">' in html


def test_deliberation_is_the_act_the_knowledge_base_concluded() -> None:
    """Visas, considérants, the operative formula, then numbered articles, with the amounts HT and TTC."""
    for exemple, auteur in (
        ("ville-12-ecoles", "Le conseil municipal, après en avoir délibéré, DÉCIDE :"),
        ("interco-45-ecoles", "Le conseil communautaire, après en avoir délibéré, DÉCIDE :"),
    ):
        advice = example_advice(ROOT / "questionnaires" / "examples" / f"{exemple}.yaml")
        html = unescape(render_report(advice))
        bloc = html[html.index('id="deliberation"') :]
        d = advice.deliberation
        assert d is not None and d.formule == auteur
        order = [bloc.index(v) for v in d.visas]
        order += [bloc.index(c) for c in d.considerants]
        order.append(bloc.index(auteur))
        order += [bloc.index(f"Article {i}</strong> — {a}") for i, a in enumerate(d.articles, start=1)]
        assert order == sorted(order)
        assert "TTC" in bloc and "€ HT" in bloc.replace("\xa0", " ")


def test_a_decision_of_the_maire_replaces_the_deliberation_within_the_delegation() -> None:
    from entadvisor.answer_files import load_answers
    from entadvisor.answers import validate_answers
    from entadvisor.api import evaluate

    data = load_answers(ROOT / "questionnaires" / "examples" / "ville-12-ecoles.yaml").model_dump(
        exclude_none=True
    )
    advice = evaluate(validate_answers(data | {"delegation_marches": True}), as_of=AS_OF)
    html = unescape(render_report(advice))
    assert "Projet de décision du maire" in html and "après en avoir délibéré" not in html
    assert "une décision du maire suffit" in html


def test_the_buyer_decides_and_the_model_states_its_limits(html_ville: str) -> None:
    """DOMAIN §9: the tool advises, the buyer decides and checks the law; what is not modelled is listed."""
    assert "Cet outil conseille ; l'acheteur décide." in unescape(html_ville)
    for limite in ("travaux", "défense", "concessions", "services sociaux", "règles internes"):
        assert limite in html_ville


def test_articles_are_explained_in_plain_words() -> None:
    """A reference naming several articles gives each; a known article gets its summary."""
    groupes, autres = textes_cites(
        [
            Ref("CCP", "art. L2113-6 à L2113-8", "groupements de commandes"),
            Ref("Décret n° 2025-1386 du 29 décembre 2025", "art. 1er", et=(Ref("CCP", "art. R2122-8"),)),
            Ref("CGCT", "art. L1612-2", "date limite de vote du budget primitif"),
            Ref("TA Lyon", "11 juillet 2025", nature="decision"),
        ],
        {"CCP R2122-8": "Sous le seuil de dispense…"},
    )
    ccp = next(g for g in groupes if g["code"] == "CCP")
    assert [a["cite"] for a in ccp["articles"]] == ["art. L2113-6", "art. L2113-8", "art. R2122-8"]
    assert ccp["articles"][2]["resume"] == "Sous le seuil de dispense…"
    cgct = next(g for g in groupes if g["code"] == "CGCT")
    assert cgct["articles"][0]["resume"] == "Date limite de vote du budget primitif."
    assert {g["titre"] for g in autres} == {"Décisions de justice", "Autres textes et sources"}


# --- the what-if -------------------------------------------------------------------------------------


SENSIBILITE = [
    {
        "recommandation": "contrat",
        "phrase": "Avec 25 écoles, la généralisation prendrait deux ans.",
        "question": "nombre_ecoles",
    },
    {
        "recommandation": "achat",
        "phrase": "Au-delà de 5 400 élèves, la valeur dépasserait 60 000 € HT.",
        "question": "nombre_eleves",
    },
    {
        "recommandation": "achat",
        "phrase": "Lancée après le 31 décembre 2027, le seuil européen serait inconnu.",
        "question": None,
    },
]


def test_what_would_change_the_advice_is_absent_when_not_computed(html_ville: str) -> None:
    assert 'id="sensibilite"' not in html_ville


def test_what_would_change_the_advice_is_grouped_by_recommendation() -> None:
    """Achat, then Contrat (the order of the recommendations), each sentence with its question."""
    html = render_report(advice_ville(sensibilite=SENSIBILITE))
    section = html[html.index('id="sensibilite"') : html.index('id="deliberation"')]
    assert section.index("Achat</h4>") < section.index("Contrat</h4>")
    assert "Expérimentation</h4>" not in section
    assert "(réponse concernée : Nombre d&#39;élèves concernés)" in section
    assert section.count("<li>") == 3
    assert _section_ids(html).index("sensibilite") == _section_ids(html).index("deliberation") - 1


def test_an_empty_what_if_says_the_advice_is_stable() -> None:
    html = render_report(advice_ville(sensibilite=[]))
    assert "le conseil est stable" in html


# --- escaping and self-containment ---------------------------------------------------------------------


HOSTILE = '<script>alert("x")</script> & \'apostrophes\' "guillemets" <img src=x onerror=alert(1)>'


def test_user_text_is_shown_as_text_never_as_markup() -> None:
    """A project name holding a script, an image and quotes is escaped, in the body, the title and the SVG."""
    data = advice_data()
    data["nom_projet"] = HOSTILE
    data["reponses"] = {**data["reponses"], "nom_projet": HOSTILE}
    data["calendrier"][0]["libelle"] = HOSTILE
    html = render_report(Advice.model_validate(data))
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html  # jinja2 autoescape
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html  # inside the SVG (html.escape)


def test_the_running_page_header_is_an_escaped_css_string() -> None:
    """The project's name in the printed header cannot close the CSS string nor the <style> element."""
    data = advice_data()
    data["nom_projet"] = 'ENT "test" </style><script>x</script> \\ fin'
    html = render_report(Advice.model_validate(data))
    style = html[html.index("<style>") : html.index("</style>")]
    line = next(x for x in style.splitlines() if "@top-left" in x)
    body = line[line.index('content: "') + len('content: "') : line.index('"; font-size')]
    assert '"' not in body and "<" not in body and "\\\\" not in body
    assert body == "ENT \\22 test\\22  \\3c \\2f style\\3e \\3c script\\3e x\\3c \\2f script\\3e  \\5c  fin"
    assert html.count("</style>") == 1


class _Resources(HTMLParser):
    """Every URL the document would load or link to: attributes, inline styles, <style> sheets."""

    URL_ATTRIBUTES: ClassVar[set[str]] = {
        "src",
        "href",
        "srcset",
        "xlink:href",
        "poster",
        "data",
        "action",
        "formaction",
        "background",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.ids: set[str] = set()
        self.css = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in self.URL_ATTRIBUTES:
                self.urls.append(value or "")
            elif name == "style":
                self.css += value or ""
            elif name == "id":
                self.ids.add(value or "")
        self._in_style = tag == "style"
        if tag in ("link", "iframe", "object", "embed", "script", "base"):
            self.urls.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.css += data


def external_resources(html: str) -> list[str]:
    """What in ``html`` is neither inline (``data:``) nor a same-document anchor that exists."""
    parser = _Resources()
    parser.feed(html)
    problems = []
    for url in parser.urls:
        if url.startswith("#"):
            if url[1:] not in parser.ids:
                problems.append(f"ancre sans cible : {url}")
        elif not url.startswith("data:"):
            problems.append(url)
    problems += [
        u for u in re.findall(r"url\(\s*['\"]?([^'\")]*)", parser.css) if not u.startswith(("data:", "#"))
    ]
    problems += ["@import"] * len(re.findall(r"@import", parser.css, re.IGNORECASE))
    return problems


def test_the_report_loads_nothing_from_outside(examples_html: dict[str, str], html_ville: str) -> None:
    """One file for e-mail: every src, href, url( and @import is inline or an anchor of the document."""
    for name, html in {**examples_html, "fixture": html_ville}.items():
        assert external_resources(html) == [], name
        assert "<script" not in html and not re.search(r"\son[a-z]+=", html), name


def test_the_resource_check_catches_what_it_must() -> None:
    """Negative control of the previous test."""
    bad = (
        '<html><head><link rel="stylesheet" href="https://example.org/a.css">'
        "<style>@import 'x.css'; body{background:url(https://example.org/f.png)}</style></head>"
        '<body><img src="logo.png"><a href="#absent">x</a><a href="https://legifrance.gouv.fr">y</a></body></html>'
    )
    problems = external_resources(bad)
    assert "https://example.org/a.css" in problems
    assert "logo.png" in problems and "https://legifrance.gouv.fr" in problems
    assert "https://example.org/f.png" in problems and "@import" in problems
    assert "ancre sans cible : #absent" in problems


# --- the environment, writing, the PDF without a browser ---------------------------------------------


def test_one_environment_with_autoescape_and_strict_undefined() -> None:
    """A missing field is an error, not a blank in front of an elected official."""
    env = environment(reports_folder(), autoescape=True)
    assert env.autoescape is True
    assert env.undefined is StrictUndefined
    assert environment(reports_folder(), autoescape=True) is env


def test_rendering_is_deterministic(html_ville: str) -> None:
    assert render_report(advice_ville()) == html_ville


def test_write_report_replaces_the_file_atomically(tmp_path: Path, html_ville: str) -> None:
    target = tmp_path / "sous-dossier" / "rapport.html"
    write_report(advice_ville(), target)
    target.write_text("ancien", encoding="utf-8")
    write_report(advice_ville(), target)
    assert target.read_text(encoding="utf-8") == html_ville
    assert [p.name for p in target.parent.iterdir()] == ["rapport.html"]


def test_write_pdf_without_chromium_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No browser: a French message naming apt-get and pip, and no PDF left behind."""
    import entadvisor.report.render as report

    html = tmp_path / "r.html"
    write_report(advice_ville(), html)
    monkeypatch.setattr(report, "find_chromium", lambda explicit=None: None)
    with pytest.raises(NavigateurIntrouvable) as error:
        write_pdf(html, tmp_path / "r.pdf")
    message = str(error.value)
    assert "apt-get install chromium" in message and "pip install playwright" in message
    assert "Chromium est introuvable" in message
    assert not (tmp_path / "r.pdf").exists()


def test_rapport_command_writes_the_report(tmp_path: Path) -> None:
    """`entadvisor rapport FICHIER -o rapport.html --date-analyse …` writes the same report as the library."""
    from click.testing import CliRunner

    from entadvisor.cli import main

    example = ROOT / "questionnaires" / "examples" / "ville-12-ecoles.yaml"
    out = tmp_path / "rapport.html"
    result = CliRunner().invoke(
        main, ["rapport", str(example), "-o", str(out), "--date-analyse", "2026-11-29"]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == render_report(example_advice(example))


def test_rapport_command_reports_bad_input_in_french(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from entadvisor.cli import main

    result = CliRunner().invoke(
        main, ["rapport", str(tmp_path / "absent.yaml"), "-o", str(tmp_path / "r.html")]
    )
    assert result.exit_code == 1
    assert "Erreur :" in result.output and "introuvable" in result.output


# --- no internal name where a reader looks -------------------------------------------------------------

IDENTIFIANT_REGLE = re.compile(r"\b[A-Z]{2,}(?:-[A-Z0-9]+)+\b")
CODE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
FICHIER = re.compile(r"\S+\.(?:md|py|yaml|j2)\b|\bANSWERS\b|\bshared\b|\brules/|\breports/")
URL = re.compile(r"https?://\S+")


def _texte(html: str) -> str:
    html = re.sub(r"<(style|svg|head)\b.*?</\1>", " ", html, flags=re.S)
    return URL.sub(" ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_no_internal_file_or_code_name_where_a_reader_looks(path: Path) -> None:
    """Rule ids appear in the technical annexes only; no code (« offre_mutualisee ») nor file name anywhere."""
    html = render_report(example_advice(path, sensibilite=True))
    coupure = html.index('id="partie-annexes-techniques"')
    avant, annexes = _texte(html[:coupure]), _texte(html[coupure:])
    assert not IDENTIFIANT_REGLE.findall(avant)
    assert IDENTIFIANT_REGLE.findall(annexes)  # the trace names its rules
    for texte in (avant, annexes):
        assert not CODE.findall(texte)
        assert not FICHIER.findall(texte)


def test_the_internal_name_check_catches_what_it_must() -> None:
    texte = _texte("<p>Voir shared ANSWERS.md, la règle PROC-MAPA et offre_mutualisee.</p>")
    assert IDENTIFIANT_REGLE.findall(texte) == ["PROC-MAPA"]
    assert CODE.findall(texte) == ["offre_mutualisee"]
    assert FICHIER.findall(texte)
