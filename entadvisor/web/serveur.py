"""Serve the web questionnaire with uvicorn, on 127.0.0.1 by default, and open the browser on it."""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import threading
import webbrowser
from pathlib import Path
from typing import Any

import click

from entadvisor.errors import EntreeInvalide

LOCALES = ("127.0.0.1", "localhost", "::1")


def adresse(hote: str, port: int) -> str:
    return f"http://{'[::1]' if hote == '::1' else hote}:{port}/"


def _port_libre(hote: str, port: int) -> bool:
    famille = socket.AF_INET6 if ":" in hote else socket.AF_INET
    with contextlib.closing(socket.socket(famille, socket.SOCK_STREAM)) as prise:
        prise.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            prise.bind((hote, port))
        except OSError:
            return False
    return True


def lancer(
    dossier: Path,
    *,
    port: int = 8765,
    hote: str = "127.0.0.1",
    ouvrir: bool = True,
    date_analyse: dt.date | None = None,
    connaissances: Any = None,
    questionnaire: Path | None = None,
) -> None:
    """Serve ``dossier`` until Ctrl-C. Raises :class:`EntreeInvalide` when the port is taken."""
    import uvicorn

    from .app import creer_app

    if hote not in LOCALES:
        click.echo(
            f"Attention : l'application écoute sur {hote}, pas seulement sur cet ordinateur ; d'autres "
            "machines du réseau peuvent ouvrir les projets du dossier. Sans --hote, elle écoute sur "
            "127.0.0.1 seulement.",
            err=True,
        )
    if not _port_libre(hote, port):
        raise EntreeInvalide(
            None, f"le port {port} est déjà utilisé sur {hote} ; choisissez-en un autre avec --port."
        )
    application = creer_app(
        Path(dossier),
        hote=hote,
        port=port,
        date_analyse=date_analyse,
        connaissances=connaissances,
        questionnaire=questionnaire,
    )
    url = adresse(hote, port)
    serveur = uvicorn.Server(
        uvicorn.Config(
            application, host=hote, port=port, log_level="warning", access_log=False, lifespan="off"
        )
    )

    def ouvrir_quand_pret() -> None:
        for _ in range(100):
            if serveur.started:
                webbrowser.open(url)
                return
            threading.Event().wait(0.05)

    # Ctrl-C at any moment (even before uvicorn's own handler is in place) ends here, not in a traceback;
    # uvicorn re-raises it after its graceful stop.
    with contextlib.suppress(KeyboardInterrupt):
        click.echo(f"Questionnaire ENT dans le navigateur : {url}", err=True)
        click.echo(f"Projets enregistrés dans {Path(dossier).resolve()} ; Ctrl-C pour arrêter.", err=True)
        if ouvrir:
            threading.Thread(target=ouvrir_quand_pret, daemon=True).start()
        serveur.run()
    click.echo(f"Serveur arrêté. Les réponses sont enregistrées dans {Path(dossier).resolve()}.", err=True)
