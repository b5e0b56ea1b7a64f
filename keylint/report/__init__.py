"""Output formats: text, JSON, SARIF and GitHub annotations. None of them prints a raw secret."""
