"""The SaaS families (productivity, messaging, payments, social): each rule's realistic hit and its
near miss, keys that are public by design, shapes that share a prefix, and linear work.

tests/scanner/detector_test.py already gives every rule a generated positive, one-char-short and
too-long negatives and a masked placeholder; these put each key in the file it is usually found
in, with its provider named the way users name it, and break it the way look-alikes differ
(length, alphabet, marker, placeholder).
"""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest

from keylint.rules import RULES, checks
from keylint.rules.families import messaging, payments, productivity, social
from keylint.scanner import detector, engine, pragmas
from keylint.scanner.detector import Detector
from keylint.scanner.engine import scan_bytes, scan_text
from tests import fakes_saas
from tests.fakes import fake_key
from tests.scanner.meter import metered

SAAS_IDS = [r.id for m in (productivity, messaging, payments, social) for r in (*m.RULES, *m.BARE)]
NEW_IDS = list(fakes_saas.BUILDERS)


def ids(text: str) -> list[str]:
    return [f.rule_id for f in scan_text(text)]


def _at(i: int, c: str) -> Callable[[str], str]:
    """Replace the character at index `i` (negative from the end) by `c`."""
    def mutate(k: str) -> str:
        j = i % len(k)
        return k[:j] + c + k[j + 1:]
    return mutate


def _cut(n: int = 1) -> Callable[[str], str]:
    return lambda k: k[:-n]


def _repl(old: str, new: str) -> Callable[[str], str]:
    return lambda k: k.replace(old, new, 1)


def _xs(keep: int) -> Callable[[str], str]:
    """The provider's prefix, then a run of `x`: the docs' placeholder."""
    return lambda k: k[:keep] + "x" * (len(k) - keep)


