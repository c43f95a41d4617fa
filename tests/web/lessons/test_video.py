from __future__ import annotations

import pytest

from psoascare.web.lessons.video import embed_for


@pytest.mark.parametrize(
    ("url", "provider", "video_id"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=30", "YouTube", "dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ", "YouTube", "dQw4w9WgXcQ"),
        ("https://m.youtube.com/shorts/dQw4w9WgXcQ", "YouTube", "dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "Vimeo", "76979871"),
    ],
)
def test_it_recognises_known_providers(url: str, provider: str, video_id: str) -> None:
    embed = embed_for(url)
    assert embed is not None
    assert (embed.provider, embed.video_id) == (provider, video_id)
    assert "nocookie" in embed.embed_url or "dnt=1" in embed.embed_url


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/video.mp4",
        "https://www.youtube.com/watch?v=short",
        "javascript:alert(1)",
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://vimeo.com/channels/staffpicks",
    ],
)
def test_it_links_everything_else(url: str) -> None:
    assert embed_for(url) is None
