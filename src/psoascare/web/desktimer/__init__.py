"""The browser desk timer: the same sitting rules as `psoascare desk`, for people who install nothing."""
