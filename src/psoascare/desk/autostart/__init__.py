"""Starting the desk timer at login: one module per platform, chosen by factory.py."""
