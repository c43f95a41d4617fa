"""The sitting timer: policy, activity sources and notifiers (one module per platform)."""
