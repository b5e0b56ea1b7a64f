"""Productivity and collaboration: project management, documents, CRM and other business SaaS.

`PROVIDERS` and `RULES` (prefixed shapes) and `BARE` (shapes that need the provider named nearby)
are assembled by keylint/rules/table.py. Rule ids and secret types are written into baselines:
never rename them.

Client *ids* (Adobe, Asana, Bitbucket, LinkedIn, Looker, ...) are identifiers, not secrets: they
have no rule here (gitleaks reports them), and the detector drops bare values under an `id` label.
"""

from __future__ import annotations

from keylint.rules.build import ALNUM, B62, B64URL, in_category, rule_maker
from keylint.rules.model import Provider, Rule

_UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_UUID_ANY_CASE = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

PROVIDERS: tuple[Provider, ...] = in_category(
    "Productivity and collaboration",
    Provider("linear", "Linear", "LINEAR_API_KEY",
             "https://linear.app/settings/account/security (Personal API keys: revoke)",
             ("linear_client_secret", "linear_oauth_client_secret")),
    Provider("adafruit", "Adafruit IO", "ADAFRUIT_IO_KEY",
             "https://io.adafruit.com (My Key > Regenerate Key)", ("adafruit", "aio_key")),
    Provider("adobe", "Adobe Developer", "ADOBE_CLIENT_SECRET",
             "https://developer.adobe.com/console (project > credentials > Retire client secret)"),
    Provider("airtable", "Airtable", "AIRTABLE_API_KEY", "https://airtable.com/create/tokens",
             ("airtable",)),
    Provider("asana", "Asana", "ASANA_ACCESS_TOKEN",
             "https://app.asana.com/0/my-apps (Personal access tokens / app: Reset client secret)",
             ("asana",)),
    Provider("atlassian", "Atlassian (Jira, Confluence)", "ATLASSIAN_API_TOKEN",
             "https://id.atlassian.com/manage-profile/security/api-tokens (Revoke)",
             ("atlassian", "jira", "confluence")),
    Provider("bitbucket", "Bitbucket", "BITBUCKET_APP_PASSWORD",
             "https://bitbucket.org/account/settings/app-passwords/ (Revoke); OAuth consumers: "
             "workspace settings > OAuth consumers", ("bitbucket",)),
    Provider("beamer", "Beamer", "BEAMER_API_KEY", "https://app.getbeamer.com/settings#api",
             ("beamer",)),
    Provider("meraki", "Cisco Meraki", "MERAKI_DASHBOARD_API_KEY",
             "https://dashboard.meraki.com (My profile > API access > Revoke)", ("meraki",)),
    Provider("dropbox", "Dropbox", "DROPBOX_ACCESS_TOKEN",
             "https://www.dropbox.com/developers/apps (app > Generated access token / "
             "Connected apps: disconnect)", ("dropbox",)),
    Provider("hubspot", "HubSpot", "HUBSPOT_ACCESS_TOKEN",
             "HubSpot > Settings > Integrations > Private Apps > Auth > Rotate",
             ("hubspot", "hapikey")),
    Provider("intra42", "42 Intra", "FT_CLIENT_SECRET",
             "https://profile.intra.42.fr/oauth/applications (Replace secret)"),
    Provider("launchdarkly", "LaunchDarkly", "LAUNCHDARKLY_SDK_KEY",
             "LaunchDarkly > Account settings > Projects > environment > Reset SDK key; "
             "API access tokens: Authorization > Access tokens",
             ("launchdarkly", "ldclient", "ld_sdk_key", "ld_api_key", "ld_access_token")),
    Provider("looker", "Looker", "LOOKERSDK_CLIENT_SECRET",
             "Looker > Admin > Users > Edit > API keys (delete and create)", ("looker",)),
    Provider("maxmind", "MaxMind", "MAXMIND_LICENSE_KEY",
             "https://www.maxmind.com/en/accounts/current/license-key", ("maxmind", "geoip")),
    Provider("notion", "Notion", "NOTION_TOKEN",
             "https://www.notion.so/profile/integrations (integration > Refresh secret)",
             ("notion",)),
    Provider("rapidapi", "RapidAPI", "RAPIDAPI_KEY",
             "https://rapidapi.com/developer/apps (app > Authorization > Rotate)",
             ("rapidapi",)),
    Provider("sidekiq", "Sidekiq Pro/Enterprise", "BUNDLE_GEMS__CONTRIBSYS__COM",
             "Ask Contributed Systems (support@contribsys.com) to reset the license credentials",
             ("bundle_enterprise__contribsys__com", "bundle_gems__contribsys__com")),
    Provider("squarespace", "Squarespace", "SQUARESPACE_API_KEY",
             "Squarespace > Settings > Developer API keys (Revoke)", ("squarespace",)),
    Provider("typeform", "Typeform", "TYPEFORM_TOKEN",
             "https://admin.typeform.com/account#/section/tokens"),
    Provider("zendesk", "Zendesk", "ZENDESK_API_TOKEN",
             "Zendesk Admin Center > Apps and integrations > APIs > Zendesk API (delete token)",
             ("zendesk",)),
    Provider("mapbox", "Mapbox", "MAPBOX_ACCESS_TOKEN", "https://account.mapbox.com/access-tokens/"),
)

