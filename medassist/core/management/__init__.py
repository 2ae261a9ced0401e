"""Management commands that belong to no domain: `demo` and `serve`."""
