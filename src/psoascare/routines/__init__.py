"""Exercise library, routine templates, the guided-session engine and resisted-stretch protocols."""
