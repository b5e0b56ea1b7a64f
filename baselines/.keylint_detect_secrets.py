"""detect-secrets plugins for keylint's rules (written by `keylint baseline`: commit it).

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
        ('AgeSecretKeyDetector', 'age Secret Key'),
        ('AnthropicAdminKeyDetector', 'Anthropic Admin Key'),
        ('AnthropicApiKeyDetector', 'Anthropic API Key'),
        ('AssemblyaiApiKeyDetector', 'AssemblyAI API Key'),
        ('AwsSecretAccessKeyDetector', 'AWS Secret Access Key'),
        ('AzureAiServicesKeyDetector', 'Azure AI Services Key'),
        ('AzureOpenaiKeyDetector', 'Azure OpenAI Key'),
        ('CerebrasApiKeyDetector', 'Cerebras API Key'),
        ('CohereApiKeyDetector', 'Cohere API Key'),
        ('DatabricksTokenDetector', 'Databricks Token'),
        ('DeepgramApiKeyDetector', 'Deepgram API Key'),
        ('DeepseekApiKeyDetector', 'DeepSeek API Key'),
        ('DigitaloceanTokenDetector', 'DigitalOcean Token'),
        ('DopplerTokenDetector', 'Doppler Token'),
        ('DuffelAccessTokenDetector', 'Duffel Access Token'),
        ('DynatraceApiTokenDetector', 'Dynatrace API Token'),
        ('ElevenlabsApiKeyDetector', 'ElevenLabs API Key'),
        ('FireworksAiApiKeyDetector', 'Fireworks AI API Key'),
        ('GithubFineGrainedTokenDetector', 'GitHub Fine-Grained Token'),
        ('GoogleApiKeyDetector', 'Google API Key'),
        ('GrafanaServiceAccountTokenDetector', 'Grafana Service Account Token'),
        ('GroqApiKeyDetector', 'Groq API Key'),
        ('HuggingFaceOrgTokenDetector', 'Hugging Face Org Token'),
        ('HuggingFaceTokenDetector', 'Hugging Face Token'),
        ('LangsmithApiKeyDetector', 'LangSmith API Key'),
        ('LinearApiKeyDetector', 'Linear API Key'),
        ('MistralAiApiKeyDetector', 'Mistral AI API Key'),
        ('NpmTokenDetector', 'npm Token'),
        ('NvidiaApiKeyDetector', 'NVIDIA API Key'),
        ('OpenaiAdminKeyDetector', 'OpenAI Admin Key'),
        ('OpenaiApiKeyDetector', 'OpenAI API Key'),
        ('OpenaiProjectKeyDetector', 'OpenAI Project Key'),
        ('OpenaiServiceAccountKeyDetector', 'OpenAI Service Account Key'),
        ('OpenrouterApiKeyDetector', 'OpenRouter API Key'),
        ('PerplexityApiKeyDetector', 'Perplexity API Key'),
        ('PineconeApiKeyDetector', 'Pinecone API Key'),
        ('PostmanApiKeyDetector', 'Postman API Key'),
        ('PulumiAccessTokenDetector', 'Pulumi Access Token'),
        ('PypiUploadTokenDetector', 'PyPI Upload Token'),
        ('ReplicateApiTokenDetector', 'Replicate API Token'),
        ('RubygemsApiKeyDetector', 'RubyGems API Key'),
        ('SentryOrgAuthTokenDetector', 'Sentry Org Auth Token'),
        ('SentryUserAuthTokenDetector', 'Sentry User Auth Token'),
        ('ShippoApiTokenDetector', 'Shippo API Token'),
        ('ShopifyTokenDetector', 'Shopify Token'),
        ('SlackWebhookDetector', 'Slack Webhook'),
        ('SquareAccessTokenDetector', 'Square Access Token'),
        ('SquareApplicationSecretDetector', 'Square Application Secret'),
        ('StabilityAiApiKeyDetector', 'Stability AI API Key'),
        ('TavilyApiKeyDetector', 'Tavily API Key'),
        ('TogetherAiApiKeyDetector', 'Together AI API Key'),
        ('TwilioApiSecretDetector', 'Twilio API Secret'),
        ('TwilioAuthTokenDetector', 'Twilio Auth Token'),
        ('VoyageAiApiKeyDetector', 'Voyage AI API Key'),
        ('WeightsBiasesApiKeyDetector', 'Weights & Biases API Key'),
        ('XaiApiKeyDetector', 'xAI API Key'),
    ]:
        globals()[_name] = type(_name, (_Base,), {"secret_type": _type, "denylist": ()})
