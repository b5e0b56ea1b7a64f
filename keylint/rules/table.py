"""The rule table: every provider key format keylint knows (researched formats: PROVIDERS.md).

Everything else (scanner, baselines, fixer, redaction, detect-secrets and bandit plugins) is
driven by `RULES`. Rule ids and `secret_type`s are written into baselines: never rename them.
Order matters where shapes overlap: more specific prefixes come first.
"""

from __future__ import annotations

from dataclasses import dataclass

from keylint.rules.model import Rule


@dataclass(frozen=True)
class Provider:
    """A provider's shared facts: display name, canonical env var, where to rotate, context words."""

    id: str
    name: str
    env_var: str
    rotate_url: str
    context: tuple[str, ...] = ()


_PROVIDERS = (
    Provider("openai", "OpenAI", "OPENAI_API_KEY", "https://platform.openai.com/api-keys"),
    Provider("anthropic", "Anthropic", "ANTHROPIC_API_KEY",
             "https://console.anthropic.com/settings/keys"),
    Provider("google", "Google", "GOOGLE_API_KEY", "https://console.cloud.google.com/apis/credentials"),
    Provider("azure_openai", "Azure OpenAI", "AZURE_OPENAI_API_KEY",
             "Azure portal > resource > Keys and Endpoint > Regenerate Key1/Key2",
             ("azure", "api-key", "AZURE_OPENAI", "cognitiveservices")),
    Provider("cohere", "Cohere", "COHERE_API_KEY", "https://dashboard.cohere.com/api-keys",
             ("cohere", "CO_API_KEY")),
    Provider("mistral", "Mistral AI", "MISTRAL_API_KEY", "https://console.mistral.ai/api-keys",
             ("mistral",)),
    Provider("groq", "Groq", "GROQ_API_KEY", "https://console.groq.com/keys"),
    Provider("huggingface", "Hugging Face", "HF_TOKEN", "https://huggingface.co/settings/tokens"),
    Provider("replicate", "Replicate", "REPLICATE_API_TOKEN",
             "https://replicate.com/account/api-tokens"),
    Provider("together", "Together AI", "TOGETHER_API_KEY",
             "https://api.together.ai/settings/api-keys", ("together",)),
    Provider("perplexity", "Perplexity", "PERPLEXITY_API_KEY", "https://www.perplexity.ai/settings/api"),
    Provider("xai", "xAI", "XAI_API_KEY", "https://console.x.ai"),
    Provider("deepseek", "DeepSeek", "DEEPSEEK_API_KEY", "https://platform.deepseek.com/api_keys",
             ("deepseek",)),
    Provider("openrouter", "OpenRouter", "OPENROUTER_API_KEY", "https://openrouter.ai/settings/keys"),
    Provider("fireworks", "Fireworks AI", "FIREWORKS_API_KEY", "https://fireworks.ai/account/api-keys"),
    Provider("langsmith", "LangSmith", "LANGSMITH_API_KEY", "https://smith.langchain.com/settings"),
    Provider("pinecone", "Pinecone", "PINECONE_API_KEY", "https://app.pinecone.io",
             ("pinecone",)),
    Provider("elevenlabs", "ElevenLabs", "ELEVENLABS_API_KEY",
             "https://elevenlabs.io/app/settings/api-keys",
             ("elevenlabs", "eleven_api_key", "xi-api-key", "xi_api_key")),
    Provider("voyage", "Voyage AI", "VOYAGE_API_KEY", "https://dashboard.voyageai.com"),
    Provider("tavily", "Tavily", "TAVILY_API_KEY", "https://app.tavily.com"),
    Provider("assemblyai", "AssemblyAI", "ASSEMBLYAI_API_KEY",
             "https://www.assemblyai.com/app/api-keys", ("assemblyai", "aai.settings")),
    Provider("deepgram", "Deepgram", "DEEPGRAM_API_KEY", "https://console.deepgram.com",
             ("deepgram", "Token ")),
    Provider("stability", "Stability AI", "STABILITY_API_KEY",
             "https://platform.stability.ai/account/keys", ("stability",)),
    Provider("cerebras", "Cerebras", "CEREBRAS_API_KEY", "https://cloud.cerebras.ai"),
    Provider("nvidia", "NVIDIA", "NVIDIA_API_KEY", "https://org.ngc.nvidia.com/setup/api-keys"),
    Provider("wandb", "Weights & Biases", "WANDB_API_KEY", "https://wandb.ai/authorize",
             ("wandb",)),
    Provider("aws", "AWS", "AWS_ACCESS_KEY_ID",
             "IAM console > Users > Security credentials (aws iam update-access-key --status Inactive)",
             ("aws", "AKIA", "ASIA")),
    Provider("digitalocean", "DigitalOcean", "DIGITALOCEAN_TOKEN",
             "https://cloud.digitalocean.com/account/api/tokens"),
    Provider("databricks", "Databricks", "DATABRICKS_TOKEN",
             "Workspace > User Settings > Developer > Access tokens"),
    Provider("dynatrace", "Dynatrace", "DT_API_TOKEN",
             "Dynatrace > Access tokens > delete the token (docs.dynatrace.com/docs/shortlink/token)"),
    Provider("doppler", "Doppler", "DOPPLER_TOKEN",
             "https://dashboard.doppler.com (revoke the token where it was issued)"),
    Provider("sentry", "Sentry", "SENTRY_AUTH_TOKEN",
             "https://sentry.io/settings/account/api/auth-tokens/"),
    Provider("github", "GitHub", "GITHUB_TOKEN", "https://github.com/settings/tokens"),
    Provider("gitlab", "GitLab", "GITLAB_TOKEN",
             "https://gitlab.com/-/user_settings/personal_access_tokens"),
    Provider("npm", "npm", "NPM_TOKEN", "https://www.npmjs.com/settings/~/tokens"),
    Provider("pypi", "PyPI", "TWINE_PASSWORD", "https://pypi.org/manage/account/token/"),
    Provider("slack", "Slack", "SLACK_BOT_TOKEN", "https://api.slack.com/apps"),
    Provider("twilio", "Twilio", "TWILIO_AUTH_TOKEN", "https://console.twilio.com",
             ("twilio",)),
    Provider("sendgrid", "SendGrid", "SENDGRID_API_KEY", "https://app.sendgrid.com/settings/api_keys"),
    Provider("discord", "Discord", "DISCORD_TOKEN", "https://discord.com/developers/applications"),
    Provider("telegram", "Telegram", "TELEGRAM_BOT_TOKEN", "Telegram @BotFather: /revoke"),
    Provider("stripe", "Stripe", "STRIPE_SECRET_KEY", "https://dashboard.stripe.com/apikeys"),
    Provider("shopify", "Shopify", "SHOPIFY_ACCESS_TOKEN",
             "Shopify admin > Apps > Develop apps > API credentials"),
    Provider("age", "age", "SOPS_AGE_KEY",
             "age-keygen a new identity, re-encrypt to its recipient, delete the old identity"),
    Provider("private_key", "Private key", "PRIVATE_KEY",
             "Rotate the key pair (replace authorized_keys, certificates, service-account keys)"),
    Provider("jwt", "JSON Web Token", "ACCESS_TOKEN",
             "Rotate the signing secret or revoke the session"),
    Provider("generic_password", "Password", "DB_PASSWORD",
             "Change the password at its source (database, SMTP, ...)"),
    Provider("connection_string", "Connection string", "DATABASE_URL",
             "Rotate the database or broker user's password"),
)

