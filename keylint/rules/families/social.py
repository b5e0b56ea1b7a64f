"""Social and media: social networks, media and content APIs.

`PROVIDERS` and `RULES` (prefixed shapes) and `BARE` (shapes that need the provider named nearby)
are assembled by keylint/rules/table.py. Rule ids and secret types are written into baselines:
never rename them.
"""

from __future__ import annotations

from keylint.rules.build import B62, B64URL, in_category, rule_maker
from keylint.rules.model import Provider, Rule

# Facebook and Square (payments) tokens both start `EAA`: one shared trigger, tried in table
# order (Square's exact 64 first, then Facebook's 100+).
_EAA = rf"EAA[A-Z][{B64URL}]{{6}}"

PROVIDERS: tuple[Provider, ...] = in_category(
    "Social and media",
    Provider("facebook", "Facebook (Meta)", "FACEBOOK_ACCESS_TOKEN",
             "https://developers.facebook.com/apps (app > Settings > Basic > Reset app secret; "
             "tokens: Access Token Tool > Invalidate)", ("facebook", "fb_app_secret", "graph.facebook.com")),
    Provider("twitter", "X (Twitter)", "TWITTER_API_SECRET",
             "https://developer.x.com/en/portal/projects-and-apps (Keys and tokens > Regenerate)",
             ("twitter", "tweepy")),
    Provider("linkedin", "LinkedIn", "LINKEDIN_CLIENT_SECRET",
             "https://www.linkedin.com/developers/apps (app > Auth > Generate a new client secret)",
             ("linkedin", "linked_in")),
    Provider("twitch", "Twitch", "TWITCH_CLIENT_SECRET",
             "https://dev.twitch.tv/console/apps (Manage > New Secret)", ("twitch",)),
    Provider("contentful", "Contentful", "CONTENTFUL_MANAGEMENT_TOKEN",
             "Contentful > Settings > CMA tokens / API keys (Revoke)", ("contentful",)),
    Provider("frameio", "Frame.io", "FRAMEIO_TOKEN", "https://developer.frame.io/app/tokens (Delete)"),
    Provider("flickr", "Flickr", "FLICKR_API_SECRET", "https://www.flickr.com/services/apps/by/me",
             ("flickr",)),
    Provider("nytimes", "New York Times", "NYTIMES_API_KEY", "https://developer.nytimes.com/my-apps",
             ("nytimes", "newyorktimes", "new-york-times")),
)

_r = rule_maker(PROVIDERS)

RULES: tuple[Rule, ...] = (
    # User and page access tokens: `EAA` + a letter naming the app family + 100 or more.
    _r("facebook-access-token", "facebook", "Facebook Access Token", rf"EAA[A-Z][{B62}]{{100,400}}",
       keywords=("EAA",), scan_pattern=_EAA, min_entropy=4.5),
    # Client secrets issued since 2023: `WPL_AP1.` + 16 + `.` + base64 of 4 bytes.
    _r("linkedin-client-secret", "linkedin", "LinkedIn Client Secret",
       rf"WPL_AP1\.[{B62}]{{16}}\.[A-Za-z0-9+/]{{6}}==", keywords=("WPL_AP1.",), min_entropy=3.5),
    _r("contentful-pat", "contentful", "Contentful Personal Access Token", rf"CFPAT-[{B64URL}]{{43}}",
       keywords=("CFPAT-",), min_entropy=4.0),
    _r("frameio-token", "frameio", "Frame.io API Token", r"fio-u-[A-Za-z0-9_=-]{64}",
       keywords=("fio-u-",), min_entropy=4.0),
    # App-only bearer tokens: the base64 of 24 bytes (zeros, then the app id: 21 `A`s and 11
    # more), the base64 of 20 bytes with its `=` (usually percent-encoded, `%2B`/`%2F`/`%3D`),
    # then a random alphanumeric tail (42 to 50 seen).
    _r("twitter-bearer-token", "twitter", "Twitter Bearer Token",
       rf"A{{21}}[{B62}]{{11}}(?:[{B62}+/]|%2[BFbf]){{27}}(?:=|%3[Dd])[{B62}]{{30,80}}",
       keywords=("A" * 21,), scan_pattern=rf"A{{21}}[{B62}]{{11}}", validator="twitter_bearer",
       env_var="TWITTER_BEARER_TOKEN"),
)

# Bare shapes: only with the provider named nearby (same line or up to two lines above).
BARE: tuple[Rule, ...] = (
    # App access tokens are `<app id>|<app secret or signature>`.
    _r("facebook-app-access-token", "facebook", "Facebook Access Token",
       rf"[0-9]{{15,16}}(?:\||%7C)[{B64URL}]{{27,40}}", context=True, min_entropy=3.5),
    _r("facebook-app-secret", "facebook", "Facebook App Secret", r"[a-f0-9]{32}", context=True,
       min_entropy=3.3, env_var="FACEBOOK_APP_SECRET"),
    _r("twitter-access-token", "twitter", "Twitter Access Token", rf"[0-9]{{15,25}}-[{B62}]{{20,40}}",
       context=True, min_entropy=3.5, env_var="TWITTER_ACCESS_TOKEN"),
    _r("twitter-api-secret", "twitter", "Twitter API Secret", rf"[{B62}]{{50}}", context=True,
       min_entropy=4.2, validator="random_alnum"),
    _r("twitter-access-token-secret", "twitter", "Twitter Access Token Secret", rf"[{B62}]{{45}}",
       context=True, min_entropy=4.2, validator="random_alnum", env_var="TWITTER_ACCESS_TOKEN_SECRET"),
    _r("twitter-api-key", "twitter", "Twitter API Key", rf"[{B62}]{{25}}", context=True,
       min_entropy=3.8, validator="random_alnum", env_var="TWITTER_API_KEY"),
    # 16 random letters and digits; one in sixteen has no digit at all.
    _r("linkedin-client-secret-legacy", "linkedin", "LinkedIn Client Secret", rf"[{B62}]{{16}}",
       context=True, min_entropy=3.5, validator="random_letters_or_alnum"),
    _r("twitch-token", "twitch", "Twitch Token", r"(?:oauth:)?[a-z0-9]{30}", context=True,
       min_entropy=3.5, validator="random_alnum"),
    _r("contentful-delivery-token", "contentful", "Contentful API Token", rf"[{B64URL}]{{43}}",
       context=True, min_entropy=4.0, validator="random_alnum", env_var="CONTENTFUL_ACCESS_TOKEN"),
    _r("flickr-api-key", "flickr", "Flickr API Key", r"[a-f0-9]{32}", context=True,
       min_entropy=3.3),
    _r("nytimes-api-key", "nytimes", "New York Times API Key", rf"[{B62}]{{32}}", context=True,
       min_entropy=3.8, validator="random_alnum"),
)
