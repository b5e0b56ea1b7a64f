"""The rule table and its checks: the single source of truth for key formats."""

from __future__ import annotations

from keylint.rules.model import Rule
from keylint.rules.table import PROVIDERS, RULES, RULES_BY_ID, Provider

__all__ = ["PROVIDERS", "RULES", "RULES_BY_ID", "Provider", "Rule"]
