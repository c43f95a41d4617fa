"""Data rights: the client's export and account deletion, and the log of who read a client's record."""
