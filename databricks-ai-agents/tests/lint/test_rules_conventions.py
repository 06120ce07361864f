"""Convention rules (DBA4xx): each flagged, each clean, and the near-misses they must leave alone."""

import pytest

NOTEBOOK = "# Databricks notebook source\n"
# Split so that this file holds no token-shaped text itself.
PAT = "dapi" + "5f3c9a1e7b2d4f6a8c0e1b3d5f7a9c2e"
AWS = "AKIA" + "Q3ZJ7WXKM2PLR5TN"
GITHUB = "ghp_" + "Zk3mQ8rT2vW9xY4bN7cP1dF6gH0jL5sA8eUq"
SLACK = "xoxb-" + "2481632641-9876543210-Kq7ZtR3mWx"
ANTHROPIC = "sk-ant-" + "api03-Qm7Zr2Tx9Kp4Wv8Ln3Bc6Hd1Fg5Js0Ye-Uq2Wr7Ti4"


# -- DBA401 own-spark-session ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "needle"),
    [
        (
            "from pyspark.sql import SparkSession\n\nspark = SparkSession.builder.appName('x').getOrCreate()\n",
            "SparkSession.builder",
        ),
        (
            "from pyspark.sql import SparkSession\n\n"
            "def session():\n    return SparkSession.builder.master('local[1]').config('a', 'b').getOrCreate()\n",
            "SparkSession.builder",
        ),
        ("import pyspark.sql as ps\n\nspark = ps.SparkSession.builder.getOrCreate()\n", "SparkSession.builder"),
        (
            "from databricks.connect import DatabricksSession\n\n"
            "spark = DatabricksSession.builder.serverless().getOrCreate()\n",
            "DatabricksSession.builder",
        ),
        ("from pyspark.sql import SparkSession\n\nspark = SparkSession(sc)\n", "SparkSession(...)"),
    ],
)
def test_own_spark_session_is_flagged(hits, code, needle):
    found = hits(code, "DBA401")
    assert len(found) == 1
    assert found[0].line == code.count("\n")
    assert needle in found[0].message
    assert "get_spark" in found[0].message


def test_own_spark_session_in_a_notebook_says_spark_is_given(hits):
    code = NOTEBOOK + "from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\n"
    found = hits(code, "DBA401", path="notebooks/nb.py")
    assert len(found) == 1
    assert "notebooks already have `spark`" in found[0].message


def test_own_spark_session_in_a_test_points_to_the_fixture(hits):
    code = "from pyspark.sql import SparkSession\n\ndef test_x():\n    s = SparkSession.builder.getOrCreate()\n"
    found = hits(code, "DBA401", path="tests/test_x.py")
    assert len(found) == 1
    assert found[0].line == 4
    assert "spark_session" in found[0].message


@pytest.mark.parametrize(
    ("code", "path"),
    [
        ("from databricks_utils import get_spark\n\nspark = get_spark()\n", "src/project/transforms.py"),
        # getActiveSession() returns the session the job or notebook already has; it builds nothing.
        ("from pyspark.sql import SparkSession\n\nspark = SparkSession.getActiveSession()\n", "src/project/jobs.py"),
        # The factory itself.
        (
            "from pyspark.sql import SparkSession\n\ndef build():\n    return SparkSession.builder.getOrCreate()\n",
            "src/databricks_utils/spark/sessions.py",
        ),
        # A conftest fixture is where a session belongs when a project does not use the plugin.
        (
            "import pytest\nfrom pyspark.sql import SparkSession\n\n@pytest.fixture\n"
            "def spark():\n    return SparkSession.builder.getOrCreate()\n",
            "tests/conftest.py",
        ),
        # Some other class's builder.
        ("import thing\n\nx = thing.Client.builder.getOrCreate()\n", "src/project/transforms.py"),
    ],
)
def test_own_spark_session_is_clean(hits, code, path):
    assert hits(code, "DBA401", path=path) == []


# -- DBA402 print-not-logger -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "line"),
    [
        ("def load(path):\n    print('loading', path)\n", 2),
        ("print('module imported')\n", 1),
        ("class Loader:\n    def load(self):\n        print(f'{self} loading')\n", 3),
        ("def load(rows):\n    for row in rows:\n        print(row)\n", 3),
    ],
)
def test_print_not_logger_is_flagged(hits, code, line):
    found = hits(code, "DBA402")
    assert len(found) == 1
    assert found[0].line == line
    assert "get_logger" in found[0].message


