"""Messaging and email: chat, SMS, voice and email delivery.

`PROVIDERS` and `RULES` (prefixed shapes) and `BARE` (shapes that need the provider named nearby)
are assembled by keylint/rules/table.py. Rule ids and secret types are written into baselines:
never rename them.

Public by design, so no rule: Mailgun `pubkey-` (email validation from browsers).
"""

from __future__ import annotations

from keylint.rules.build import ALNUM, B62, B64URL, in_category, rule_maker
from keylint.rules.model import Provider, Rule

_UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# The first-pass trigger of slack-bot-token: rules that start the same way share it, so each is
# tried in table order at that place (a trigger that won the alternation and failed would hide
# the others).
_SLACK_XOXB = r"xox[bp]-[0-9]{6}"

PROVIDERS: tuple[Provider, ...] = in_category(
    "Messaging and email",
    Provider("slack", "Slack", "SLACK_BOT_TOKEN", "https://api.slack.com/apps"),
    Provider("twilio", "Twilio", "TWILIO_AUTH_TOKEN", "https://console.twilio.com",
             ("twilio",)),
    Provider("sendgrid", "SendGrid", "SENDGRID_API_KEY", "https://app.sendgrid.com/settings/api_keys"),
    Provider("discord", "Discord", "DISCORD_TOKEN", "https://discord.com/developers/applications",
             ("discord",)),
    Provider("telegram", "Telegram", "TELEGRAM_BOT_TOKEN", "Telegram @BotFather: /revoke"),
    Provider("teams", "Microsoft Teams", "TEAMS_WEBHOOK_URL",
             "Teams channel > Connectors (or Workflows) > the webhook > Remove"),
    Provider("mailchimp", "Mailchimp", "MAILCHIMP_API_KEY",
             "Mailchimp > Account & billing > Extras > API keys (Disable/Delete)"),
    Provider("mandrill", "Mailchimp Transactional (Mandrill)", "MANDRILL_API_KEY",
             "https://mandrillapp.com/settings (API Keys > Delete)", ("mandrill",)),
    Provider("mailgun", "Mailgun", "MAILGUN_API_KEY",
             "Mailgun > Account settings > API security (Reset / delete the key)", ("mailgun",)),
    Provider("mailjet", "Mailjet", "MJ_APIKEY_PRIVATE",
             "https://app.mailjet.com/account/apikeys (Regenerate secret key)",
             ("mailjet", "mj_apikey")),
    Provider("postmark", "Postmark", "POSTMARK_SERVER_TOKEN",
             "Postmark > Servers > server > API Tokens (Regenerate)", ("postmark",)),
    Provider("brevo", "Brevo (Sendinblue)", "BREVO_API_KEY",
             "https://app.brevo.com/settings/keys/api (API and SMTP keys: delete)"),
    Provider("intercom", "Intercom", "INTERCOM_ACCESS_TOKEN",
             "Intercom Developer Hub > your app > Authentication (regenerate the access token)"),
    Provider("gitter", "Gitter", "GITTER_TOKEN", "https://developer.gitter.im/apps", ("gitter",)),
    Provider("mattermost", "Mattermost", "MATTERMOST_TOKEN",
             "Mattermost > Profile > Security > Personal Access Tokens (Delete)", ("mattermost",)),
    Provider("messagebird", "MessageBird (Bird)", "MESSAGEBIRD_API_KEY",
             "MessageBird dashboard > Developers > API access (delete the key)",
             ("messagebird", "message_bird", "message-bird")),
    Provider("sendbird", "Sendbird", "SENDBIRD_API_TOKEN",
             "Sendbird dashboard > Settings > Application > General > API tokens (revoke)",
             ("sendbird",)),
    Provider("lob", "Lob", "LOB_API_KEY", "https://dashboard.lob.com/settings/api-keys (Roll key)",
             ("lob",)),
)

_r = rule_maker(PROVIDERS)

