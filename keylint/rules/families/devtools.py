"""Developer tools and registries: source hosting, CI/CD, package registries, secret managers and IaC.

`PROVIDERS` and `RULES` (prefixed shapes) and `BARE` (shapes that need the provider named nearby)
are assembled by keylint/rules/table.py. Rule ids and secret types are written into baselines:
never rename them.

Order matters where two rules share a first-pass trigger (the rule tried first wins): a longer
shape of a prefix (GitHub's JWT-bearing installation tokens, GitLab's routable tokens) is listed
before the short shape it starts like.
"""

from __future__ import annotations

from keylint.rules.build import ALNUM, B62, B64URL, in_category, rule_maker
from keylint.rules.model import Provider, Rule

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_GITLAB_KINDS = "gl(?:dt|rt|cbt|ptt|ft|imt|agent|oas|soat|ffct|wt)-"  # `glwt-`: workspace
_ROUTABLE = r"\.(?:01\.)?[0-9a-z]{9}"  # `.01.` (version) and a base36 CRC, or the short form

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
    Provider("terraform", "HashiCorp Terraform Cloud", "TFE_TOKEN",
             "https://app.terraform.io/app/settings/tokens"),
    Provider("vault", "HashiCorp Vault", "VAULT_TOKEN",
             "vault token revoke <token> (or revoke its accessor)", ("vault",)),
    Provider("jfrog", "JFrog Artifactory", "JFROG_ACCESS_TOKEN",
             "JFrog Platform > Administration > User Management > Access Tokens (revoke)",
             ("jfrog", "artifactory")),
    Provider("onepassword", "1Password", "OP_SERVICE_ACCOUNT_TOKEN",
             "https://my.1password.com (Developer > Service accounts: revoke; Secret Key: regenerate)"),
    Provider("sonar", "SonarQube / SonarCloud", "SONAR_TOKEN",
             "SonarQube > My Account > Security (revoke the token)", ("sonar",)),
    Provider("snyk", "Snyk", "SNYK_TOKEN", "https://app.snyk.io/account (revoke and regenerate)",
             ("snyk",)),
    Provider("sourcegraph", "Sourcegraph", "SRC_ACCESS_TOKEN",
             "Sourcegraph > Settings > Access tokens (delete)"),
    Provider("travis", "Travis CI", "TRAVIS_API_TOKEN",
             "https://app.travis-ci.com/account/preferences (regenerate the token)", ("travis",)),
    Provider("drone", "Drone CI", "DRONE_TOKEN", "Drone > User settings > reset the token",
             ("drone",)),
    Provider("codecov", "Codecov", "CODECOV_TOKEN",
             "Codecov > repository Settings > regenerate the upload token", ("codecov",)),
    Provider("harness", "Harness", "HARNESS_PLATFORM_API_KEY",
             "Harness > My Profile > API Keys (delete the token)"),
    Provider("octopus", "Octopus Deploy", "OCTOPUS_API_KEY",
             "Octopus > Profile > My API Keys (revoke)"),
    Provider("scalingo", "Scalingo", "SCALINGO_API_TOKEN", "https://dashboard.scalingo.com/account/tokens"),
    Provider("settlemint", "SettleMint", "SETTLEMINT_ACCESS_TOKEN",
             "SettleMint console > Access tokens (delete)"),
    Provider("clojars", "Clojars", "CLOJARS_DEPLOY_TOKEN", "https://clojars.org/tokens"),
    Provider("prefect", "Prefect Cloud", "PREFECT_API_KEY", "https://app.prefect.cloud/my/api-keys"),
    Provider("planetscale", "PlanetScale", "PLANETSCALE_SERVICE_TOKEN",
             "PlanetScale > Settings > Service tokens / Passwords (delete)"),
    Provider("readme", "ReadMe", "README_API_KEY", "ReadMe dashboard > API Keys (revoke)"),
    Provider("infracost", "Infracost", "INFRACOST_API_KEY",
             "https://dashboard.infracost.io (Org settings > API key: rotate)"),
    Provider("nuget", "NuGet", "NUGET_API_KEY", "https://www.nuget.org/account/apikeys"),
    Provider("circleci", "CircleCI", "CIRCLE_TOKEN",
             "https://app.circleci.com/settings/user/tokens (project tokens: Project Settings > "
             "API Permissions)"),
    Provider("buildkite", "Buildkite", "BUILDKITE_API_TOKEN",
             "https://buildkite.com/user/api-access-tokens (revoke)"),
    Provider("dockerhub", "Docker Hub", "DOCKERHUB_TOKEN",
             "https://app.docker.com/settings/personal-access-tokens"),
    # Only the admin (write) key's names: the search-only key has the same shape and is public
    # by design (InstantSearch and DocSearch send it from the browser).
    Provider("algolia", "Algolia", "ALGOLIA_ADMIN_API_KEY",
             "https://dashboard.algolia.com/account/api-keys (Regenerate the Admin API key)",
             ("algolia_admin", "algoliaadmin", "algolia_write", "algoliawrite")),
)

