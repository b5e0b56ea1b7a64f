"""Secrets baselines in detect-secrets' JSON format: load, save, compare, audit, merge."""
