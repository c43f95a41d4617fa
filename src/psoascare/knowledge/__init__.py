"""Anatomy facts with sources, the lesson text, red-flag screening and outcome measures."""
