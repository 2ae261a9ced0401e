"""Superbills, code suggestion, claim scrubbing, X12 837P/835/270/271, the patient ledger."""
