"""``hflineage.connect`` against the test server: the driver a notebook user gets."""

from __future__ import annotations

import logging

import neo4j
import pytest

import hflineage
from hflineage import analytics
from hflineage.errors import DatabaseError
from tests.support.server import TestServer

#: Reads properties and labels the empty graph lacks, which the server reports as notifications.
UNKNOWN_NAMES = "MATCH (m:Model) WHERE m.noSuchProperty = 1 RETURN m.otherMissing AS x"


def _notices(caplog: pytest.LogCaptureFixture, err: str) -> list[str]:
    """What the driver logged as server notifications, and any such lines on stderr."""
    logged = [r.getMessage() for r in caplog.records if r.name == "neo4j.notifications"]
    return logged + [line for line in err.splitlines() if "does not exist" in line]


@pytest.mark.usefixtures("graph", "cli_env")
def test_connect_reads_the_environment_and_keeps_notices_off_stderr(
        neo4j_server: TestServer, capfd: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="neo4j.notifications")
    with hflineage.connect() as driver:
        assert isinstance(driver, neo4j.Driver)
        analytics.run_cypher(driver, UNKNOWN_NAMES, database=neo4j_server.database)
        analytics.top_base_models(driver, database=neo4j_server.database, limit=5)
    assert not _notices(caplog, capfd.readouterr().err)


@pytest.mark.usefixtures("graph")
def test_a_plain_driver_would_print_them(neo4j_server: TestServer,
                                         capfd: pytest.CaptureFixture[str],
                                         caplog: pytest.LogCaptureFixture) -> None:
    """The control: the query above does raise notices, so the test above can fail."""
    caplog.set_level(logging.DEBUG, logger="neo4j.notifications")
    auth = (neo4j_server.username, neo4j_server.password)
    with neo4j.GraphDatabase.driver(neo4j_server.uri, auth=auth) as driver:
        analytics.run_cypher(driver, UNKNOWN_NAMES, database=neo4j_server.database)
    assert _notices(caplog, capfd.readouterr().err)


@pytest.mark.usefixtures("cli_env")
def test_connect_checks_the_database(neo4j_server: TestServer) -> None:
    with pytest.raises(DatabaseError, match="no usable database 'nosuchdb'"):
        hflineage.connect(database="nosuchdb")
    with hflineage.connect(neo4j_server.uri, database=neo4j_server.database) as driver:
        driver.verify_connectivity()
