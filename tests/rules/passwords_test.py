"""Passwords across formats (issue 10, item 4) and credentials that are public or samples by
design (item 5): each format a user keeps a password in, next to the near miss it must skip."""

from __future__ import annotations

import pytest

from keylint.rules.checks import reserved_host_in, self_named, word_like
from keylint.scanner.engine import scan_text
from tests.fakes import fake_key


def found(text: str, path: str) -> list[tuple[str, str]]:
    return [(f.rule_id, f.secret) for f in scan_text(text, path)]


# (file name, template with {p} for the password, rule expected)
_FORMATS = [
    pytest.param("config.yaml", "database:\n  password: {p}\n", "password-assignment", id="yaml"),
    pytest.param(".env", "DB_PASSWORD={p}\n", "password-assignment", id=".env"),
    pytest.param("app.ini", "[database]\npassword = {p}\n", "password-assignment", id="ini"),
    pytest.param("settings.json", '{{"db": {{"password": "{p}"}}}}\n', "password-assignment",
                 id="json"),
    pytest.param("pyproject.toml", '[tool.db]\npassword = "{p}"\n', "password-assignment",
                 id="toml"),
    pytest.param("deploy.sh", "PGPASSWORD='{p}' psql -h db.internal -U app\n",
                 "password-assignment", id="shell PGPASSWORD"),
    pytest.param("deploy.sh", "mysql -u root --password={p} app\n", "password-assignment",
                 id="shell flag"),
    pytest.param("Dockerfile", "FROM postgres:16\nENV POSTGRES_PASSWORD={p}\n",
                 "password-assignment", id="Dockerfile ENV ="),
    pytest.param("Dockerfile", "FROM postgres:16\nENV POSTGRES_PASSWORD {p}\n",
                 "password-name-value", id="Dockerfile ENV space"),
    pytest.param("docker-compose.yml",
                 "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: {p}\n",
                 "password-assignment", id="compose map"),
    pytest.param("docker-compose.yml",
                 "services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD={p}\n",
                 "password-assignment", id="compose list"),
    pytest.param("deployment.yaml",
                 "        env:\n          - name: DB_PASSWORD\n            value: \"{p}\"\n",
                 "password-name-value", id="kubernetes env"),
    pytest.param("task-definition.json",
                 '      "environment": [\n        {{\n          "name": "DB_PASSWORD",\n'
                 '          "value": "{p}"\n        }}\n',
                 "password-name-value", id="ecs task definition"),
    pytest.param("application.properties",
                 "spring.datasource.url=jdbc:postgresql://db.internal:5432/app?user=app"
                 "&password={p}&ssl=true\n", "password-assignment", id="jdbc query"),
    pytest.param("application.properties",
                 "url=jdbc:sqlserver://db.internal:1433;databaseName=app;user=sa;password={p};\n",
                 "password-assignment", id="jdbc sqlserver"),
    pytest.param("appsettings.json",
                 '{{"ConnectionStrings": {{"Db": "Server=db.internal;Database=app;User Id=sa;'
                 'Password={p};"}}}}\n', "password-assignment", id="ado.net"),
    pytest.param("appsettings.json",
                 '{{"Db": "Server=db.internal;Uid=sa;Pwd={p};"}}\n', "password-assignment",
                 id="ado.net Pwd"),
    pytest.param("web.config", '<appSettings>\n  <add key="DbPassword" value="{p}" />\n',
                 "password-name-value", id="web.config"),
    pytest.param("beans.xml", '<property name="password" value="{p}"/>\n',
                 "password-name-value", id="spring xml"),
    pytest.param("settings.xml", "<server>\n  <password>{p}</password>\n</server>\n",
                 "password-name-value", id="maven xml"),
    pytest.param(".netrc", "machine api.internal login bob password {p}\n",
                 "password-name-value", id="netrc"),
    pytest.param("db.py", 'engine = create_engine("postgresql://john@corp.com:{p}@db.internal/app")\n',
                 "connection-string", id="url user with @"),
    pytest.param("client.py",
                 'r = get("https://api.internal/login?user=bob&password={p}&next=/home")\n',
                 "password-assignment", id="query string"),
]


@pytest.mark.parametrize(("path", "template", "rule_id"), _FORMATS)
def test_a_password_is_found_in_every_format(path: str, template: str, rule_id: str) -> None:
    password = fake_key("password-assignment", 21)
    assert found(template.format(p=password), path) == [(rule_id, password)]


