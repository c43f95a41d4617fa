"""The client's calendar feed: a secret, revocable RFC 5545 URL with the morning and night stretches."""