_r = rule_maker(PROVIDERS)

RULES: tuple[Rule, ...] = (
    _r("doppler-token", "doppler", "Doppler Token",
       rf"dp\.(?:ct|pt|sa|said|scim|audit|st(?:\.[a-z0-9_-]{{2,35}})?)\.[{B62}]{{40,44}}",
       keywords=("dp.ct.", "dp.pt.", "dp.st.", "dp.sa.", "dp.said.", "dp.scim.", "dp.audit."),
       min_entropy=3.8),
    # Installation tokens in their stateless form, `ghs_<app id>_<JWT>` (GitHub, April 2026).
    # Listed before github-token so its trigger wins where both start (app ids of 6+ digits).
    _r("github-installation-token-jwt", "github", "GitHub Token",
       rf"ghs_[0-9]{{1,12}}_eyJ[{B64URL}]{{10,1000}}\.eyJ[{B64URL}]{{10,3000}}\.[{B64URL}]{{20,1000}}",
       keywords=("ghs_",), scan_pattern=r"ghs_[0-9]{1,12}_eyJ"),
    _r("github-token", "github", "GitHub Token", rf"gh[pousr]_[{B62}]{{36}}",
       keywords=("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), checksum="crc32_base62"),
    _r("github-fine-grained-pat", "github", "GitHub Fine-Grained Token",
       rf"github_pat_[{B62}]{{22}}_[{B62}]{{59}}", keywords=("github_pat_",)),
    _r("gitlab-pat-routable", "gitlab", "GitLab Token",
       rf"glpat-[{B64URL}]{{27,300}}\.01\.[0-9a-z]{{9}}", keywords=("glpat-",)),
    _r("gitlab-pat", "gitlab", "GitLab Token", rf"glpat-[{B64URL}]{{20}}", keywords=("glpat-",),
       min_entropy=3.3),
    # Routable forms of the other GitLab tokens; the same trigger as gitlab-other-token, tried first.
    _r("gitlab-routable-token", "gitlab", "GitLab Token",
       rf"{_GITLAB_KINDS}[{B64URL}]{{27,300}}{_ROUTABLE}",
       keywords=("glrt-", "gldt-", "glcbt-", "glft-", "gloas-"), min_entropy=3.3,
       scan_pattern=rf"{_GITLAB_KINDS}[{B64URL}]{{6}}"),
    _r("gitlab-other-token", "gitlab", "GitLab Token",
       rf"{_GITLAB_KINDS}[{B64URL}]{{20,64}}",
       keywords=("gldt-", "glrt-", "glcbt-", "glptt-", "glft-", "glimt-", "glagent-", "gloas-",
                 "glsoat-", "glffct-", "glwt-"), min_entropy=3.3),
    # Runner tokens of runners registered with a registration token (`glrtr-`, GitLab 18).
    _r("gitlab-runner-registered-token", "gitlab", "GitLab Token",
       rf"glrtr-(?:[{B64URL}]{{27,300}}{_ROUTABLE}|[{B64URL}]{{20,64}})", keywords=("glrtr-",),
       min_entropy=3.3, scan_pattern=rf"glrtr-[{B64URL}]{{6}}"),
    _r("gitlab-runner-registration-token", "gitlab", "GitLab Runner Registration Token",
       rf"GR1348941[{B64URL}]{{20}}", keywords=("GR1348941",), min_entropy=3.3),
    _r("gitlab-session-cookie", "gitlab", "GitLab Session Cookie",
       r"_gitlab_session=(?P<secret>[0-9a-z]{32})", keywords=("_gitlab_session=",),
       env_var="GITLAB_SESSION", min_entropy=3.3),
    _r("npm-access-token", "npm", "npm Token", rf"npm_[{B62}]{{36}}", keywords=("npm_",),
       checksum="crc32_base62"),
    # Before `npm_` tokens, .npmrc held a UUID: `//registry.npmjs.org/:_authToken=<uuid>`.
    _r("npm-legacy-auth-token", "npm", "npm Token", rf"_authToken=(?P<secret>{_UUID})",
       keywords=("_authToken=",), min_entropy=3.0),
    _r("pypi-api-token", "pypi", "PyPI Upload Token",
       rf"pypi-Ag(?:EIcHlwaS5vcmc|ENdGVzdC5weXBpLm9yZw)[{B64URL}]{{50,}}", keywords=("pypi-Ag",)),
    _r("pulumi-access-token", "pulumi", "Pulumi Access Token", r"pul-[a-f0-9]{40}",
       keywords=("pul-",), min_entropy=3.3),
    _r("postman-api-key", "postman", "Postman API Key", r"PMAK-[a-f0-9]{24}-[a-f0-9]{34}",
       keywords=("PMAK-",), min_entropy=3.3),
    _r("rubygems-api-key", "rubygems", "RubyGems API Key", r"rubygems_[a-f0-9]{48}",
       keywords=("rubygems_",), min_entropy=3.3),
    # `<14 chars>.atlasv1.<60-70 chars>`: the first pass looks for the `.atlasv1.` marker.
    _r("terraform-cloud-token", "terraform", "Terraform Cloud API Token",
       rf"[{B62}]{{14}}\.atlasv1\.[{B62}_=-]{{60,70}}", keywords=(".atlasv1.",),
       scan_pattern=rf"\.atlasv1\.[{B62}_=-]{{6}}", extend_back=14, back_chars=ALNUM,
       min_entropy=4.0),
    _r("vault-service-token", "vault", "Vault Token",
       rf"hvs\.(?:[{B64URL}]{{90,120}}|[{B62}]{{24}})", keywords=("hvs.",), min_entropy=3.8),
    _r("vault-batch-token", "vault", "Vault Token", rf"hvb\.[{B64URL}]{{138,300}}",
       keywords=("hvb.",), min_entropy=4.0),
    _r("jfrog-api-key", "jfrog", "JFrog API Key", rf"AKCp[{B62}]{{69}}", keywords=("AKCp",),
       env_var="ARTIFACTORY_API_KEY", min_entropy=4.0),
    _r("jfrog-reference-token", "jfrog", "JFrog Reference Token", rf"cmVmdGtu[{B62}]{{56}}",
       keywords=("cmVmdGtu",), min_entropy=4.0),
    _r("onepassword-secret-key", "onepassword", "1Password Secret Key",
       r"A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}",
       keywords=("A3-",), env_var="OP_SECRET_KEY", min_entropy=3.5,
       scan_pattern=r"A3-[A-Z0-9]{6}-"),
    _r("onepassword-service-account-token", "onepassword", "1Password Service Account Token",
       r"ops_eyJ[A-Za-z0-9+/]{250,3000}={0,3}", keywords=("ops_",), min_entropy=4.0,
       boundary=ALNUM + b"_-+/", right_boundary=b"="),
    _r("sonar-token", "sonar", "SonarQube Token", r"sq[uap]_[a-f0-9]{40}",
       keywords=("squ_", "sqp_", "sqa_"), min_entropy=3.3),
    _r("sourcegraph-access-token", "sourcegraph", "Sourcegraph Access Token",
       r"sgp_(?:(?:[a-fA-F0-9]{16}|local)_)?[a-fA-F0-9]{40}", keywords=("sgp_",), min_entropy=3.3,
       scan_pattern=r"sgp_(?:[a-fA-F0-9]{6}|local_)"),
    _r("harness-api-key", "harness", "Harness API Key",
       rf"(?:pat|sat)\.[{B64URL}]{{22}}\.[{B62}]{{24}}\.[{B62}]{{20}}", keywords=("pat.", "sat."),
       min_entropy=4.0),
    _r("octopus-deploy-api-key", "octopus", "Octopus Deploy API Key", r"API-[A-Z0-9]{26}",
       keywords=("API-",), min_entropy=3.6),
    _r("scalingo-api-token", "scalingo", "Scalingo API Token", rf"tk-us-[{B64URL}]{{48}}",
       keywords=("tk-us-",), min_entropy=4.0),
    _r("settlemint-access-token", "settlemint", "SettleMint Access Token",
       rf"sm_(?:pat|aat|sat)_[{B62}]{{16}}", keywords=("sm_pat_", "sm_aat_", "sm_sat_"),
       min_entropy=3.5),
    _r("clojars-deploy-token", "clojars", "Clojars Deploy Token", r"CLOJARS_[a-z0-9]{60}",
       keywords=("CLOJARS_",), min_entropy=3.8),
    _r("prefect-api-key", "prefect", "Prefect API Key", rf"pn[ub]_[{B62}]{{36}}",
       keywords=("pnu_", "pnb_"), min_entropy=4.0),
    _r("planetscale-token", "planetscale", "PlanetScale Token",
       rf"pscale_(?:tkn|oauth)_[{B64URL}]{{32,64}}", keywords=("pscale_tkn_", "pscale_oauth_"),
       min_entropy=3.8),
    _r("planetscale-password", "planetscale", "PlanetScale Password",
       rf"pscale_pw_[{B64URL}]{{32,64}}", keywords=("pscale_pw_",),
       env_var="PLANETSCALE_DB_PASSWORD", min_entropy=3.8),
    _r("readme-api-key", "readme", "ReadMe API Key", r"rdme_[a-z0-9]{70}", keywords=("rdme_",),
       min_entropy=3.8),
    _r("infracost-api-key", "infracost", "Infracost API Key", rf"ico-[{B62}]{{32}}",
       keywords=("ico-",), min_entropy=4.0, validator="mixed_alnum"),
    # NuGet.org API keys: `oy2` and a fixed layout of base32-ish characters (microsoft/security-utilities).
    _r("nuget-api-key", "nuget", "NuGet API Key",
       r"oy2[a-p][0-9a-z]{15}[aq][0-9a-z]{11}[eu][bdfhjlnprtvxz357][a-p][0-9a-z]{11}[aeimquy4]",
       keywords=("oy2",), min_entropy=3.8),
    _r("circleci-token", "circleci", "CircleCI Token", rf"CCIP(?:AT|RJ)_[{B62}]{{22}}_[a-f0-9]{{40}}",
       keywords=("CCIPAT_", "CCIPRJ_"), min_entropy=3.8),
    _r("buildkite-api-token", "buildkite", "Buildkite API Token", r"bkua_[a-f0-9]{40}",
       keywords=("bkua_",), min_entropy=3.3),
    _r("dockerhub-access-token", "dockerhub", "Docker Hub Access Token",
       rf"dckr_(?:pat|oat)_[{B64URL}]{{27,32}}", keywords=("dckr_pat_", "dckr_oat_"),
       min_entropy=3.8),
)

# Bare shapes: only with the provider named nearby (same line or up to two lines above).
BARE: tuple[Rule, ...] = (
    _r("vault-legacy-token", "vault", "Vault Token", rf"s\.[{B62}]{{24}}", context=True,
       min_entropy=3.8, validator="mixed_alnum"),
    _r("sonar-token-legacy", "sonar", "SonarQube Token", r"[a-f0-9]{40}", context=True,
       min_entropy=3.3),
    _r("snyk-api-token", "snyk", "Snyk API Token", _UUID, context=True, min_entropy=3.0),
    _r("travis-api-token", "travis", "Travis CI API Token", rf"[{B64URL}]{{22}}", context=True,
       min_entropy=3.8, validator="mixed_alnum"),
    _r("drone-token", "drone", "Drone CI Token", rf"[{B62}]{{32}}", context=True, min_entropy=4.0,
       validator="mixed_alnum"),
    _r("codecov-token", "codecov", "Codecov Upload Token", _UUID, context=True, min_entropy=3.0),
    # Codecov's API access token and JFrog's identity token: gitleaks' shapes, random lower-case
    # letters and digits (a hex digest near the word is not one).
    _r("codecov-access-token", "codecov", "Codecov Access Token", r"[a-z0-9]{32}", context=True,
       min_entropy=3.5, validator="lower_alnum_token", env_var="CODECOV_ACCESS_TOKEN"),
    _r("jfrog-identity-token", "jfrog", "JFrog Identity Token", r"[a-z0-9]{64}", context=True,
       min_entropy=3.8, validator="lower_alnum_token"),
    _r("algolia-admin-api-key", "algolia", "Algolia Admin API Key", r"[a-f0-9]{32}", context=True,
       min_entropy=3.3),
)