_r = rule_maker(PROVIDERS)

RULES: tuple[Rule, ...] = (
    _r("linear-api-key", "linear", "Linear API Key", rf"lin_api_[{B62}]{{40}}",
       keywords=("lin_api_",), min_entropy=3.8, validator="mixed_alnum"),
    # Adafruit IO keys since 2019: `aio_` + 28 base62.
    _r("adafruit-io-key", "adafruit", "Adafruit IO Key", rf"aio_[{B62}]{{28}}",
       keywords=("aio_",), min_entropy=3.8, validator="mixed_alnum"),
    _r("adobe-client-secret", "adobe", "Adobe Client Secret", rf"p8e-[{B62}]{{32}}",
       keywords=("p8e-",), min_entropy=3.8, validator="mixed_alnum"),
    # The scan stops at the dot: `pat` + 14 alone is every `pattern...` in source code.
    _r("airtable-pat", "airtable", "Airtable Personal Access Token",
       rf"pat[{B62}]{{14}}\.[a-f0-9]{{64}}", keywords=("pat",),
       scan_pattern=rf"pat[{B62}]{{14}}\.[a-f0-9]{{6}}"),
    # `<version>/<user gid>[/<token gid>]:<32 hex>`: versions 0-2 have been issued.
    _r("asana-pat", "asana", "Asana Personal Access Token",
       r"[0-2]/[0-9]{10,19}(?:/[0-9]{10,19})?:[a-f0-9]{32}", keywords=("asana",),
       min_entropy=3.0,
       # The scan starts at the ten digits before the `:` and the hex: a trigger on `0/`..`2/`
       # + digits ran at every number in source code (a third of the SaaS rules' scan cost on
       # the stdlib), and one on a single digit before the `:` at every `sha256:<hex>` digest
       # (lock files, container and CI logs: `keylint redact` ran 7x slower on a build log).
       scan_pattern=r"[0-9]{10}:[a-f0-9]{32}", extend_back=41, back_chars=b"0123456789/"),
    _r("atlassian-api-token", "atlassian", "Atlassian API Token", r"ATATT3[A-Za-z0-9_=-]{186}",
       keywords=("ATATT3",), min_entropy=4.5),
    _r("bitbucket-app-password", "bitbucket", "Bitbucket App Password", rf"ATBB[{B62}]{{32}}",
       keywords=("ATBB",), min_entropy=4.0, validator="mixed_alnum", env_var="BITBUCKET_APP_PASSWORD"),
    _r("hubspot-private-app-token", "hubspot", "HubSpot Access Token",
       rf"pat-(?:na|eu|ap)[0-9]-{_UUID}", keywords=("pat-na", "pat-eu", "pat-ap")),
    _r("intra42-client-secret", "intra42", "42 Intra Client Secret",
       r"s-s4t2(?:ud|af)-[a-f0-9]{64}", keywords=("s-s4t2ud-", "s-s4t2af-"), min_entropy=3.5),
    _r("maxmind-license-key", "maxmind", "MaxMind License Key", rf"[{B62}]{{6}}_[{B62}]{{29}}_mmk",
       keywords=("_mmk",), min_entropy=4.0,
       # The scan looks for the `_mmk` suffix only: a trigger at every `_` cost more than all
       # the other new rules together.
       scan_pattern=r"_mmk", extend_back=36, back_chars=ALNUM + b"_"),
    _r("notion-integration-token", "notion", "Notion Integration Token", rf"ntn_[0-9]{{11}}[{B62}]{{35}}",
       keywords=("ntn_",), min_entropy=4.0),
    _r("sidekiq-license-url", "sidekiq", "Sidekiq License Credentials",
       r"https?://(?P<secret>[a-f0-9]{8}:[a-f0-9]{8})@(?:gems|enterprise)\.contribsys\.com",
       keywords=("contribsys.com",),
       # The whole URL, host included: a shorter trigger at `https://` would stand in front of
       # the generic URL-credentials rule at the same place.
       scan_pattern=r"https?://[a-f0-9]{8}:[a-f0-9]{8}@(?:gems|enterprise)\.contribsys\.com"),
    _r("typeform-token", "typeform", "Typeform Personal Access Token", r"tfp_[A-Za-z0-9_.=-]{59}",
       keywords=("tfp_",), min_entropy=4.0),
    # Secret tokens are `sk.` + a base64url JSON header naming the user + `.` + 22 chars;
    # `pk.` tokens are public by design (they ship to browsers) and `tk.` expire within the hour.
    _r("mapbox-secret-token", "mapbox", "Mapbox Secret Token",
       rf"sk\.eyJ[{B64URL}]{{20,400}}\.[{B64URL}]{{22}}", keywords=("sk.eyJ",)),
)

