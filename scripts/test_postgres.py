"""Run the suite on PostgreSQL when a server answers; skip with a reason otherwise.

REQUIRE_POSTGRES=1 turns the skip into a failure. The server comes from POSTGRES_TEST_URL
(default postgres://postgres@127.0.0.1:5432/rathaus); pytest-django creates test_<name>.
"""

import os
import subprocess
import sys

import environ
import psycopg

URL = os.environ.get("POSTGRES_TEST_URL", "postgres://postgres@127.0.0.1:5432/rathaus")


def reachable(url: str) -> str | None:
    config = environ.Env.db_url_config(url)
    try:
        with psycopg.connect(
            host=config["HOST"] or "127.0.0.1",
            port=config["PORT"] or 5432,
            user=config["USER"],
            password=config["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=3,
        ):
            return None
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0]


def main() -> int:
    problem = reachable(URL)
    if problem:
        line = f"SKIPPED PostgreSQL suite: no server at {URL} ({problem})"
        print(line)
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            print("REQUIRE_POSTGRES=1: a missing PostgreSQL server is a failure.")
            return 1
        return 0
    env = {**os.environ, "TEST_DATABASE_URL": URL, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    command = [sys.executable, "-m", "pytest", "-m", "not browser", "--create-db", *sys.argv[1:]]
    print("PostgreSQL suite:", " ".join(command[2:]), flush=True)
    return subprocess.call(command, env=env)  # noqa: S603 - our own interpreter and arguments


if __name__ == "__main__":
    sys.exit(main())
