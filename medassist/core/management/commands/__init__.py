"""Management commands that belong to no domain: `serve`."""
