"""The one error hierarchy of hflineage."""


class HFLineageError(Exception):
    """Root of every error hflineage raises on purpose."""


class ConfigError(HFLineageError):
    """A setting is missing or invalid."""


class RuntimeUnavailableError(HFLineageError):
    """A tool the managed Neo4j needs (Java, Maven) is missing."""


class ProvisionError(HFLineageError):
    """Neo4j jars could not be resolved from Maven Central."""


class ServerStartError(HFLineageError):
    """The managed Neo4j server did not start or answer."""


class DatabaseError(HFLineageError):
    """Neo4j refused or failed a request."""


class ReadOnlyViolationError(DatabaseError):
    """A user query tried to write in read-only mode."""


class ConsoleRefusedError(ReadOnlyViolationError):
    """A user query's plan reaches beyond reading the graph (LOAD CSV, SHOW or TERMINATE, a
    procedure outside the allowed ones, another database): refused before it runs."""


class QueryTimeoutError(DatabaseError):
    """A query ran longer than its transaction timeout and was stopped."""


class SchemaVersionError(DatabaseError):
    """The graph was built under another schema version than this hflineage's."""


class QueryNotFoundError(HFLineageError):
    """No named query has that name."""


class QueryParameterError(HFLineageError):
    """A named query's parameter is missing or has the wrong type."""


class PortInUseError(HFLineageError):
    """The port to serve on is taken by another process."""


class OutputFormatError(HFLineageError):
    """An output file cannot be written: its format cannot be told from its suffix, or its
    folder refuses it."""


class InputError(HFLineageError):
    """An input file cannot be read at all."""


class LeaderboardFormatError(InputError):
    """A leaderboard file lacks required columns or has unknown ones."""


class HubError(HFLineageError):
    """The Hugging Face Hub could not be reached or answered badly."""


class ModelNotFoundError(HFLineageError):
    """The model is not in the graph."""


class OrganizationNotFoundError(HFLineageError):
    """The organization or user is not in the graph."""


class ArchitectureNotFoundError(HFLineageError):
    """The architecture is not in the graph."""


class ContributorNotFoundError(HFLineageError):
    """The contributor is not in the graph (or its kind is neither hub nor git)."""


class NotDrawableError(HFLineageError):
    """A query's rows hold no models, links or paths to draw as a graph."""


class ViewTooLargeError(HFLineageError):
    """A graph view would fetch more models than its limit; narrow it first."""


class HubUnavailableError(HubError):
    """The Hub kept failing after retries; the crawl stopped at a resumable checkpoint."""


class CrawlStateError(HubError):
    """A crawl folder holds a checkpoint that cannot be resumed with these options."""


class BulkLoadRefusedError(HFLineageError):
    """The bulk path only loads into an empty database of the managed server."""


class BulkWorkerError(HFLineageError):
    """A worker process of the bulk path failed."""


class GraphBusyError(HFLineageError):
    """A load, dump, restore or reset holds the graph's load lock."""


class ConfirmationRequiredError(HFLineageError):
    """A command that deletes data had no terminal to ask and no --yes."""


class NotConfirmedError(HFLineageError):
    """The user answered no; nothing was changed."""


class DumpFileError(InputError):
    """A dump file is missing, damaged, or not an hflineage dump."""


class RestoreIncompleteError(DatabaseError):
    """A restore was interrupted: the managed graph may be incomplete."""


class InferenceError(HFLineageError):
    """Parent inference cannot run on this graph (nothing declared to learn from or hold out)."""


class BomValidationError(HFLineageError):
    """A CycloneDX BOM built from the graph fails the CycloneDX schema; nothing was written."""
