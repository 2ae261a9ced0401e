"""ECG import and measurement (never interpretation), tracing PDFs, other in-office tests."""