RULES: tuple[Rule, ...] = (
    _r("slack-bot-token", "slack", "Slack Token",
       r"xox[bp]-[0-9]{10,13}-[0-9]{10,13}(?:-[0-9]{10,13})?-[A-Za-z0-9]{24,34}",
       keywords=("xoxb-", "xoxp-"), scan_pattern=_SLACK_XOXB),
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
    # Legacy bot tokens: one numeric part, then 24 alphanumerics (issued before 2017).
    _r("slack-legacy-bot-token", "slack", "Slack Token", rf"xoxb-[0-9]{{8,14}}-[{B62}]{{24}}",
       keywords=("xoxb-",), scan_pattern=_SLACK_XOXB, min_entropy=3.5, validator="mixed_alnum"),
    # Legacy user (`xoxs-`), OAuth test (`xoxo-`) and browser session (`xoxc-`, used with the
    # `d` cookie) tokens: three numeric parts and a hex tail.
    _r("slack-legacy-token", "slack", "Slack Token",
       r"xox[osc]-[0-9]{6,13}-[0-9]{6,13}-[0-9]{6,13}-[a-f0-9]{32,64}",
       keywords=("xoxs-", "xoxo-", "xoxc-"),
       min_entropy=3.0),
    # Workspace-app access (`xoxa-2-...`) and refresh (`xoxr-...`) tokens.
    _r("slack-workspace-token", "slack", "Slack Token", rf"xox[ar]-(?:[0-9]-)?[{B62}-]{{30,160}}",
       keywords=("xoxa-", "xoxr-"), min_entropy=3.5),
    # App configuration tokens (12 hours) and their refresh tokens (tooling.tokens.rotate).
    _r("slack-config-token", "slack", "Slack Configuration Token",
       rf"xoxe\.xox[bp]-[0-9]-[{B62}]{{140,180}}", keywords=("xoxe.xoxp-", "xoxe.xoxb-"),
       min_entropy=4.0, env_var="SLACK_CONFIG_TOKEN"),
    _r("slack-config-refresh-token", "slack", "Slack Configuration Token",
       rf"xoxe-[0-9]-[{B62}]{{130,160}}", keywords=("xoxe-",), min_entropy=4.0,
       env_var="SLACK_CONFIG_REFRESH_TOKEN"),
    # Workflow Builder and trigger webhooks: a URL that is a secret as a whole, like /services/.
    _r("slack-workflow-webhook-url", "slack", "Slack Webhook",
       r"https://hooks\.slack\.com/(?:workflows|triggers)/T[A-Z0-9]{8,12}/(?:A[A-Z0-9]{8,12}/)?"
       r"[0-9]{8,20}/[A-Za-z0-9]{24,32}", keywords=("hooks.slack.com",), env_var="SLACK_WEBHOOK_URL"),
    _r("discord-webhook-url", "discord", "Discord Webhook",
       rf"discord(?:app)?\.com/api/webhooks/[0-9]{{17,20}}/[{B64URL}]{{60,68}}",
       keywords=("discord.com/api/webhooks", "discordapp.com/api/webhooks"), min_entropy=4.0,
       env_var="DISCORD_WEBHOOK_URL"),
    # `https://<tenant>.webhook.office.com/webhookb2/<group>@<tenant id>/IncomingWebhook/<id>/
    # <owner>[/<signature>]`: the scan starts at the fixed host part.
    _r("teams-webhook-url", "teams", "Microsoft Teams Webhook",
       rf"[a-z0-9-]{{1,63}}\.webhook\.office\.com/webhookb2/{_UUID}@{_UUID}/IncomingWebhook/"
       rf"[a-f0-9]{{32}}/{_UUID}(?:/[{B64URL}]{{40,60}})?", keywords=("webhook.office.com",),
       scan_pattern=r"\.webhook\.office\.com/webhookb2/[0-9a-f]{6}", extend_back=63,
       back_chars=b"abcdefghijklmnopqrstuvwxyz0123456789-"),
    # `<32 hex>-us<data centre>`: the data-centre suffix is the marker.
    _r("mailchimp-api-key", "mailchimp", "Mailchimp API Key", r"[a-f0-9]{32}-us[0-9]{1,2}",
       keywords=("-us",), min_entropy=3.3, scan_pattern=r"-us[0-9]{1,2}", extend_back=32,
       back_chars=b"0123456789abcdef"),
    _r("brevo-api-key", "brevo", "Brevo API Key", rf"xkeysib-[a-f0-9]{{64}}-[{B62}]{{16}}",
       keywords=("xkeysib-",), min_entropy=3.8),
    _r("brevo-smtp-key", "brevo", "Brevo SMTP Key", rf"xsmtpsib-[a-f0-9]{{64}}-[{B62}]{{16}}",
       keywords=("xsmtpsib-",), min_entropy=3.8, env_var="BREVO_SMTP_KEY"),
    # Access tokens are base64 of `tok:<id>:<n>:<n>`, so they start `dG9rO` (`tok:`).
    _r("intercom-access-token", "intercom", "Intercom Access Token",
       r"dG9rO[A-Za-z0-9+/]{50,60}={0,2}", keywords=("dG9rO",), min_entropy=4.0,
       right_boundary=b"=+/"),
    # An auth token given right after its account SID (`AC` and 32 hex): every Twilio SDK's
    # client takes the two in that order (`Client("AC...", "<token>")`, `twilio(sid, token)`,
    # `TwilioClient.Init`, Go's `Username:`/`Password:`), curl and URLs as `AC...:<token>`. The
    # SID names Twilio, so no provider word is needed nearby; a 32-hex value alone still needs
    # Twilio named (`twilio-auth-token`). Same secret type: baselines match either rule.
    _r("twilio-auth-token-with-sid", "twilio", "Twilio Auth Token",
       r"AC[a-f0-9]{32}(?:[\"'`]?[ \t]{0,4},[ \t]{0,4}(?:\r?\n[ \t]{0,40})?"
       r"(?:[\"']?[A-Za-z_]{0,30}(?i:token|password)[\"']?[ \t]{0,4}[:=][ \t]{0,4})?[\"'`]?|:)"
       r"(?P<secret>[a-f0-9]{32})", keywords=("AC",), min_entropy=3.2),
)