@pytest.mark.parametrize(
    ("code", "path"),
    [
        ("def main():\n    print('done')\n", "src/project/jobs.py"),
        ("import sys\n\ndef load():\n    print('warning', file=sys.stderr)\n", "src/project/jobs.py"),
        ("if __name__ == '__main__':\n    print('hello')\n", "src/project/jobs.py"),
        ("import click\n\n@click.command()\ndef export():\n    print('written')\n", "src/project/jobs.py"),
        ("def helper():\n    print('x')\n", "src/project/cli.py"),
        ("def helper():\n    print('x')\n", "src/project/__main__.py"),
        ("def test_x():\n    print('debug')\n", "tests/test_x.py"),
        (NOTEBOOK + "print('hello')\n", "notebooks/nb.py"),
        ("def step():\n    print('== step')\n", "examples/demo.py"),
        ("from databricks_utils import get_logger\n\nlogger = get_logger(__name__)\nlogger.info('x')\n", "src/p/m.py"),
        ("def show(pretty):\n    pretty.print('x')\n", "src/project/jobs.py"),
    ],
)
def test_print_not_logger_is_clean(hits, code, path):
    assert hits(code, "DBA402", path=path) == []


# -- DBA403 call-without-retry ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("import requests\n\ndef fetch(url):\n    return requests.get(url, timeout=5)\n", "requests.get"),
        ("import requests\n\nrequests.post('https://x', json={}, timeout=5)\n", "requests.post"),
        ("from requests import put\n\ndef push(u):\n    put(u, timeout=5)\n", "requests.put"),
        ("import httpx\n\nasync def fetch(u):\n    return httpx.delete(u)\n", "httpx.delete"),
        ("import urllib.request\n\ndef fetch(u):\n    return urllib.request.urlopen(u)\n", "request.urlopen"),
        ("from urllib.request import urlopen\n\ndef fetch(u):\n    return urlopen(u)\n", "request.urlopen"),
        # A retry elsewhere in the file does not cover this function.
        (
            "import requests\nfrom databricks_utils import with_retry\n\n@with_retry\ndef a(u):\n    return u\n\n"
            "def fetch(u):\n    return requests.request('GET', u)\n",
            "requests.request",
        ),
    ],
)
def test_call_without_retry_is_flagged(hits, code, name):
    found = hits(code, "DBA403")
    assert len(found) == 1
    assert found[0].line == code.count("\n")
    assert f"{name}() has no retry" in found[0].message


@pytest.mark.parametrize(
    "code",
    [
        "import requests\nfrom databricks_utils import with_retry\n\n@with_retry\ndef f(u):\n"
        "    return requests.get(u)\n",
        "import requests\nfrom databricks_utils import with_retry\n\n@with_retry(attempts=5)\ndef f(u):\n"
        "    return requests.get(u)\n",
        "import requests\nimport databricks_utils as du\n\n@du.with_retry()\ndef f(u):\n    return requests.get(u)\n",
        "import requests\nfrom tenacity import retry\n\n@retry\ndef f(u):\n    return requests.get(u)\n",
        "import backoff\nimport requests\n\n@backoff.on_exception(backoff.expo, Exception)\ndef f(u):\n"
        "    return requests.get(u)\n",
        "import requests\nfrom databricks_utils import retry_call\n\ndef f(u):\n"
        "    return retry_call(lambda: requests.get(u, timeout=5))\n",
        "import requests\nfrom databricks_utils import retry_call\n\ndef _get(u):\n    return requests.get(u)\n\n"
        "def f(u):\n    return retry_call(_get, u)\n",
        "import requests\nfrom tenacity import Retrying\n\ndef f(u):\n    for attempt in Retrying():\n"
        "        with attempt:\n            return requests.get(u)\n",
        "import requests\n\nclass Retrier:\n    @staticmethod\n    def f(u):\n        return requests.get\n",
        # The SDK and sessions retry by themselves; dict.get is not HTTP.
        "from databricks.sdk import WorkspaceClient\n\ndef f():\n    return WorkspaceClient().jobs.list()\n",
        "import requests\n\ndef f(session, u):\n    return session.get(u)\n",
        "def f(options):\n    return options.get('url')\n",
    ],
)
def test_call_without_retry_is_clean(hits, code):
    assert hits(code, "DBA403") == []


