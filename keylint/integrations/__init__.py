"""Plugins for other tools: bandit (KL101) and detect-secrets. Imports nothing on its own."""
