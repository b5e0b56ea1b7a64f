"""The rule table and its checks: the single source of truth for key formats."""

from __future__ import annotations

from keylint.rules.model import CATEGORIES, Provider, Rule
from keylint.rules.table import PROVIDERS, RULES, RULES_BY_ID

__all__ = ["CATEGORIES", "PROVIDERS", "RULES", "RULES_BY_ID", "Provider", "Rule"]
