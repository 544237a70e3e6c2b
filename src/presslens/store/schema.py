"""The corpus store's tables: the one place that says what a presslens DuckDB file holds.

`MIGRATIONS[n]` takes a store from version n to n+1; a fresh file runs them all, an older
file runs the ones it lacks, in one transaction. A step is never edited once released:
a change of schema is a new step and a higher `SCHEMA_VERSION`.

Every finding table carries `article_id` (joins `articles.id`), `external_id` (the user's own
id for the article), `analysis_version`, `n` (its order within the article), and the
`span_start`/`span_end`/`text` of its main span in the article's text (`articles.text`).
"""

from __future__ import annotations

FORMAT = "presslens.store"

# Columns shared by every finding table, in front of its own columns.
_FINDING = "article_id BIGINT NOT NULL, external_id VARCHAR, analysis_version VARCHAR, n INTEGER NOT NULL"

_V1 = [
    "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    """CREATE TABLE articles (
        id BIGINT PRIMARY KEY,
        external_id VARCHAR,
        source VARCHAR,
        url VARCHAR,
        title VARCHAR,
        author VARCHAR,
        published DATE,
        published_raw VARCHAR,
        language VARCHAR,
        words INTEGER,
        content_hash VARCHAR NOT NULL,
        origin VARCHAR,
        added TIMESTAMP NOT NULL,
        status VARCHAR NOT NULL,
        error_code VARCHAR,
        error_message VARCHAR,
        analysis_version VARCHAR,
        analysed TIMESTAMP,
        text VARCHAR NOT NULL
    )""",
    # Every external id ever added, pointing at the article that holds its text: the kept
    # article's own id (duplicate = false) and exact copies of it (duplicate = true).
    """CREATE TABLE external_ids (
        external_id VARCHAR NOT NULL,
        content_hash VARCHAR NOT NULL,
        article_id BIGINT NOT NULL,
        duplicate BOOLEAN NOT NULL,
        origin VARCHAR,
        added TIMESTAMP NOT NULL
    )""",
    "CREATE INDEX external_ids_hash ON external_ids (content_hash)",
    # Items that could not be added (unreadable file, record without text); retried when re-added.
    """CREATE TABLE rejected (
        external_id VARCHAR NOT NULL,
        origin VARCHAR,
        error_code VARCHAR NOT NULL,
        error_message VARCHAR,
        added TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE analyses (
        article_id BIGINT NOT NULL, external_id VARCHAR, analysis_version VARCHAR,
        quoted_share DOUBLE, one_sided BOOLEAN, summary VARCHAR, warnings VARCHAR[],
        analysed TIMESTAMP NOT NULL, analysis JSON NOT NULL
    )""",
    f"""CREATE TABLE quotes ({_FINDING},
        quote_id VARCHAR, kind VARCHAR, span_start INTEGER, span_end INTEGER, text VARCHAR,
        speaker_text VARCHAR, speaker_start INTEGER, speaker_end INTEGER,
        speaker_entity VARCHAR, speaker_name VARCHAR, speaker_kind VARCHAR,
        cue_text VARCHAR, cue_start INTEGER, cue_end INTEGER, cue_kind VARCHAR
    )""",
    f"""CREATE TABLE voices ({_FINDING},
        name VARCHAR, entity VARCHAR, kind VARCHAR, role VARCHAR, quotes INTEGER, words INTEGER,
        stance VARCHAR, quote_ids VARCHAR[], span_start INTEGER, span_end INTEGER, text VARCHAR,
        mentions INTEGER
    )""",
    f"""CREATE TABLE entities ({_FINDING},
        entity_id VARCHAR, name VARCHAR, type VARCHAR, gender VARCHAR,
        aliases VARCHAR[], descriptions VARCHAR[],
        span_start INTEGER, span_end INTEGER, text VARCHAR, mentions INTEGER, mention_spans INTEGER[][]
    )""",
    f"""CREATE TABLE quantities ({_FINDING},
        span_start INTEGER, span_end INTEGER, text VARCHAR, value DOUBLE, low DOUBLE, high DOUBLE,
        approximate BOOLEAN, counted VARCHAR, unit VARCHAR, kind VARCHAR
    )""",
    f"""CREATE TABLE events ({_FINDING},
        event_id VARCHAR, type VARCHAR, span_start INTEGER, span_end INTEGER, text VARCHAR,
        actors VARCHAR[], targets VARCHAR[], location VARCHAR, date_text VARCHAR, date_value VARCHAR,
        size_text VARCHAR, size_value DOUBLE, attributed_to VARCHAR
    )""",
    f"""CREATE TABLE techniques ({_FINDING},
        technique VARCHAR, span_start INTEGER, span_end INTEGER, text VARCHAR, confidence DOUBLE,
        method VARCHAR, attributed_to VARCHAR, explanation VARCHAR
    )""",
    f"""CREATE TABLE checks ({_FINDING},
        kind VARCHAR, severity VARCHAR, message VARCHAR, span_start INTEGER, span_end INTEGER,
        text VARCHAR, evidence INTEGER[][]
    )""",
]

# Version 2: story grouping state (presslens.stories), one row per grouped article; the grouping
# settings and the next story number are kept in `meta` ("stories.settings", "stories.next").
_V2 = [
    """CREATE TABLE story_articles (
        article_id BIGINT PRIMARY KEY, external_id VARCHAR, source VARCHAR, published VARCHAR,
        day INTEGER NOT NULL, story VARCHAR NOT NULL, copy_of BIGINT, features JSON NOT NULL, minhash UBIGINT[] NOT NULL
    )""",
    "CREATE INDEX story_articles_story ON story_articles (story)",
]

MIGRATIONS: list[list[str]] = [_V1, _V2]
SCHEMA_VERSION = len(MIGRATIONS)

# Tables holding one row set per analysed article (replaced whole when it is analysed again).
FINDING_TABLES = ("quotes", "voices", "entities", "quantities", "events", "techniques", "checks")
RESULT_TABLES = ("analyses", *FINDING_TABLES)
