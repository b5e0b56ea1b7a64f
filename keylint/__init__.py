"""keylint: find provider API keys and move them into the environment."""

__version__ = "0.1.0"
