"""The questionnaire in a web browser (``entadvisor web``): a local Starlette application.

:func:`~entadvisor.web.app.creer_app` builds the ASGI application for a dossier of projects;
:func:`~entadvisor.web.serveur.lancer` serves it with uvicorn on 127.0.0.1 and opens the browser.
"""

from __future__ import annotations

from .app import creer_app
from .pages import note_html
from .serveur import lancer

__all__ = ["creer_app", "lancer", "note_html"]