# rule id -> (a line or two where such keys are found, a near miss of the key)
SPEC: dict[str, tuple[str, Callable[[str], str]]] = {
    # productivity
    "adafruit-io-key": ('ADAFRUIT_IO_KEY={k}\n', _xs(4)),
    "adobe-client-secret": ('  client_secret: "{k}"\n', _at(10, "!")),
    "airtable-pat": ('const base = new Airtable({{ apiKey: "{k}" }}).base("appXyz");\n', _at(-3, "G")),
    "asana-pat": ('ASANA_ACCESS_TOKEN="{k}"\n', _at(-5, "Z")),
    "atlassian-api-token": ('JIRA_API_TOKEN={k}\n', _cut(3)),
    "bitbucket-app-password": ('git clone https://dev-bot:{k}@bitbucket.org/acme/app.git\n', _at(8, "-")),
    "hubspot-private-app-token": ("headers = {{'Authorization': 'Bearer {k}'}}\n",
                                  _repl("pat-na1-", "pat-xx1-")),
    "intra42-client-secret": ('FT_CLIENT_SECRET = "{k}"\n', _at(12, "g")),
    "maxmind-license-key": ('LicenseKey {k}\n', _repl("_mmk", "_mmx")),
    "notion-integration-token": ('notion = Client(auth="{k}")\n', _at(6, "a")),
    "sidekiq-license-url": ('source "{k}/" do\n', _repl("contribsys", "example")),
    "typeform-token": ('TYPEFORM_TOKEN: "{k}"\n', _cut(2)),
    "mapbox-secret-token": ('MAPBOX_ACCESS_TOKEN={k}\n', _repl("sk.", "pk.")),
    "linear-client-secret": ('LINEAR_CLIENT_SECRET={k}\n', _at(5, "q")),
    "adafruit-io-key-legacy": ('aio = Client("adafruit_user", "{k}")  # adafruit io\n', _cut()),
    "airtable-api-key-legacy": ("airtable:\n  api_key: {k}\n", _repl("key", "kex")),
    "asana-client-secret": ('ASANA_CLIENT_SECRET="{k}"\n', _at(3, "-")),
    "atlassian-api-token-legacy": ('jira = JIRA(server, basic_auth=("me@acme.io", "{k}"))\n', _cut()),
    "bitbucket-client-secret": ('BITBUCKET_CLIENT_SECRET={k}\n', _at(4, ".")),
    "beamer-api-key": ('BEAMER_API_KEY="{k}"\n', _repl("b_", "c_")),
    "meraki-api-key": ("dashboard = meraki.DashboardAPI('{k}')\n", _at(7, "z")),
    "dropbox-long-lived-token": ('dbx = dropbox.Dropbox("{k}")\n', _repl("A" * 10, "B" * 10)),
    "dropbox-short-lived-token": ('DROPBOX_ACCESS_TOKEN={k}\n', lambda k: k[:40]),
    "hubspot-api-key-legacy": ('HUBSPOT_API_KEY = "{k}"\n', _at(8, "_")),
    "launchdarkly-sdk-key": ('ldclient.set_config(Config("{k}"))\n', _repl("sdk-", "mob-")),
    "launchdarkly-access-token": ('LAUNCHDARKLY_ACCESS_TOKEN={k}\n', _at(9, "g")),
    "looker-client-secret": ('[Looker]\nclient_secret={k}\n', _at(5, "+")),
    "notion-integration-token-legacy": ('NOTION_TOKEN="{k}"\n', _cut()),
    "rapidapi-key": ("headers = {{'x-rapidapi-key': '{k}'}}\n", _cut(2)),
    "sidekiq-license-credentials": ('BUNDLE_GEMS__CONTRIBSYS__COM: "{k}"\n', _repl(":", "-")),
    "squarespace-api-key": ('SQUARESPACE_API_KEY = "{k}"\n', _cut()),
    "zendesk-api-token": ('ZENDESK_API_TOKEN={k}\n', _at(11, "*")),
    # messaging
    "slack-legacy-bot-token": ('SLACK_BOT_TOKEN = "{k}"\n', _cut()),
    "slack-legacy-token": ('token: {k}\n', _repl("xoxs-", "xoxz-")),
    "slack-workspace-token": ('SLACK_TOKEN={k}\n', _repl("xoxa-", "xoxq-")),
    "slack-config-token": ('export SLACK_CONFIG_TOKEN="{k}"\n', _cut(30)),
    "slack-config-refresh-token": ('refresh_token = "{k}"\n', _cut(30)),
    "slack-workflow-webhook-url": ('SLACK_WEBHOOK_URL={k}\n', _repl("/workflows/", "/workflow/")),
    "discord-webhook-url": ('webhook = DiscordWebhook(url="{k}")\n', _cut(20)),
    "teams-webhook-url": ('  teams_webhook: "{k}"\n', _repl("IncomingWebhook", "OutgoingWebhook")),
    "mailchimp-api-key": ('MAILCHIMP_API_KEY={k}\n', _repl("-us12", "-eu12")),
    "brevo-api-key": ('BREVO_API_KEY={k}\n', _at(12, "z")),
    "brevo-smtp-key": ("$mail->Password = '{k}';\n", _cut(4)),
    "intercom-access-token": ('INTERCOM_ACCESS_TOKEN = "{k}"\n', _repl("dG9rO", "dG9xO")),
    "discord-client-secret": ('DISCORD_CLIENT_SECRET={k}\n', _cut()),
    "mandrill-api-key": ("mandrill_client = mandrill.Mandrill('{k}')\n", _cut()),
    "mailgun-api-key": ('auth=("api", "{k}")  # mailgun\n', _at(-1, "x")),
    "mailgun-key": ('MAILGUN_API_KEY={k}\n', _cut()),
    "mailjet-api-key": ('MJ_APIKEY_PRIVATE="{k}"\n', _cut()),
    "postmark-token": ('client = PostmarkClient(server_token="{k}")\n', _at(3, "x")),
    "gitter-access-token": ('GITTER_API_KEY={k}\n', _cut()),
    "mattermost-access-token": ('MATTERMOST_TOKEN="{k}"\n', _at(2, "-")),
    "messagebird-api-key": ("client = messagebird.Client('{k}')\n", _cut()),
    "sendbird-api-token": ('headers = {{"Api-Token": "{k}"}}  # sendbird\n', _cut()),
    "lob-api-key": ("lob.api_key = '{k}'\n", _repl("live_", "live_pub_")),
    # payments
    "paystack-secret-key": ('PAYSTACK_SECRET_KEY={k}\n', _cut()),
    "paystack-test-secret-key": ("paystack = Paystack(secret_key='{k}')\n", _at(10, "q")),
    "stripe-test-secret-key": ('stripe.api_key = "{k}"\n', _repl("sk_test_", "pk_test_")),
    "shopify-token-base62": ("X-Shopify-Access-Token: {k}\n", _repl("shpat_", "shpxx_")),
    "square-access-token-eaaa": ('SQUARE_ACCESS_TOKEN={k}\n', _cut()),
    "flutterwave-secret-key": ('FLW_SECRET_KEY={k}\n', _repl("-X", "-Y")),
    "flutterwave-encryption-key": ('FLW_ENCRYPTION_KEY="{k}"\n', _at(-2, "z")),
    "braintree-access-token": ('gateway = braintree.BraintreeGateway(access_token="{k}")\n',
                               _repl("$production$", "$staging$")),
    "plaid-access-token": ('PLAID_ACCESS_TOKEN={k}\n', _repl("access-production-", "public-production-")),
    "mercury-api-token": ('Authorization: Bearer {k}\n', _repl("_yrucrem", "_mercury")),
    "easypost-api-key": ('client = easypost.EasyPostClient("{k}")\n', _cut()),
    "plaid-secret": ('PLAID_SECRET={k}\n', _cut()),
    "razorpay-key-secret": ('client = razorpay.Client(auth=("rzp_live_AbCdEf", "{k}"))\n', _at(6, "-")),
    "gocardless-access-token": ("client = gocardless_pro.Client(access_token='{k}', environment='live')\n",
                                _cut()),
    "coinbase-api-secret": ('COINBASE_API_SECRET={k}\n', _cut()),
    "kraken-api-secret": ('KRAKEN_API_SECRET="{k}"\n', _repl("==", "")),
    "kucoin-api-secret": ('  kucoin_api_secret: "{k}"\n', _cut()),
    "bittrex-api-secret": ('BITTREX_API_SECRET={k}\n', _at(0, "x")),
    "finnhub-api-key": ('finnhub_client = finnhub.Client(api_key="{k}")\n', _cut()),
    "finicity-app-key": ('FINICITY_APP_KEY={k}\n', _cut()),
    "finicity-client-secret": ('FINICITY_PARTNER_SECRET="{k}"\n', _at(5, "/")),
    "freshbooks-access-token": ('FRESHBOOKS_ACCESS_TOKEN={k}\n', _cut()),
    "freemius-secret-key": ("fs_dynamic_init(array('id' => '1234', 'secret_key' => '{k}'));  // freemius\n",
                            _cut()),
    "etsy-api-key": ('ETSY_API_KEY={k}\n', _at(4, "Q")),
    "wise-api-token": ('WISE_API_TOKEN="{k}"\n', _cut()),
    # social
    "facebook-access-token": ('FACEBOOK_ACCESS_TOKEN={k}\n', lambda k: k[:90]),
    "linkedin-client-secret": ("SOCIAL_AUTH_LINKEDIN_OAUTH2_SECRET = '{k}'\n", _repl("WPL_AP1.", "WPL_AP9.")),
    "contentful-pat": ('CONTENTFUL_MANAGEMENT_TOKEN={k}\n', _cut()),
    "frameio-token": ('FRAMEIO_TOKEN="{k}"\n', _repl("fio-u-", "fio-x-")),
    "facebook-app-access-token": ('graph = facebook.GraphAPI(access_token="{k}")\n', _repl("|", "/")),
    "facebook-app-secret": ('FACEBOOK_APP_SECRET={k}\n', _cut()),
    "twitter-access-token": ('auth.set_access_token("{k}", ACCESS_SECRET)  # tweepy\n', _repl("-", "_")),
    "twitter-api-secret": ('TWITTER_API_SECRET={k}\n', _cut()),
    "twitter-access-token-secret": ('TWITTER_ACCESS_TOKEN_SECRET={k}\n', _cut()),
    "twitter-api-key": ('twitter:\n  api_key: {k}\n', _cut()),
    "linkedin-client-secret-legacy": ('LINKEDIN_CLIENT_SECRET={k}\n', _cut()),
    "twitch-token": ('TWITCH_CLIENT_SECRET={k}\n', _at(3, "A")),
    "contentful-delivery-token": ("contentful.createClient({{ space: 'abc', accessToken: '{k}' }})\n",
                                  _cut()),
    "flickr-api-key": ('flickr = flickrapi.FlickrAPI(api_key, "{k}")\n', _cut()),
    "nytimes-api-key": ('NYTIMES_API_KEY={k}\n', _at(6, "-")),
}


