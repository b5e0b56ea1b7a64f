"""Key material and generic credentials: private keys and provider-less shapes (passwords,
URLs with credentials, JWTs).

`PROVIDERS` and `RULES` (prefixed shapes) and `BARE` (shapes that need the provider named nearby)
are assembled by keylint/rules/table.py. Rule ids and secret types are written into baselines:
never rename them.
"""

from __future__ import annotations

from keylint.rules.build import ALNUM, B64URL, LETTERS, in_category, rule_maker
from keylint.rules.model import Provider, Rule

PROVIDERS: tuple[Provider, ...] = in_category(
    "Key material and generic credentials",
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
    Provider("generic_credential", "Generic credential", "API_KEY",
             "Revoke the credential where it was issued and issue a new one"),
)

_r = rule_maker(PROVIDERS)

# ---- The long tail: a credential-named assignment whose value is a random token
# The name ends in one of these (`OPENAI_API_KEY`, `slackToken`, `X-Api-Key`, `client_secret`,
# OAuth 1.0a's `consumer_key`).
_CRED_WORD = (
    r"(?i:(?:api|access|auth|secret|bearer|client|service|master|admin|deploy|"
    r"personal|refresh|session|signing|webhook|consumer)[_.-]?(?:key|token|secret)|apikey|"
    r"api[_.-]?secret|token|secret|credentials?|authorization|auth)"
)
# Tokens that are not credentials: paging cursors, CSRF tokens, push-notification device ids.
_NOT_CREDENTIAL = ("page", "next", "sync", "csrf", "xsrf", "cursor", "resume", "continuation",
                   "pagination", "cancel", "verification", "device", "registration", "push",
                   # Algolia's search-only key: public by design, sent from the browser
                   "search_only", "searchonly", "algolia_search", "algoliasearch",
                   # a digest of a secret (`hashed_secret` in a detect-secrets baseline)
                   "hash", "hashed", "sha1", "sha256", "md5", "digest", "checksum", "fingerprint")
_NOT_AFTER = "".join(rf"(?<!(?i:{w}))(?<!(?i:{w})[_.-])" for w in _NOT_CREDENTIAL)
_CRED_SEPARATOR = (
    r"[\"'`\]]{0,2}(?:[ \t]{0,4}(?::=|=>|[:=])[ \t]{0,4}(?:[bru]?[\"'`])?"
    r"(?:(?i:bearer|token|bot)[ \t]{1,4})?)"
)
_CRED_VALUE = r"[A-Za-z0-9_\-+/=.~]"

# A name holding a password word (`DB_PASSWORD`, `client-secret`, `jdbc.pwd`).
_CRED_NAME = r"[A-Za-z0-9_.-]{0,40}(?i:pass(?:word|wd|phrase)?|pwd|secret)[A-Za-z0-9_.-]{0,40}"
# What stands before the value when a credential's name and its value are two tokens.
_NAME_VALUE = (
    # `- name: DB_PASSWORD` then `value: ...` (Kubernetes, ECS), `key="DbPassword" value="..."`
    r"(?:(?i:name|key)[\"']?[ \t]{0,4}[:=][ \t]{0,4}[\"']?" + _CRED_NAME + r"[\"']?[ \t]{0,4},?"
    r"(?:[ \t]{1,40}|[ \t]{0,4}\r?\n[ \t]{0,40}(?:-[ \t]{1,4})?)[\"']?(?i:value)[\"']?"
    r"[ \t]{0,4}[:=][ \t]{0,4}[\"']?"
    r"|ENV[ \t]{1,4}" + _CRED_NAME + r"[ \t]{1,4}[\"']?"  # Dockerfile `ENV NAME value`
    r"|<" + _CRED_NAME + r">"  # `<password>...</password>`
    r"|login[ \t]{1,4}[^\s]{1,100}[ \t]{1,4}password[ \t]{1,4})"  # .netrc
)

