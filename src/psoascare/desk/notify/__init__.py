"""How a nudge reaches the person: native notifications, else the terminal. One module per backend."""
