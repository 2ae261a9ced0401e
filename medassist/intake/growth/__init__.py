"""Pediatric growth: percentiles and z-scores from the WHO 2006 and CDC 2000 LMS tables
(`lms.py`, data in `data/` with `SOURCE.md`) and the growth chart picture (`chart.py`)."""
