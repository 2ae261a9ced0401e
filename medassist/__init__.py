"""medassist: software that does the job of a clinic's medical assistant."""

__version__ = "0.1.0"
