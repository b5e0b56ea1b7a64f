"""Developer tools and registries: source hosting, CI/CD, package registries, secret managers and IaC.

`PROVIDERS` and `RULES` (prefixed shapes) and `BARE` (shapes that need the provider named nearby)
are assembled by keylint/rules/table.py. Rule ids and secret types are written into baselines:
never rename them.
"""

from __future__ import annotations

from keylint.rules.build import B62, B64URL, in_category, rule_maker
from keylint.rules.model import Provider, Rule

PROVIDERS: tuple[Provider, ...] = in_category(
    "Developer tools and registries",
    Provider("doppler", "Doppler", "DOPPLER_TOKEN",
             "https://dashboard.doppler.com (revoke the token where it was issued)"),
    Provider("github", "GitHub", "GITHUB_TOKEN", "https://github.com/settings/tokens"),
    Provider("gitlab", "GitLab", "GITLAB_TOKEN",
             "https://gitlab.com/-/user_settings/personal_access_tokens"),
    Provider("npm", "npm", "NPM_TOKEN", "https://www.npmjs.com/settings/~/tokens"),
    Provider("pypi", "PyPI", "TWINE_PASSWORD", "https://pypi.org/manage/account/token/"),
    Provider("pulumi", "Pulumi", "PULUMI_ACCESS_TOKEN", "https://app.pulumi.com/account/tokens"),
    Provider("postman", "Postman", "POSTMAN_API_KEY", "https://go.postman.co/settings/me/api-keys"),
    Provider("rubygems", "RubyGems", "GEM_HOST_API_KEY", "https://rubygems.org/profile/api_keys"),
)

_r = rule_maker(PROVIDERS)

RULES: tuple[Rule, ...] = (
    _r("doppler-token", "doppler", "Doppler Token",
       rf"dp\.(?:ct|pt|sa|said|scim|audit|st(?:\.[a-z0-9_-]{{2,35}})?)\.[{B62}]{{40,44}}",
       keywords=("dp.ct.", "dp.pt.", "dp.st.", "dp.sa.", "dp.said.", "dp.scim.", "dp.audit."),
       min_entropy=3.8),
    _r("github-token", "github", "GitHub Token", rf"gh[pousr]_[{B62}]{{36}}",
       keywords=("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), checksum="crc32_base62"),
    _r("github-fine-grained-pat", "github", "GitHub Fine-Grained Token",
       rf"github_pat_[{B62}]{{22}}_[{B62}]{{59}}", keywords=("github_pat_",)),
    _r("gitlab-pat-routable", "gitlab", "GitLab Token",
       rf"glpat-[{B64URL}]{{27,300}}\.01\.[0-9a-z]{{9}}", keywords=("glpat-",)),
    _r("gitlab-pat", "gitlab", "GitLab Token", rf"glpat-[{B64URL}]{{20}}", keywords=("glpat-",),
       min_entropy=3.3),
    _r("gitlab-other-token", "gitlab", "GitLab Token",
       rf"gl(?:dt|rt|cbt|ptt|ft|imt|agent|oas|soat|ffct)-[{B64URL}]{{20,64}}",
       keywords=("gldt-", "glrt-", "glcbt-", "glptt-", "glft-", "glimt-", "glagent-", "gloas-",
                 "glsoat-", "glffct-"), min_entropy=3.3),
    _r("npm-access-token", "npm", "npm Token", rf"npm_[{B62}]{{36}}", keywords=("npm_",),
       checksum="crc32_base62"),
    _r("pypi-api-token", "pypi", "PyPI Upload Token",
       rf"pypi-Ag(?:EIcHlwaS5vcmc|ENdGVzdC5weXBpLm9yZw)[{B64URL}]{{50,}}", keywords=("pypi-Ag",)),
    _r("pulumi-access-token", "pulumi", "Pulumi Access Token", r"pul-[a-f0-9]{40}",
       keywords=("pul-",), min_entropy=3.3),
    _r("postman-api-key", "postman", "Postman API Key", r"PMAK-[a-f0-9]{24}-[a-f0-9]{34}",
       keywords=("PMAK-",), min_entropy=3.3),
    _r("rubygems-api-key", "rubygems", "RubyGems API Key", r"rubygems_[a-f0-9]{48}",
       keywords=("rubygems_",), min_entropy=3.3),
)

# Bare shapes: only with the provider named nearby (same line or up to two lines above).
BARE: tuple[Rule, ...] = ()
