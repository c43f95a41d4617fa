"""Recognise videos from known providers so they can be embedded without contacting them before a click."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^\d{6,12}$")


@dataclass(frozen=True)
class Embed:
    provider: str
    video_id: str
    embed_url: str


def embed_for(url: str) -> Embed | None:
    """The privacy-friendly embed address for a YouTube or Vimeo link, or None for anything else."""
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"}:
        return None
    host = (parsed.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    video_id = ""
    if host in {"youtube.com", "youtube-nocookie.com"}:
        if parsed.path == "/watch":
            video_id = parse_qs(parsed.query).get("v", [""])[0]
        elif parsed.path.startswith(("/embed/", "/shorts/", "/live/")):
            video_id = parsed.path.split("/")[2]
    elif host == "youtu.be":
        video_id = parsed.path.lstrip("/").split("/")[0]
    if video_id and _YOUTUBE_ID.match(video_id):
        return Embed("YouTube", video_id, f"https://www.youtube-nocookie.com/embed/{video_id}?autoplay=1")
    if host in {"vimeo.com", "player.vimeo.com"}:
        candidate = parsed.path.rstrip("/").split("/")[-1]
        if _VIMEO_ID.match(candidate):
            return Embed("Vimeo", candidate, f"https://player.vimeo.com/video/{candidate}?dnt=1&autoplay=1")
    return None
