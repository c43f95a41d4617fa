"""Where the desk timer learns how long ago the keyboard or mouse was last used: one module per platform.

Only `factory.py` looks at the operating system; every other part of the timer sees an `ActivitySource`.
"""
