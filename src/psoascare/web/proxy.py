"""The real client address and scheme behind a reverse proxy, believed only from PSOASCARE_TRUSTED_PROXIES.

A proxy appends the address it saw to X-Forwarded-For and says the browser's scheme in X-Forwarded-Proto. Any
browser can write those headers too, so they count only when the peer (REMOTE_ADDR) is a trusted proxy; the
client address is then the right-most address in X-Forwarded-For that is not itself a trusted proxy.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def is_trusted(address: str, networks: Sequence[Network]) -> bool:
    parsed = _address(address)
    return parsed is not None and any(parsed in network for network in networks)


def client_address(peer: str, forwarded_for: str, networks: Sequence[Network]) -> str:
    """The address of the browser: the peer itself unless it is a trusted proxy, else from X-Forwarded-For."""
    if not networks or not is_trusted(peer, networks):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        parsed = _address(hop)
        if parsed is None:
            return peer  # a garbled header: keep the address the server saw
        if not any(parsed in network for network in networks):
            return str(parsed)
    return str(_address(hops[0])) if hops else peer


class TrustedProxyMiddleware:
    """Rewrites REMOTE_ADDR and the scheme from a trusted proxy's headers; runs before everything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.networks: list[Network] = list(settings.TRUSTED_PROXIES)
        self.proto_key = "HTTP_" + settings.PROXY_SSL_HEADER.upper().replace("-", "_")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        peer = request.META.get("REMOTE_ADDR", "")
        if self.networks and is_trusted(peer, self.networks):
            request.META["REMOTE_ADDR"] = client_address(
                peer, request.META.get("HTTP_X_FORWARDED_FOR", ""), self.networks
            )
            proto = request.META.get(self.proto_key, "").split(",")[0].strip().lower()
            if proto in {"http", "https"}:
                # WSGIRequest.scheme reads wsgi.url_scheme from the same environ dictionary.
                request.META["wsgi.url_scheme"] = proto
        return self.get_response(request)