# Bare shapes: only with the provider named nearby (same line or up to two lines above).
BARE: tuple[Rule, ...] = (
    _r("twilio-api-key-sid", "twilio", "Twilio API Key", r"SK[a-f0-9]{32}", context=True,
       env_var="TWILIO_API_KEY", min_entropy=3.2),
    _r("twilio-auth-token", "twilio", "Twilio Auth Token", r"[a-f0-9]{32}", context=True,
       min_entropy=3.2),
    _r("twilio-api-key-secret", "twilio", "Twilio API Secret", rf"[{B62}]{{32}}", context=True,
       env_var="TWILIO_API_SECRET", min_entropy=4.0, validator="mixed_alnum"),
    _r("discord-client-secret", "discord", "Discord Client Secret", rf"[{B64URL}]{{32}}",
       context=True, min_entropy=4.0, validator="random_alnum", env_var="DISCORD_CLIENT_SECRET"),
    _r("mandrill-api-key", "mandrill", "Mandrill API Key", rf"(?:md-)?[{B64URL}]{{22}}",
       context=True, min_entropy=3.8, validator="random_alnum"),
    _r("mailgun-api-key", "mailgun", "Mailgun API Key", r"key-[a-f0-9]{32}", context=True,
       min_entropy=3.3),
    # Newer private API keys and the webhook signing key share this shape.
    _r("mailgun-key", "mailgun", "Mailgun API Key", r"[a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{8}",
       context=True, min_entropy=3.3),
    _r("mailjet-api-key", "mailjet", "Mailjet API Key", r"[a-f0-9]{32}", context=True,
       min_entropy=3.3),
    _r("postmark-token", "postmark", "Postmark API Token", _UUID, context=True),
    _r("gitter-access-token", "gitter", "Gitter Access Token", r"[a-f0-9]{40}", context=True,
       min_entropy=3.3),
    _r("mattermost-access-token", "mattermost", "Mattermost Access Token", r"[a-z0-9]{26}",
       context=True, min_entropy=3.5, validator="random_alnum"),
    _r("messagebird-api-key", "messagebird", "MessageBird API Key", rf"[{B62}]{{25}}",
       context=True, min_entropy=3.8, validator="random_alnum"),
    _r("sendbird-api-token", "sendbird", "Sendbird API Token", r"[a-f0-9]{40}", context=True,
       min_entropy=3.3),
    _r("lob-api-key", "lob", "Lob API Key", r"(?:live|test)_[a-f0-9]{35}", context=True,
       min_entropy=3.3),
)
