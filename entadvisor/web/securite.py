"""Protections of the local web application: the Host header, request sizes, CSRF tokens, headers.

* **Host**: a request is served only if its ``Host`` header names the address served (and, on
  127.0.0.1, ``localhost``): a page of another site cannot reach the server through DNS rebinding.
  A POST whose ``Origin`` header names another site is refused as well.
* **Sizes**: a request body larger than :data:`TAILLE_MAX_REQUETE` is refused before it is read;
  a POST without ``Content-Length`` is refused too.
* **CSRF**: every form carries a token, the HMAC of a random per-browser cookie under a secret
  kept in the dossier (so tokens survive a server restart). A POST whose token does not match its
  cookie is refused: another site can make the browser send the cookie, never read the token.
* **Headers**: a Content-Security-Policy that forbids any script and any external resource, no
  framing, no referrer sent to other sites, no MIME sniffing.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

TAILLE_MAX_REQUETE = 64 * 1024
COOKIE = "entadvisor_jeton"
CHAMP_JETON = "_jeton"
FICHIER_SECRET = ".entadvisor-web-secret"

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
ENTETES = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # same-origin, not no-referrer: with no-referrer a browser posts « Origin: null » even to its own site
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Rendu = Callable[[int, str, str], bytes]
"""(status, title, French message) → an HTML page, drawn by the application's templates."""


def secret_du_dossier(dossier: Path) -> bytes:
    """The dossier's secret (created once, readable by its owner only)."""
    fichier = dossier / FICHIER_SECRET
    try:
        secret = bytes.fromhex(fichier.read_text(encoding="ascii").strip())
        if len(secret) >= 32:
            return secret
    except (OSError, ValueError):
        pass
    dossier.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(32)
    descripteur = os.open(fichier, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descripteur, "w", encoding="ascii") as flux:
        flux.write(secret.hex())
    return secret


class Jetons:
    """CSRF tokens bound to a browser cookie."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    @staticmethod
    def nouveau_cookie() -> str:
        return secrets.token_urlsafe(32)

    def jeton(self, cookie: str) -> str:
        return hmac.new(self._secret, cookie.encode(), hashlib.sha256).hexdigest()

    def valide(self, cookie: str | None, jeton: str | None) -> bool:
        if not cookie or not jeton:
            return False
        return hmac.compare_digest(self.jeton(cookie), jeton)


def hotes_permis(hote: str, port: int) -> set[str]:
    """The Host header values accepted for the address served."""
    noms = {hote}
    if hote in ("127.0.0.1", "localhost"):
        noms |= {"127.0.0.1", "localhost"}
    if hote == "::1":
        noms = {"[::1]"}
    return {f"{nom}:{port}" for nom in noms} | ({f"{nom}" for nom in noms} if port == 80 else set())


class Garde:
    """ASGI middleware: checks the Host header and the body size, adds the security headers."""

    def __init__(self, app: Any, hotes: set[str], rendu: Rendu) -> None:
        self.app = app
        self.hotes = {h.lower() for h in hotes}
        self.rendu = rendu

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        entetes = {k.lower(): v for k, v in scope.get("headers", [])}
        hote = entetes.get(b"host", b"").decode("latin-1").lower()
        if hote not in self.hotes:
            await self._refuser(
                send,
                400,
                "Adresse non reconnue",
                f"Cette application ne répond qu'à l'adresse où elle a été lancée ; « {hote[:100]} » "
                "n'en est pas une. Ouvrez l'adresse affichée au lancement de « entadvisor web ».",
            )
            return
        if scope["method"] == "POST":
            origine = entetes.get(b"origin", b"").decode("latin-1").lower()
            if origine and origine.split("://", 1)[-1] not in self.hotes:
                await self._refuser(
                    send,
                    403,
                    "Action refusée",
                    f"Ce formulaire a été envoyé depuis une autre adresse (« {origine[:100]} ») : il est refusé. "
                    "Remplissez-le depuis les pages de l'application.",
                )
                return
            longueur = entetes.get(b"content-length")
            if longueur is None or not longueur.isdigit():
                await self._refuser(
                    send, 411, "Requête refusée", "Le formulaire envoyé n'indique pas sa taille."
                )
                return
            if int(longueur) > TAILLE_MAX_REQUETE:
                await self._refuser(
                    send,
                    413,
                    "Formulaire trop volumineux",
                    f"Le formulaire envoyé dépasse {TAILLE_MAX_REQUETE // 1024} Kio ; "
                    "raccourcissez les réponses puis recommencez.",
                )
                return

        async def envoyer(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *ENTETES]
            await send(message)

        await self.app(scope, receive, envoyer)

    async def _refuser(self, send: Send, statut: int, titre: str, message: str) -> None:
        corps = self.rendu(statut, titre, message)
        await send(
            {
                "type": "http.response.start",
                "status": statut,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(corps)).encode()),
                    *ENTETES,
                ],
            }
        )
        await send({"type": "http.response.body", "body": corps})