# Bare shapes: only with the provider named nearby (same line or up to two lines above).
BARE: tuple[Rule, ...] = (
    _r("linear-client-secret", "linear", "Linear Client Secret", r"[a-f0-9]{32}", context=True,
       min_entropy=3.3, env_var="LINEAR_CLIENT_SECRET"),
    _r("adafruit-io-key-legacy", "adafruit", "Adafruit IO Key", r"[a-f0-9]{32}", context=True,
       min_entropy=3.3),
    _r("airtable-api-key-legacy", "airtable", "Airtable API Key", rf"key[{B62}]{{14}}",
       context=True, min_entropy=3.5, validator="random_alnum"),
    _r("asana-client-secret", "asana", "Asana Client Secret", r"[a-z0-9]{32}", context=True,
       min_entropy=3.5, env_var="ASANA_CLIENT_SECRET", validator="random_alnum"),
    _r("atlassian-api-token-legacy", "atlassian", "Atlassian API Token", rf"[{B62}]{{24}}",
       context=True, min_entropy=3.8, validator="random_alnum"),
    _r("bitbucket-client-secret", "bitbucket", "Bitbucket OAuth Consumer Secret", rf"[{B62}]{{32}}",
       context=True, min_entropy=4.0, validator="random_alnum", env_var="BITBUCKET_CLIENT_SECRET"),
    _r("beamer-api-key", "beamer", "Beamer API Key", r"b_[A-Za-z0-9_=-]{44}", context=True,
       min_entropy=4.0, validator="random_alnum"),
    _r("meraki-api-key", "meraki", "Cisco Meraki API Key", r"[a-f0-9]{40}", context=True,
       min_entropy=3.3),
    # Long-lived tokens hold ten `A`s after an 11-character account part: the secret reported
    # is the random tail (a run of `A` is what placeholders look like).
    _r("dropbox-long-lived-token", "dropbox", "Dropbox Access Token",
       rf"[{B62}]{{11}}AAAAAAAAAA(?P<secret>[{B64URL}]{{43}})", context=True, min_entropy=4.0),
    _r("dropbox-short-lived-token", "dropbox", "Dropbox Access Token",
       rf"sl\.(?:u\.)?[{B64URL}]{{130,1400}}", context=True, min_entropy=4.5),
    _r("hubspot-api-key-legacy", "hubspot", "HubSpot API Key", _UUID_ANY_CASE, context=True,
       env_var="HUBSPOT_API_KEY"),
    _r("launchdarkly-sdk-key", "launchdarkly", "LaunchDarkly SDK Key", rf"sdk-{_UUID}", context=True),
    _r("launchdarkly-access-token", "launchdarkly", "LaunchDarkly Access Token", rf"api-{_UUID}",
       context=True, env_var="LAUNCHDARKLY_ACCESS_TOKEN"),
    _r("looker-client-secret", "looker", "Looker Client Secret", rf"[{B62}]{{24}}", context=True,
       min_entropy=3.8, validator="random_alnum"),
    _r("notion-integration-token-legacy", "notion", "Notion Integration Token",
       rf"secret_[{B62}]{{43}}", context=True, min_entropy=4.0),
    _r("rapidapi-key", "rapidapi", "RapidAPI Key", rf"[{B64URL}]{{50}}", context=True,
       min_entropy=3.8, validator="random_alnum"),
    _r("sidekiq-license-credentials", "sidekiq", "Sidekiq License Credentials",
       r"[a-f0-9]{8}:[a-f0-9]{8}", context=True, min_entropy=2.8),
    _r("squarespace-api-key", "squarespace", "Squarespace API Key", _UUID, context=True),
    _r("zendesk-api-token", "zendesk", "Zendesk API Token", rf"[{B62}]{{40}}", context=True,
       min_entropy=4.0, validator="random_alnum"),
)
