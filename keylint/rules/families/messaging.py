"""Messaging and email: chat, SMS, voice and email delivery.

`PROVIDERS` and `RULES` (prefixed shapes) and `BARE` (shapes that need the provider named nearby)
are assembled by keylint/rules/table.py. Rule ids and secret types are written into baselines:
never rename them.
"""

from __future__ import annotations

from keylint.rules.build import ALNUM, B62, B64URL, in_category, rule_maker
from keylint.rules.model import Provider, Rule

PROVIDERS: tuple[Provider, ...] = in_category(
    "Messaging and email",
    Provider("slack", "Slack", "SLACK_BOT_TOKEN", "https://api.slack.com/apps"),
    Provider("twilio", "Twilio", "TWILIO_AUTH_TOKEN", "https://console.twilio.com",
             ("twilio",)),
    Provider("sendgrid", "SendGrid", "SENDGRID_API_KEY", "https://app.sendgrid.com/settings/api_keys"),
    Provider("discord", "Discord", "DISCORD_TOKEN", "https://discord.com/developers/applications"),
    Provider("telegram", "Telegram", "TELEGRAM_BOT_TOKEN", "Telegram @BotFather: /revoke"),
)

_r = rule_maker(PROVIDERS)

RULES: tuple[Rule, ...] = (
    _r("slack-bot-token", "slack", "Slack Token",
       r"xox[bp]-[0-9]{10,13}-[0-9]{10,13}(?:-[0-9]{10,13})?-[A-Za-z0-9]{24,34}",
       keywords=("xoxb-", "xoxp-")),
    _r("slack-webhook-url", "slack", "Slack Webhook",
       r"https://hooks\.slack\.com/services/T[A-Z0-9]{8,10}/B[A-Z0-9]{8,10}/[A-Za-z0-9]{24}",
       keywords=("hooks.slack.com",), env_var="SLACK_WEBHOOK_URL"),
    _r("slack-app-token", "slack", "Slack Token", r"xapp-[0-9]-[A-Z0-9]{8,12}-[0-9]{10,13}-[a-f0-9]{64}",
       keywords=("xapp-",), env_var="SLACK_APP_TOKEN"),
    _r("sendgrid-api-key", "sendgrid", "SendGrid API Key",
       rf"SG\.[{B64URL}]{{22}}\.[{B64URL}]{{43}}", keywords=("SG.",)),
    _r("discord-bot-token", "discord", "Discord Bot Token",
       rf"[MNO][{B64URL}]{{23,27}}\.[{B64URL}]{{6}}\.[{B64URL}]{{27,38}}",
       keywords=("discord",), validator="discord_id",
       scan_pattern=rf"\.[{B64URL}]{{6}}\.[{B64URL}]{{27,38}}", extend_back=27,
       back_chars=ALNUM + b"_-"),
    _r("telegram-bot-token", "telegram", "Telegram Bot Token", rf"[0-9]{{8,10}}:AA[{B64URL}]{{33}}",
       keywords=(":AA",), scan_pattern=rf":AA[{B64URL}]{{6}}", extend_back=10,
       back_chars=b"0123456789"),
)

# Bare shapes: only with the provider named nearby (same line or up to two lines above).
BARE: tuple[Rule, ...] = (
    _r("twilio-api-key-sid", "twilio", "Twilio API Key", r"SK[a-f0-9]{32}", context=True,
       env_var="TWILIO_API_KEY", min_entropy=3.2),
    _r("twilio-auth-token", "twilio", "Twilio Auth Token", r"[a-f0-9]{32}", context=True,
       min_entropy=3.2),
    _r("twilio-api-key-secret", "twilio", "Twilio API Secret", rf"[{B62}]{{32}}", context=True,
       env_var="TWILIO_API_SECRET", min_entropy=4.0, validator="mixed_alnum"),
)