def test_call_without_retry_ignores_tests(hits):
    assert hits("import requests\n\ndef test_api():\n    requests.get('x')\n", "DBA403", path="tests/test_x.py") == []


# -- DBA404 hardcoded-secret -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "kind", "secret"),
    [
        (f'TOKEN = "{PAT}"\n', "Databricks token", PAT),
        (f'host_token = "{PAT}-2"\n', "Databricks token", PAT),
        (f'client = boto3.client("s3", aws_access_key_id="{AWS}")\n', "AWS access key id", AWS),
        (f'headers = {{"x": "{GITHUB}"}}\n', "GitHub token", GITHUB),
        (f"# the token is {SLACK}\n", "Slack token", SLACK),
        (f'api = Client("{ANTHROPIC}")\n', "Anthropic API key", ANTHROPIC),
        ('KEY = """-----BEGIN RSA ' + 'PRIVATE KEY-----\nMIIE..."""\n', "private key block", "MIIE"),
        (f'url = f"https://host/api?token={PAT}"\n', "Databricks token", PAT),
    ],
)
def test_hardcoded_token_shapes_are_flagged_without_echoing_them(hits, code, kind, secret):
    found = hits(code, "DBA404")
    assert len(found) == 1
    assert found[0].line == 1
    assert kind in found[0].message
    assert "redacted" in found[0].message
    assert secret not in found[0].message
    assert len(secret) < 10 or secret[6:14] not in found[0].message


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ('password = "hunter2"\n', "password"),
        ('DB_PASSWORD = "Tr0ub4dor&3"\n', "DB_PASSWORD"),
        ('conn = connect(host="db", password="s3cr3t!x")\n', "password"),
        ('settings = {"client_secret": "q8Zt2mWx9Lp4"}\n', "client_secret"),
        ('self.api_key = "k-19a8b7c6d5e4"\n', "api_key"),
        ('os.environ["SERVICE_TOKEN"] = "tok_7d2e9f"\n', "SERVICE_TOKEN"),
        ('df = spark.read.format("jdbc").option("password", "P@ssw0rd1").load()\n', "password"),
        ('api_key: str = "abcdefghijklmnopqrstuvwxyz"\n', "api_key"),
    ],
)
def test_hardcoded_named_secrets_are_flagged_without_echoing_them(hits, code, name):
    found = hits(code, "DBA404")
    assert len(found) == 1
    assert found[0].line == 1
    assert f"`{name}`" in found[0].message
    value = code.split('"')[-2]
    assert value not in found[0].message


def test_hardcoded_bearer_header_is_flagged(hits):
    found = hits('headers = {"Authorization": "Bearer eyJhbGciOiJIUzI1Ni9"}\n', "DBA404")
    assert len(found) == 1
    assert "eyJhbG" not in found[0].message


def test_hardcoded_secret_reports_a_line_once(hits):
    assert len(hits(f'token = "{PAT}"\n', "DBA404")) == 1


def test_hardcoded_token_in_a_notebook_magic_is_flagged(hits):
    code = NOTEBOOK + f"# MAGIC %sh curl -H 'Authorization: Bearer {PAT}' https://host\n"
    found = hits(code, "DBA404", path="notebooks/nb.py")
    assert len(found) == 1
    assert PAT not in found[0].message


def test_real_looking_tokens_are_flagged_in_tests_too(hits):
    assert len(hits(f'PAT = "{PAT}"\n', "DBA404", path="tests/test_auth.py")) == 1


@pytest.mark.parametrize(
    "code",
    [
        'import os\ntoken = os.environ["DATABRICKS_TOKEN"]\n',
        'token = dbutils.secrets.get(scope="etl", key="api-token")\n',
        'password = ""\n',
        'password = "<your-password>"\n',
        'token = "${DATABRICKS_TOKEN}"\n',
        'token = "{{ secrets/etl/token }}"\n',
        'password = "***"\n',
        'password = "changeme"\n',
        'token = "DATABRICKS_TOKEN"\n',  # an environment variable's name
        'token = "id_token"\n',  # a name, not a secret
        'secret_scope = "etl-prod"\n',
        'token_url = "https://login.example.com/oauth2/token"\n',
        'max_tokens = "4096"\n',
        'password_file = "/dbfs/secrets/pw.txt"\n',
        'credentials = "/etc/creds.json"\n',
        'token = "Bearer expired for 3 users"\n',
        'PAT = "dapi0123456789abcdef0123456789abcdef"\n',  # documentation dummy
        'KEY = "AKIAIOSFODNN7EXAMPLE"\n',  # AWS's documented example key
        'headers = {"Authorization": f"Bearer {token}"}\n',
        'NAME = "dapi-token"\n',
        'client = WorkspaceClient(host=h, token="dapi-loopback-benchmark")\n',
        'password = "test-password-1"\n',
    ],
)
def test_hardcoded_secret_is_clean(hits, code):
    assert hits(code, "DBA404") == []


