"""Which detect-secrets plugins a baseline may name, and how keylint records its own.

keylint does not run detect-secrets' plugins: it scans with its own rules and compares hashes. It
still checks `plugins_used`, so that a baseline naming a plugin nobody can load fails loudly (exit
2) instead of passing silently. Accepted names: detect-secrets' built-in plugins, and keylint's own
(one class per secret type of its rules: the classes of `keylint.integrations.detect_secrets`,
which reuse detect-secrets' class name where it has a plugin for the type).

keylint records its plugins with a *relative* `file://` path to a two-line shim next to the
baseline (`.keylint_detect_secrets.py`, which star-imports those classes), so that stock
detect-secrets run from the repository root (pre-commit's cwd) loads them on any machine, and never
an absolute path.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from keylint.errors import KeylintError
from keylint.rules import RULES, RULES_BY_ID

SHIM_NAME = ".keylint_detect_secrets.py"
_SHIM_HEAD = '''"""detect-secrets plugins for keylint's rules (written by `keylint baseline`: commit it).

The baseline's plugins_used names this file. Where keylint is installed, detect-secrets runs
keylint's rules through it. Where it is not (the team's detect-secrets hook in its own
environment), detect-secrets keeps working with its built-in plugins: keylint's types get
plugins that find nothing here, and keylint's own hook checks them.
"""
try:
    from keylint.integrations.detect_secrets import *  # noqa: F403
except ImportError:  # detect-secrets without keylint: degrade, never crash
    import sys as _sys

    from detect_secrets.plugins.base import RegexBasedDetector as _Base

    if not getattr(_sys, "_keylint_shim_said", False):  # detect-secrets loads it once per plugin
        _sys._keylint_shim_said = True  # type: ignore[attr-defined]
        print("keylint is not installed here: detect-secrets runs without keylint's rules "
              "(keylint's own hook checks them)", file=_sys.stderr)
    for _name, _type in [
'''
_SHIM_TAIL = '''    ]:
        globals()[_name] = type(_name, (_Base,), {"secret_type": _type, "denylist": ()})
'''


@lru_cache(maxsize=1)
def shim_text() -> str:
    """The shim's text: keylint's plugin classes when keylint can be imported, else a stand-in
    for each of keylint's own plugin names (detect-secrets stops with "No such plugin" on a name
    it cannot find). Built-in names need none: detect-secrets' own class stands in."""
    ours = sorted((n, t) for n, t in keylint_plugins().items() if n not in BUILTIN_PLUGINS)
    rows = "".join(f"        ({n!r}, {t!r}),\n" for n, t in ours)
    return _SHIM_HEAD + rows + _SHIM_TAIL


# detect-secrets 1.5 built-in plugins: secret type -> class name. A plugins_used name outside
# these and keylint's own is looked up in the installed detect-secrets before it is called unknown.
BUILTIN_BY_TYPE = {
    "Artifactory Credentials": "ArtifactoryDetector", "AWS Access Key": "AWSKeyDetector",
    "Azure Storage Account access key": "AzureStorageKeyDetector",
    "Base64 High Entropy String": "Base64HighEntropyString",
    "Basic Auth Credentials": "BasicAuthDetector", "Cloudant Credentials": "CloudantDetector",
    "Discord Bot Token": "DiscordBotTokenDetector", "GitHub Token": "GitHubTokenDetector",
    "GitLab Token": "GitLabTokenDetector", "Hex High Entropy String": "HexHighEntropyString",
    "IBM Cloud IAM Key": "IbmCloudIamDetector", "IBM COS HMAC Credentials": "IbmCosHmacDetector",
    "Public IP (ipv4)": "IPPublicDetector", "JSON Web Token": "JwtTokenDetector",
    "Secret Keyword": "KeywordDetector", "Mailchimp Access Key": "MailchimpDetector",
    "NPM tokens": "NpmDetector", "OpenAI Token": "OpenAIDetector",
    "Private Key": "PrivateKeyDetector", "PyPI Token": "PypiTokenDetector",
    "SendGrid API Key": "SendGridDetector", "Slack Token": "SlackDetector",
    "SoftLayer Credentials": "SoftlayerDetector", "Square OAuth Secret": "SquareOAuthDetector",
    "Stripe Access Key": "StripeDetector", "Telegram Bot Token": "TelegramBotTokenDetector",
    "Twilio API Key": "TwilioKeyDetector",
}
BUILTIN_PLUGINS = frozenset(BUILTIN_BY_TYPE.values())

# detect-secrets types that name the same secrets as keylint types of another name.
_SAME_KIND = {
    "OpenAI Token": frozenset({"OpenAI API Key", "OpenAI Project Key", "OpenAI Service Account Key",
                               "OpenAI Admin Key"}),
    "Slack Token": frozenset({"Slack Webhook"}),
    "PyPI Token": frozenset({"PyPI Upload Token"}),
    "NPM tokens": frozenset({"npm Token"}),
    "GitHub Token": frozenset({"GitHub Fine-Grained Token"}),
}