PROVIDERS: dict[str, Provider] = {p.id: p for p in _PROVIDERS}

_B62 = "A-Za-z0-9"
_B64URL = "A-Za-z0-9_-"
_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ALNUM = _LETTERS + b"0123456789"


def _r(rule_id: str, provider: str, secret_type: str, pattern: str, *,
       env_var: str | None = None, context: bool = False, **kw: object) -> Rule:
    p = PROVIDERS[provider]
    return Rule(
        id=rule_id, provider=provider, secret_type=secret_type, pattern=pattern,
        env_var=env_var or p.env_var, rotate_url=p.rotate_url,
        needs_context=context, context=p.context if context else (), **kw,  # type: ignore[arg-type]
    )


RULES: tuple[Rule, ...] = (
    # ---- AI and ML platforms
    _r("openai-project-key", "openai", "OpenAI Project Key",
       rf"sk-proj-[{_B64URL}]{{58,74}}T3BlbkFJ[{_B64URL}]{{58,74}}", keywords=("sk-proj-",)),
    _r("openai-service-account-key", "openai", "OpenAI Service Account Key",
       rf"sk-svcacct-[{_B64URL}]{{58,74}}T3BlbkFJ[{_B64URL}]{{58,74}}", keywords=("sk-svcacct-",)),
    _r("openai-admin-key", "openai", "OpenAI Admin Key",
       rf"sk-admin-[{_B64URL}]{{58}}T3BlbkFJ[{_B64URL}]{{58}}", keywords=("sk-admin-",),
       env_var="OPENAI_ADMIN_KEY"),
    _r("openai-legacy-user-key", "openai", "OpenAI API Key",
       rf"sk-[{_B62}]{{20}}(?:T3BlbkFJ|9wZW5BS|PcGVuQU)[{_B62}]{{20}}", keywords=("sk-",)),
    _r("anthropic-api-key", "anthropic", "Anthropic API Key",
       rf"sk-ant-api0[1-4]-[{_B64URL}]{{93}}AA", keywords=("sk-ant-",)),
    _r("anthropic-admin-key", "anthropic", "Anthropic Admin Key",
       rf"sk-ant-admin0[1-4]-[{_B64URL}]{{93}}AA", keywords=("sk-ant-",),
       env_var="ANTHROPIC_ADMIN_KEY"),
    _r("openrouter-api-key", "openrouter", "OpenRouter API Key", r"sk-or-v1-[a-f0-9]{64}",
       keywords=("sk-or-v1-",)),
    _r("google-api-key", "google", "Google API Key", rf"AIza[{_B64URL}]{{35}}", keywords=("AIza",),
       min_entropy=3.5),
    _r("azure-ai-services-key-84", "azure_openai", "Azure AI Services Key",
       r"[A-Za-z0-9]{52}JQQJ99[A-Z][A-L]AC[A-Za-z0-9]{5}XJ3w3AAA[A-Z][A-Z]{4}[A-Za-z0-9]{4}",
       keywords=("JQQJ99",),
       scan_pattern=r"JQQJ99[A-Z][A-L]AC[A-Za-z0-9]{5}XJ3w3AAA[A-Z]{5}[A-Za-z0-9]{4}",
       extend_back=52, back_chars=_ALNUM),
    _r("groq-api-key", "groq", "Groq API Key", rf"gsk_[{_B62}]{{20}}WGdyb3FY[{_B62}]{{24}}",
       keywords=("gsk_",)),
    _r("huggingface-user-token", "huggingface", "Hugging Face Token", r"hf_[A-Za-z]{34}",
       keywords=("hf_",), min_entropy=3.8),
    _r("huggingface-org-token", "huggingface", "Hugging Face Org Token", r"api_org_[A-Za-z]{34}",
       keywords=("api_org_",), min_entropy=3.8),
    _r("replicate-api-token", "replicate", "Replicate API Token", rf"r8_[{_B62}]{{37}}",
       keywords=("r8_",), min_entropy=3.8),
    _r("together-api-key-v1", "together", "Together AI API Key", rf"tgp_v1_[{_B64URL}]{{43}}",
       keywords=("tgp_v1_",)),
    _r("perplexity-api-key", "perplexity", "Perplexity API Key", rf"pplx-[{_B62}]{{48}}",
       keywords=("pplx-",), min_entropy=4.0),
    _r("xai-api-key", "xai", "xAI API Key", rf"xai-[{_B62}]{{80}}", keywords=("xai-",),
       min_entropy=4.5),
    _r("fireworks-api-key", "fireworks", "Fireworks AI API Key", rf"fw_[{_B62}]{{24}}",
       keywords=("fw_",), min_entropy=3.7, validator="mixed_alnum"),
    _r("langsmith-api-key", "langsmith", "LangSmith API Key",
       r"lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}", keywords=("lsv2_",)),
    _r("pinecone-api-key", "pinecone", "Pinecone API Key", rf"pcsk_[{_B62}]{{5,6}}_[{_B62}]{{63}}",
       keywords=("pcsk_",)),
    _r("elevenlabs-api-key", "elevenlabs", "ElevenLabs API Key", r"sk_[a-f0-9]{48}",
       keywords=("sk_",)),
    _r("voyage-api-key", "voyage", "Voyage AI API Key", rf"pa-[{_B64URL}]{{43}}",
       keywords=("pa-",), min_entropy=4.0, validator="mixed_alnum"),
    _r("tavily-api-key", "tavily", "Tavily API Key", rf"tvly-(?:dev-|prod-)?[{_B62}]{{32}}",
       keywords=("tvly-",), min_entropy=3.8),
    _r("cerebras-api-key", "cerebras", "Cerebras API Key", r"csk[-_][a-z0-9]{48}",
       keywords=("csk-", "csk_"), min_entropy=3.8),
    _r("nvidia-api-key", "nvidia", "NVIDIA API Key", rf"nvapi-[{_B64URL}]{{64}}",
       keywords=("nvapi-",)),
    _r("wandb-api-key-v1", "wandb", "Weights & Biases API Key",
       rf"wandb_v1_[{_B62}]{{27}}_[{_B62}]{{49}}", keywords=("wandb_v1_",)),
    # ---- Cloud
    _r("aws-access-key-id", "aws", "AWS Access Key", r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}",
       keywords=("AKIA", "ASIA", "ABIA", "ACCA"), validator="not_documented_example"),
    _r("digitalocean-token", "digitalocean", "DigitalOcean Token", r"do[opr]_v1_[a-f0-9]{64}",
       keywords=("dop_v1_", "doo_v1_", "dor_v1_")),
    _r("databricks-pat", "databricks", "Databricks Token", r"dapi[a-f0-9]{32}(?:-[0-9])?",
       keywords=("dapi",), min_entropy=3.0),
    _r("dynatrace-api-token", "dynatrace", "Dynatrace API Token",
       r"dt0[a-z][0-9]{2}\.[A-Z0-9]{24}\.[A-Z0-9]{64}", keywords=("dt0",), min_entropy=3.5),
    # ---- Developer tools and registries
    _r("doppler-token", "doppler", "Doppler Token",
       rf"dp\.(?:ct|pt|sa|said|scim|audit|st(?:\.[a-z0-9_-]{{2,35}})?)\.[{_B62}]{{40,44}}",
       keywords=("dp.ct.", "dp.pt.", "dp.st.", "dp.sa.", "dp.said.", "dp.scim.", "dp.audit."),
       min_entropy=3.8),
    _r("sentry-user-token", "sentry", "Sentry User Auth Token", r"sntryu_[a-f0-9]{64}",
       keywords=("sntryu_",), min_entropy=3.3),
    _r("sentry-org-token", "sentry", "Sentry Org Auth Token",
       r"sntrys_eyJ[A-Za-z0-9+/]{20,400}={0,2}_[A-Za-z0-9+/]{43}", keywords=("sntrys_",),
       validator="sentry_org_token"),
    _r("github-token", "github", "GitHub Token", rf"gh[pousr]_[{_B62}]{{36}}",
       keywords=("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), checksum="crc32_base62"),
    _r("github-fine-grained-pat", "github", "GitHub Fine-Grained Token",
       rf"github_pat_[{_B62}]{{22}}_[{_B62}]{{59}}", keywords=("github_pat_",)),
    _r("gitlab-pat-routable", "gitlab", "GitLab Token",
       rf"glpat-[{_B64URL}]{{27,300}}\.01\.[0-9a-z]{{9}}", keywords=("glpat-",)),
    _r("gitlab-pat", "gitlab", "GitLab Token", rf"glpat-[{_B64URL}]{{20}}", keywords=("glpat-",),
       min_entropy=3.3),
    _r("gitlab-other-token", "gitlab", "GitLab Token",
       rf"gl(?:dt|rt|cbt|ptt|ft|imt|agent|oas|soat|ffct)-[{_B64URL}]{{20,64}}",
       keywords=("gldt-", "glrt-", "glcbt-", "glptt-", "glft-", "glimt-", "glagent-", "gloas-",
                 "glsoat-", "glffct-"), min_entropy=3.3),
    _r("npm-access-token", "npm", "npm Token", rf"npm_[{_B62}]{{36}}", keywords=("npm_",),
       checksum="crc32_base62"),
    _r("pypi-api-token", "pypi", "PyPI Upload Token",
       rf"pypi-Ag(?:EIcHlwaS5vcmc|ENdGVzdC5weXBpLm9yZw)[{_B64URL}]{{50,}}", keywords=("pypi-Ag",)),
    # ---- Messaging and email
    _r("slack-bot-token", "slack", "Slack Token",
       r"xox[bp]-[0-9]{10,13}-[0-9]{10,13}(?:-[0-9]{10,13})?-[A-Za-z0-9]{24,34}",
       keywords=("xoxb-", "xoxp-")),
    _r("slack-webhook-url", "slack", "Slack Webhook",
       r"https://hooks\.slack\.com/services/T[A-Z0-9]{8,10}/B[A-Z0-9]{8,10}/[A-Za-z0-9]{24}",
       keywords=("hooks.slack.com",), env_var="SLACK_WEBHOOK_URL"),
    _r("slack-app-token", "slack", "Slack Token", r"xapp-[0-9]-[A-Z0-9]{8,12}-[0-9]{10,13}-[a-f0-9]{64}",
       keywords=("xapp-",), env_var="SLACK_APP_TOKEN"),
    _r("sendgrid-api-key", "sendgrid", "SendGrid API Key",
       rf"SG\.[{_B64URL}]{{22}}\.[{_B64URL}]{{43}}", keywords=("SG.",)),
    _r("discord-bot-token", "discord", "Discord Bot Token",
       rf"[MNO][{_B64URL}]{{23,27}}\.[{_B64URL}]{{6}}\.[{_B64URL}]{{27,38}}",
       keywords=("discord",), validator="discord_id",
       scan_pattern=rf"\.[{_B64URL}]{{6}}\.[{_B64URL}]{{27,38}}", extend_back=27,
       back_chars=_ALNUM + b"_-"),
    _r("telegram-bot-token", "telegram", "Telegram Bot Token", rf"[0-9]{{8,10}}:AA[{_B64URL}]{{33}}",
       keywords=(":AA",), scan_pattern=rf":AA[{_B64URL}]{{6}}", extend_back=10,
       back_chars=b"0123456789"),
    # ---- Payments and commerce
    _r("stripe-secret-key", "stripe", "Stripe Access Key", rf"[sr]k_live_[{_B62}]{{24,99}}",
       keywords=("sk_live_", "rk_live_")),
    _r("shopify-token", "shopify", "Shopify Token", r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}",
       keywords=("shpat_", "shpca_", "shppa_", "shpss_")),
    # ---- Key material and generic credentials
    _r("private-key", "private_key", "Private Key",
       r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----",
       keywords=("-----BEGIN",), validator="pem_block"),
    _r("age-secret-key", "age", "age Secret Key",
       r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}", keywords=("AGE-SECRET-KEY-1",),
       checksum="bech32"),
    _r("jwt", "jwt", "JSON Web Token",
       rf"eyJ[{_B64URL}]{{10,}}\.eyJ[{_B64URL}]{{10,}}\.[{_B64URL}]{{43,}}", keywords=("eyJ",),
       validator="jwt", generic=True),
    _r("connection-string", "connection_string", "Basic Auth Credentials",
       r"[a-zA-Z][a-zA-Z0-9+.-]{1,20}://[^:@/\s\"'`<>{}$]{1,64}:(?P<secret>[^@/\s\"'`<>]{6,128})@"
       r"[A-Za-z0-9.\-_\[\]]{2,}", keywords=("://",), validator="url_password", generic=True,
       scan_pattern=r"://[^:@/\s\"'`<>{}$]+:[^@/\s\"'`<>]{6,}@[A-Za-z0-9.\-_\[\]]{2,}",
       extend_back=21, back_chars=_ALNUM + b"+.-"),
    _r("password-assignment", "generic_password", "Secret Keyword",
       r"(?i:pass(?:word|wd|phrase)?|pwd|secret)(?:[_A-Z0-9][A-Za-z0-9_]{0,23})?"
       r"(?<![_-][Ii][Dd])(?<![a-z]I[Dd])(?<![Aa][Rr][Nn])(?<![Nn]ame)[\"'`\]]{0,2}"
       r"(?:[ \t]{0,4}(?::=|=>|[:=])[ \t]{0,4}(?:[bru]?[\"'`])?|[ \t]{1,4}is[ \t]{1,4}[\"'`])"
       r"(?P<secret>[^\s\"'`,;]{8,400})",
       keywords=("pass", "pwd", "secret"), validator="password_value", generic=True,
       boundary=_LETTERS + b":", camel_start=True,
       scan_pattern=r"(?i:pass(?:word|wd|phrase)?|pwd|secret)(?:[_A-Z0-9][A-Za-z0-9_]*)?[\"'`\]]{0,2}"
       r"(?:[ \t]*(?::=|=>|[:=])[ \t]*(?:[bru]?[\"'`])?|[ \t]+is[ \t]+[\"'`])[^\s\"'`,;]{8,}"),
    # ---- Bare shapes: only with the provider named nearby (same line or up to two lines above)
    _r("aws-secret-access-key", "aws", "AWS Secret Access Key", r"[A-Za-z0-9/+]{40}",
       env_var="AWS_SECRET_ACCESS_KEY", context=True, min_entropy=4.0,
       boundary=_ALNUM + b"_-/+", right_boundary=b"=", validator="aws_secret"),
    _r("stability-api-key", "stability", "Stability AI API Key", rf"sk-[{_B62}]{{48}}",
       context=True, min_entropy=4.0),
    _r("deepseek-api-key", "deepseek", "DeepSeek API Key", r"sk-[a-f0-9]{32}", context=True,
       min_entropy=3.2),
    _r("twilio-api-key-sid", "twilio", "Twilio API Key", r"SK[a-f0-9]{32}", context=True,
       env_var="TWILIO_API_KEY", min_entropy=3.2),
    _r("cohere-api-key", "cohere", "Cohere API Key", rf"[{_B62}]{{40}}", context=True,
       min_entropy=4.2, validator="mixed_alnum"),
    _r("wandb-api-key-legacy", "wandb", "Weights & Biases API Key", r"[a-f0-9]{40}",
       context=True, min_entropy=3.3),
    _r("deepgram-api-key", "deepgram", "Deepgram API Key", r"[a-f0-9]{40}", context=True,
       min_entropy=3.3),
    _r("together-api-key-legacy", "together", "Together AI API Key", r"[a-f0-9]{64}",
       context=True, min_entropy=3.5),
    _r("pinecone-legacy-key", "pinecone", "Pinecone API Key",
       r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", context=True),
    _r("azure-openai-key", "azure_openai", "Azure OpenAI Key", r"[a-f0-9]{32}", context=True,
       min_entropy=3.2),
    _r("elevenlabs-legacy-key", "elevenlabs", "ElevenLabs API Key", r"[a-f0-9]{32}",
       context=True, min_entropy=3.2),
    _r("assemblyai-api-key", "assemblyai", "AssemblyAI API Key", r"[a-f0-9]{32}", context=True,
       min_entropy=3.2),
    _r("twilio-auth-token", "twilio", "Twilio Auth Token", r"[a-f0-9]{32}", context=True,
       min_entropy=3.2),
    _r("mistral-api-key", "mistral", "Mistral AI API Key", rf"[{_B62}]{{32}}", context=True,
       min_entropy=4.0, validator="mixed_alnum"),
    _r("twilio-api-key-secret", "twilio", "Twilio API Secret", rf"[{_B62}]{{32}}", context=True,
       env_var="TWILIO_API_SECRET", min_entropy=4.0, validator="mixed_alnum"),
)

RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}
