"""Fixtures of the fault tests: the production stack on a PostgreSQL and a Redis of its own,
which a test may stop, start and restart under it."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connections

from deploy.faults import (
    DATABASE,
    FaultServers,
    PostgresCluster,
    RedisServer,
    migrate,
    missing_programs,
)


@pytest.fixture(scope="session")
def fault_servers():
    """One PostgreSQL cluster and one Redis for the session's fault tests; the schema is built
    once (about 15 s), and each test empties what the one before left."""
    if missing := missing_programs():
        pytest.fail(f"The fault tests need {' and '.join(missing)} (apt-get install them).")
    with PostgresCluster.started() as postgres, RedisServer() as redis:
        migrate(database_url=postgres.create_database(DATABASE), redis_url=redis.url(1))
        yield FaultServers(postgres=postgres, redis=redis)


@pytest.fixture
def fault_database(fault_servers, transactional_db):
    """Point this process's database connection at the fault servers' PostgreSQL for one test,
    so that the rows the test makes (with the usual fixtures and factories, requested after this
    one) and the rows it reads are the stack's, in the database the test will stop and restart.

    Both servers are running and empty when the test starts, whatever the last one left."""
    connection = connections["default"]
    saved = {key: connection.settings_dict[key] for key in ("NAME", "HOST", "PORT", "USER")}
    connection.close()
    for server in (fault_servers.postgres, fault_servers.redis):
        if not server.running:
            server.start()
    fault_servers.redis.flush()
    connection.settings_dict.update(
        NAME=DATABASE, HOST="127.0.0.1", PORT=str(fault_servers.postgres.port), USER="postgres"
    )
    # Content types are cached by id, and ids differ from one database to the other.
    ContentType.objects.clear_cache()
    try:
        yield fault_servers
    finally:
        for server in (fault_servers.postgres, fault_servers.redis):
            if not server.running:
                server.start()
        connection.close()
        call_command("flush", interactive=False, verbosity=0)
        connection.close()
        connection.settings_dict.update(saved)
        ContentType.objects.clear_cache()
