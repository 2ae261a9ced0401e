"""Refills, in-office stock, dispensing and administration, relayed medication and diet changes."""