def test_every_new_rule_has_a_spec_and_a_builder() -> None:
    assert sorted(SPEC) == sorted(NEW_IDS)
    assert set(NEW_IDS) <= set(SAAS_IDS)


@pytest.mark.parametrize("rule_id", NEW_IDS)
def test_found_where_such_keys_live(rule_id: str) -> None:
    template, _ = SPEC[rule_id]
    assert ids(template.format(k=fake_key(rule_id, 21))) == [rule_id]


@pytest.mark.parametrize("rule_id", NEW_IDS)
def test_near_miss_in_the_same_place_is_not_that_key(rule_id: str) -> None:
    template, mutate = SPEC[rule_id]
    key = fake_key(rule_id, 22)
    bad = mutate(key)
    assert bad != key
    assert rule_id not in ids(template.format(k=bad))


@pytest.mark.parametrize("rule_id", NEW_IDS)
def test_docs_placeholder_of_the_same_length_is_not_a_key(rule_id: str) -> None:
    template, _ = SPEC[rule_id]
    key = fake_key(rule_id, 23)
    cut = max(4, len(key) // 3)
    assert ids(template.format(k=key[:cut] + "x" * (len(key) - cut))) == []


def _uuid() -> str:
    return fake_key("squarespace-api-key", 31)


@pytest.mark.parametrize("text", [
    pytest.param('STRIPE_PUBLISHABLE_KEY = "pk_' + "live_" + "Ab3dE" * 20 + '"', id="stripe pk_live"),
    pytest.param("const ld = LDClient.initialize('mob-" + "{u}" + "')  // launchdarkly",
                 id="launchdarkly mobile key"),
    pytest.param("mapboxgl.accessToken = 'pk." + "{mapbox}" + "';", id="mapbox public token"),
    pytest.param("FLW_PUBLIC_KEY=FLWPUBK-" + "{hex32}" + "-X", id="flutterwave public key"),
    pytest.param('MAILGUN_PUBLIC_KEY = "pubkey-' + "{hex32}" + '"', id="mailgun public validation key"),
    pytest.param("var options = {{ key: 'rzp_" + "live_" + "AbC12dEf34GhIj' }};  // razorpay checkout",
                 id="razorpay key id"),
    pytest.param("lob = Lob('live_pub_" + "{hex31}" + "')", id="lob publishable key"),
])
def test_public_by_design_keys_are_not_findings(text: str) -> None:
    hex32 = fake_key("mailjet-api-key", 32)
    mapbox = fake_key("mapbox-secret-token", 33)[3:]
    assert ids(text.format(u=_uuid(), mapbox=mapbox, hex32=hex32, hex31=hex32[:31])) == []


def test_stripes_documented_sample_test_key_is_a_placeholder() -> None:
    sample = "sk_" + "test_" + "4eC39HqLyjWDarjtT1zdp7dc"
    assert ids(f'stripe.api_key = "{sample}"\n') == []
    assert ids(f'stripe.api_key = "{fake_key("stripe-test-secret-key", 34)}"\n') == [
        "stripe-test-secret-key"]


def test_keys_that_start_alike_are_each_typed_as_their_own() -> None:
    # Paystack and Stripe both start `sk_live_`; Square and Facebook both start `EAA`; Slack's
    # legacy bot token and today's both start `xoxb-` + digits: one trigger each, table order.
    pairs = [("paystack-secret-key", "stripe-secret-key"),
             ("square-access-token-eaaa", "facebook-access-token"),
             ("slack-legacy-bot-token", "slack-bot-token"),
             ("shopify-token-base62", "shopify-token")]
    for a, b in pairs:
        text = f'A = "{fake_key(a, 35)}"\nB = "{fake_key(b, 35)}"\n'
        assert ids(text) == [a, b], (a, b)


def test_sidekiq_license_url_is_reported_as_sidekiq_not_a_generic_url() -> None:
    url = fake_key("sidekiq-license-url", 36)
    findings = scan_text(f'source "{url}/" do\n')
    assert [(f.rule_id, f.secret) for f in findings] == [("sidekiq-license-url", url[8:25])]


def test_intercom_token_decodes_to_its_tok_prefix() -> None:
    key = fake_key("intercom-access-token", 37)
    assert base64.b64decode(key).startswith(b"tok:")


def test_dropbox_long_lived_reports_the_random_tail() -> None:
    key = fake_key("dropbox-long-lived-token", 38)
    [f] = scan_text(f'DROPBOX_ACCESS_TOKEN = "{key}"\n')
    assert f.secret == key[21:]


@pytest.fixture(scope="module")
def shared_detector() -> Detector:
    return Detector(RULES)


@pytest.mark.parametrize("rule_id", NEW_IDS)
def test_work_on_the_rules_own_alphabet_grows_linearly(
        rule_id: str, shared_detector: Detector, monkeypatch: pytest.MonkeyPatch) -> None:
    # Counted, not timed: the key repeated without separators (one long run of its alphabet,
    # the provider named at the start), at two sizes; double the input, about double the work.
    template, _ = SPEC[rule_id]
    key = fake_key(rule_id, 39)
    head = template.split("{k}")[0].format() if "{k}" in template else ""
    meter = metered(monkeypatch, shared_detector, engine, pragmas, detector, checks)
    works = []
    for size in (20_000, 40_000):
        blob = (head + key * (size // len(key) + 1))[:size].encode()
        meter.work = 0
        meter.run(scan_bytes, meter.wrap(blob), "x.txt", shared_detector)
        works.append(meter.work)
    assert works[1] <= 2.3 * works[0], works
