"""The demo clinic (Riverside Family Medicine) and `medassist demo`: demo data only, built on
top of every app, so no app depends on it."""