def test_named_test_passwords_are_allowed_in_tests(hits):
    assert hits('def test_login():\n    login(password="hunter2")\n', "DBA404", path="tests/test_login.py") == []


# -- DBA405 silent-except --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("handler", "what"),
    [
        ("except Exception:\n    pass\n", "except Exception"),
        ("except:\n    pass\n", "bare except"),
        ("except BaseException:\n    ...\n", "except BaseException"),
        ("except (ValueError, Exception):\n    pass\n", "except Exception"),
        ("except Exception as err:\n    '''ignored'''\n", "except Exception"),
    ],
)
def test_silent_except_is_flagged(hits, handler, what):
    code = "try:\n    spark.sql('DROP TABLE t')\n" + handler
    found = hits(code, "DBA405")
    assert len(found) == 1
    assert found[0].line == 3
    assert found[0].message.startswith(what)
    assert "silently" in found[0].message


def test_silent_except_with_continue_in_a_loop_is_flagged(hits):
    code = "for t in tables:\n    try:\n        spark.sql(f'DROP TABLE {t}')\n    except Exception:\n        continue\n"
    found = hits(code, "DBA405")
    assert [f.line for f in found] == [4]


def test_suppress_exception_is_flagged(hits):
    code = "import contextlib\n\nwith contextlib.suppress(Exception):\n    spark.sql('DROP TABLE t')\n"
    found = hits(code, "DBA405")
    assert len(found) == 1
    assert found[0].line == 3


@pytest.mark.parametrize(
    "code",
    [
        "try:\n    x()\nexcept ValueError:\n    pass\n",
        "try:\n    x()\nexcept Exception:\n    logger.exception('x failed')\n",
        "try:\n    x()\nexcept Exception:\n    raise\n",
        "try:\n    x()\nexcept Exception:\n    pass\n    raise\n",
        "try:\n    x()\nexcept Exception:\n    return_value = None\n",
        "import contextlib\n\nwith contextlib.suppress(FileNotFoundError):\n    remove(p)\n",
    ],
)
def test_silent_except_is_clean(hits, code):
    assert hits(code, "DBA405") == []


def test_silent_except_ignores_tests(hits):
    code = "def test_x():\n    try:\n        x()\n    except Exception:\n        pass\n"
    assert hits(code, "DBA405", path="tests/test_x.py") == []


# -- DBA406 logging-config-in-library --------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("import logging\n\nlogging.basicConfig(level=logging.INFO)\n", "basicConfig"),
        ("import logging\n\ndef setup():\n    logging.basicConfig()\n", "basicConfig"),
        ("import logging.config\n\nlogging.config.dictConfig(CONFIG)\n", "dictConfig"),
        ("from logging import basicConfig\n\nbasicConfig()\n", "basicConfig"),
    ],
)
def test_logging_config_in_library_is_flagged(hits, code, name):
    found = hits(code, "DBA406")
    assert len(found) == 1
    assert found[0].line == code.count("\n")
    assert found[0].message.startswith(f"{name}()")


@pytest.mark.parametrize(
    ("code", "path"),
    [
        ("import logging\n\ndef main():\n    logging.basicConfig()\n", "src/project/jobs.py"),
        ("import logging\n\nif __name__ == '__main__':\n    logging.basicConfig()\n", "src/project/jobs.py"),
        ("import logging\n\nlogging.basicConfig()\n", "src/project/__main__.py"),
        ("import logging\n\nlogging.basicConfig()\n", "tests/conftest.py"),
        (NOTEBOOK + "import logging\nlogging.basicConfig()\n", "notebooks/nb.py"),
        ("import logging\n\nlogger = logging.getLogger(__name__)\n", "src/project/jobs.py"),
    ],
)
def test_logging_config_in_library_is_clean(hits, code, path):
    assert hits(code, "DBA406", path=path) == []