RULES: tuple[Rule, ...] = (
    _r("private-key", "private_key", "Private Key",
       r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----",
       keywords=("-----BEGIN",), validator="pem_block"),
    _r("age-secret-key", "age", "age Secret Key",
       r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}", keywords=("AGE-SECRET-KEY-1",),
       checksum="bech32"),
    _r("jwt", "jwt", "JSON Web Token",
       rf"eyJ[{B64URL}]{{10,}}\.eyJ[{B64URL}]{{10,}}\.[{B64URL}]{{43,}}", keywords=("eyJ",),
       validator="jwt", generic=True),
    # A JWT wrapped once more in standard base64 (`ZXlK` is the base64 of `eyJ`), as in a
    # Kubernetes Secret's data or a config that stores it encoded: it must decode to a JWT.
    _r("jwt-base64", "jwt", "JSON Web Token", r"ZXlK[A-Za-z0-9+/]{40,}={0,2}", keywords=("ZXlK",),
       validator="jwt_base64", generic=True, right_boundary=b"+/="),
    _r("connection-string", "connection_string", "Basic Auth Credentials",
       # The user name may hold an unencoded `@` (`john@corp.com:pw@host`).
       r"[a-zA-Z][a-zA-Z0-9+.-]{1,20}://[^:/\s\"'`<>{}$]{1,64}:(?P<secret>[^@/\s\"'`<>]{6,128})@"
       r"[A-Za-z0-9.\-_\[\]]{2,}", keywords=("://",), validator="url_password", generic=True,
       scan_pattern=r"://[^:/\s\"'`<>{}$]+:[^@/\s\"'`<>]{6,}@[A-Za-z0-9.\-_\[\]]{2,}",
       extend_back=21, back_chars=ALNUM + b"+.-"),
    _r("password-assignment", "generic_password", "Secret Keyword",
       # `PGPASSWORD`, `MYSQLPWD`: an upper-case name glued to the keyword
       r"(?:[A-Z]{1,12}(?:PASSWORD|PASSWD|PWD|SECRET)|(?i:pass(?:word|wd|phrase)?|pwd|secret))"
       r"(?:[_A-Z0-9][A-Za-z0-9_]{0,23})?"
       r"(?<![_-][Ii][Dd])(?<![a-z]I[Dd])(?<![Aa][Rr][Nn])(?<![Nn]ame)[\"'`\]]{0,2}"
       r"(?:[ \t]{0,4}(?::=|=>|[:=])[ \t]{0,4}(?:[bru]?[\"'`])?|[ \t]{1,4}is[ \t]{1,4}[\"'`])"
       # In a query string the value ends at the `&` that starts the next parameter.
       r"(?P<secret>(?:[^\s\"'`,;&]|&(?![A-Za-z_][A-Za-z0-9_.\[\]-]{0,40}=)){8,400})",
       keywords=("pass", "pwd", "secret"), validator="password_value", generic=True,
       boundary=LETTERS + b":", camel_start=True,
       scan_pattern=r"(?:[A-Z]{1,12}(?:PASSWORD|PASSWD|PWD|SECRET)|"
       r"(?i:pass(?:word|wd|phrase)?|pwd|secret))(?:[_A-Z0-9][A-Za-z0-9_]{0,23})?[\"'`\]]{0,2}"
       r"(?:[ \t]*(?::=|=>|[:=])[ \t]*(?:[bru]?[\"'`])?|[ \t]+is[ \t]+[\"'`])[^\s\"'`,;]{8}"),
    # HTTP basic auth written out: `curl -u user:password` (`--user`, `-su`, on a continued line)
    # and an `Authorization: Basic <base64 of user:password>` header. Before the generic
    # credential rule: their first-pass triggers win where both start (`Authorization:`).
    _r("curl-user-password", "generic_password", "Basic Auth Credentials",
       r"curl(?:[^\n\\]|\\\r\n|\\\n|\\){0,300}?[ \t](?:-[A-Za-z]{0,4}u|--user)(?:[ \t]{1,4}|=)[\"']?"
       r"[^\s\"'`:]{0,64}:(?P<secret>[^\s\"'`]{3,128})",
       keywords=("curl",), validator="url_password", generic=True, boundary=LETTERS,
       scan_pattern=r"curl[ \t]"),
    _r("basic-auth-header", "generic_password", "Basic Auth Credentials",
       r"(?i:authorization)[\"']?[ \t]{0,4}[:=][ \t]{0,4}[\"']?(?i:basic)[ \t]{1,4}"
       r"(?P<secret>[A-Za-z0-9+/]{8,400}={0,2})",
       keywords=("Authorization", "authorization"), validator="basic_auth", generic=True,
       boundary=LETTERS, right_boundary=b"=",
       scan_pattern=r"(?i:authorization)[\"']?[ \t]*[:=][ \t]*[\"']?(?i:basic)[ \t]"),
    # The long tail (BREADTH.md's last section): any credential-named assignment, header or
    # config entry whose value has the length, character mix and entropy of a random token.
    _r("generic-credential", "generic_credential", "Generic Credential",
       _NOT_AFTER + _CRED_WORD + _CRED_SEPARATOR + rf"(?P<secret>{_CRED_VALUE}{{20,200}})",
       keywords=("key", "token", "secret", "auth", "credential"), validator="credential_value",
       generic=True, boundary=LETTERS + b":", camel_start=True, right_boundary=b"%",
       # The trigger stops before the value, so a provider token there is the next trigger.
       scan_pattern=_CRED_WORD + _CRED_SEPARATOR),
    # A credential's name and its value as two tokens: a Kubernetes or ECS env entry, XML
    # (`<add key="DbPassword" value="..."/>`, `<password>...</password>`), a Dockerfile
    # `ENV NAME value`, a .netrc line.
    _r("password-name-value", "generic_password", "Secret Keyword",
       _NAME_VALUE + r"(?P<secret>[^\s\"'`,;<>]{8,400})",
       keywords=("pass", "pwd", "secret"), validator="password_value", generic=True,
       scan_pattern=_NAME_VALUE + r"[^\s\"'`,;<>]{8}"),
)

# Bare shapes: only with the provider named nearby (same line or up to two lines above).
BARE: tuple[Rule, ...] = ()