@pytest.mark.parametrize(("path", "text"), [
    pytest.param("c.py", "x = Cls.secret_length\n", id="attribute reference"),
    pytest.param("c.py", "password = self.password_Value1\n", id="self attribute"),
    pytest.param("c.yaml", "password: ${DB_PASSWORD}\n", id="${VAR}"),
    pytest.param("c.yaml", "password: <password>\n", id="<password>"),
    pytest.param(".env", "PASSWORD=changeme\n", id="changeme"),
    pytest.param("c.yaml", "password: REPLACE_WITH_PASSWORD\n", id="REPLACE_WITH_PASSWORD"),
    pytest.param("c.yaml", "password: Replace_With_Password1\n", id="Replace_With_Password1"),
    pytest.param(".env", "DB_PASSWORD=mypassword\n", id="mypassword"),
    pytest.param(".env", "DB_PASSWORD=My_Password1\n", id="My_Password1"),
    pytest.param("c.py", "u = 'postgres://user:mypassword@db.internal/app'\n",
                 id="url mypassword"),
    pytest.param("d.yaml", "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n"
                 "        name: db\n        key: password\n", id="k8s secretKeyRef"),
    pytest.param("d.yaml", "env:\n  - name: DB_PASSWORD\n    value: $(DB_PASS)\n",
                 id="k8s dependent variable"),
    pytest.param("d.yaml", 'env:\n  - name: DB_PASSWORD\n    value: "{{ .Values.db.password }}"\n',
                 id="helm template"),
    pytest.param("Dockerfile", "ENV DB_PASSWORD_FILE /run/secrets/db_password\n",
                 id="Dockerfile secret file"),
    pytest.param("Dockerfile", "ENV DB_PASSWORD ${DB_PASSWORD}\n", id="Dockerfile build arg"),
    pytest.param("c.xml", "<password>${db.password}</password>\n", id="xml property"),
    pytest.param("c.xml", '<property name="passwordEncoder" value="BCryptPasswordEncoder"/>\n',
                 id="xml class name"),
    pytest.param(".netrc", "machine h login bob password ${NETRC_PASSWORD}\n", id="netrc var"),
    pytest.param("s.sh", "PGPASSWORD=$PGPASS psql -h db\n", id="PGPASSWORD from variable"),
    pytest.param("c.txt", "git clone ssh://git@github.com:22/org/repo.git\n", id="ssh port"),
    pytest.param("c.py", "COMPASS_HEADING = 'N0rthWest!'\n", id="COMPASS is not PASS"),
    pytest.param("c.py", "MultiHostUrl('https://foo.com:123,foo:bar@bar.com/path')\n",
                 id="multi-host url"),
])
def test_near_misses_are_not_passwords(path: str, text: str) -> None:
    assert found(text, path) == []


def test_a_query_password_ends_at_the_next_parameter() -> None:
    password = fake_key("password-assignment", 22)
    text = f"u = 'https://h.internal/?password={password}&secret_hint=Blue&x=1'\n"
    assert found(text, "a.py") == [("password-assignment", password)]


# ---------------------------------------------------------------- reserved hosts (item 5)


@pytest.mark.parametrize("text", [
    "u = 'postgres://admin:supersecret@localhost:5432/app'\n",
    "u = 'mysql://root:Password123@db.example.com/app'\n",
    "u = 'redis://default:Sup3rS3cret!@cache.test:6379'\n",
    "u = 'amqp://guest:Guest2024@broker.invalid/'\n",
    "cs = 'Server=localhost;Database=app;User Id=sa;Password=Welcome2024!;'\n",
    "cs = 'Server=sql.example;User Id=sa;Password=P@ssw0rd1;'\n",
])
def test_a_dictionary_password_on_a_reserved_host_is_a_sample(text: str) -> None:
    assert found(text, "app.py") == []


@pytest.mark.parametrize("host", ["localhost", "db.example.com", "cache.test"])
def test_a_random_password_on_a_reserved_host_is_still_reported(host: str) -> None:
    password = fake_key("password-assignment", 23)
    assert found(f"u = 'postgres://app:{password}@{host}/app'\n", "app.py") == [
        ("connection-string", password)]


@pytest.mark.parametrize("host", ["db.internal", "example.co", "api.example.io", "mytest.com"])
def test_a_dictionary_password_on_a_real_host_is_reported(host: str) -> None:
    assert found(f"u = 'postgres://app:Welcome2024!@{host}/app'\n", "app.py") == [
        ("connection-string", "Welcome2024!")]


@pytest.mark.parametrize(("value", "expected"), [
    ("supersecret", True), ("Password123!", True), ("MySecretPass", True), ("P@ssw0rd", True),
    ("correct-horse-battery", True), ("hGtRkwPq", False), ("Xq7!vR2pLm9sT", False),
])
def test_word_like_tells_a_chosen_password_from_a_random_one(value: str, expected: bool) -> None:
    assert word_like(value) is expected


@pytest.mark.parametrize(("value", "expected"), [
    ("mypassword", True), ("db_password1", True), ("Passw0rd", True), ("secret123", True),
    ("hunter2horse", False), ("passport99", False),
])
def test_self_named_passwords(value: str, expected: bool) -> None:
    assert self_named(value) is expected


@pytest.mark.parametrize(("text", "expected"), [
    (b"@localhost:5432", True), (b"//db.example.com/", True), (b"Server=sql.test;", True),
    (b"x.example", True), (b"api.example.io", False), (b"localhostname", False),
    (b"notexample.com", False), (b"example.com.evil.net", False),
])
def test_reserved_hosts(text: bytes, expected: bool) -> None:
    assert reserved_host_in(text) is expected


def test_a_long_hex_token_is_not_taken_for_words_and_is_judged_at_once() -> None:
    # After leetspeak a hex token is a long run of letters; the word pattern's optional
    # separators made its match backtrack exponentially from ~44 characters (it hung the scan
    # of `LINODE_TOKEN=<64 hex>` once a credential check asked whether the value was words).
    token = "3de0a70be35314bf0e7ffffa3475b" * 3
    assert word_like(token[:64]) is False
    assert word_like(token[:200]) is False