def same_kind(entry_type: str, secret_type: str) -> bool:
    """True when a baseline entry's type names the kind of secret keylint calls `secret_type`
    (the same type, or detect-secrets' name for it)."""
    return entry_type == secret_type or secret_type in _SAME_KIND.get(entry_type, ())


def class_name(secret_type: str) -> str:
    """The detect-secrets plugin class keylint uses for a secret type (the naming rule of
    `keylint.integrations.detect_secrets`): detect-secrets' own class where it has one for the
    type, else `OpenAI Project Key` -> `OpenaiProjectKeyDetector`."""
    if secret_type in BUILTIN_BY_TYPE:
        return BUILTIN_BY_TYPE[secret_type]
    return "".join(w.capitalize() for w in re.findall(r"[A-Za-z0-9]+", secret_type)) + "Detector"


@lru_cache(maxsize=1)
def keylint_plugins() -> dict[str, str]:
    """Plugin class name -> secret type, one per secret type of keylint's rules."""
    return {class_name(r.secret_type): r.secret_type for r in RULES}


def _installed_builtin(name: str) -> bool:
    """Ask the installed detect-secrets (slow: imports every plugin) whether `name` is built in."""
    try:
        from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    except ImportError:  # pragma: no cover (detect-secrets is a dependency)
        return False
    from detect_secrets.settings import get_settings

    # The mapping also imports every custom `path` of the global settings: ask with none set.
    settings = get_settings()
    saved = settings.plugins
    settings.plugins = {}
    get_mapping_from_secret_type_to_class.cache_clear()
    try:
        classes: list[type] = list(get_mapping_from_secret_type_to_class().values())
        return any(c.__name__ == name for c in classes)
    finally:
        settings.plugins = saved
        get_mapping_from_secret_type_to_class.cache_clear()


def check(plugins_used: Iterable[Mapping[str, Any]], where: str) -> None:
    """Raise KeylintError for a plugin keylint cannot stand for (unknown or a custom file)."""
    ours = keylint_plugins()
    for p in plugins_used:
        name = str(p["name"])
        if name in ours:
            continue
        if str(p.get("path", "")).endswith(SHIM_NAME):
            raise KeylintError(f"{where}: plugins_used names a keylint plugin this keylint does "
                               f"not have: {name} (written by a newer keylint? upgrade it)")
        if "path" in p:
            raise KeylintError(f"{where}: plugins_used names a custom plugin keylint cannot load: "
                               f"{name} ({p['path']})")
        if name in BUILTIN_PLUGINS or _installed_builtin(name):
            continue
        raise KeylintError(f"{where}: plugins_used names an unknown plugin: {name} (not a "
                           "detect-secrets built-in nor a keylint rule; newer keylint?)")


def written_by_keylint(plugins_used: Iterable[Mapping[str, Any]]) -> bool:
    """True when keylint's plugins are in `plugins_used` (or it is empty); False for a baseline
    detect-secrets wrote, which the team's detect-secrets hook reads with its own plugins."""
    items = list(plugins_used)
    return not items or any(str(p.get("path", "")).endswith(SHIM_NAME) for p in items)


def shim_path(baseline_path: Path) -> Path:
    """Where the shim lives: next to the baseline."""
    return baseline_path.parent / SHIM_NAME


def shim_url(baseline_path: Path, cwd: str | None = None) -> str:
    """`file://` + the shim's path relative to the current directory (the repository root)."""
    shim = os.path.abspath(shim_path(baseline_path))
    rel = os.path.relpath(shim, cwd or os.getcwd()).replace(os.sep, "/")
    if rel.startswith("../") or os.path.isabs(rel):
        raise KeylintError(f"{baseline_path}: the baseline must be under the current directory "
                           "(run keylint from the repository root)")
    return "file://" + rel


def entries_for(rule_ids: Iterable[str], url: str) -> list[dict[str, Any]]:
    """`plugins_used` items for keylint's rules (one per secret type), each naming the shim."""
    names = sorted({class_name(RULES_BY_ID[r].secret_type) for r in rule_ids})
    return [{"name": name, "path": url} for name in names]


def merge_plugins(old: Iterable[Mapping[str, Any]], rule_ids: Iterable[str],
                  url: str) -> tuple[dict[str, Any], ...]:
    """keylint's items for the current rules (keeping options detect-secrets saved on them, such as
    KeywordDetector's `keyword_exclude`), plus every other item as it was. A built-in plugin keylint
    also covers stays when keylint's rules for it are disabled."""
    ours = keylint_plugins()
    previous = {str(p["name"]): p for p in old}
    new = [{**previous.get(p["name"], {}), **p} for p in entries_for(rule_ids, url)]
    names = {p["name"] for p in new}
    kept = [dict(p) for p in old
            if p["name"] not in names and not (p["name"] in ours and "path" in p)]
    return tuple(kept + new)
