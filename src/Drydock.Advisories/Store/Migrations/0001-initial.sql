-- Schema 1 of the advisory store. Plain TEXT and INTEGER columns and no SQLite-only
-- syntax, so the same script runs on PostgreSQL.

-- One row per imported source (debian-osv, alpine-secdb, ...), replaced with its rows.
CREATE TABLE sources (
    name TEXT NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    newest_advisory TEXT,
    record_count INTEGER NOT NULL,
    malformed_count INTEGER NOT NULL
);

-- The namespaces (debian:12, alpine:3.18, ...) each source has data for, so that a release
-- without data is reported as such instead of matching nothing.
CREATE TABLE source_namespaces (
    source TEXT NOT NULL,
    namespace TEXT NOT NULL,
    PRIMARY KEY (source, namespace)
);

-- One row per (vulnerability, package, release) statement of a source. advisory is '' when
-- the row comes from the vulnerability's own record and names the DSA, DLA or RHSA otherwise.
-- aliases lists other ids of the same vulnerability, separated by spaces. stream is '' for a
-- release's main stream, else a product stream (eus-9.4) and/or a module stream (ruby:3.1).
CREATE TABLE affected (
    source TEXT NOT NULL,
    namespace TEXT NOT NULL,
    package TEXT NOT NULL,
    stream TEXT NOT NULL,
    vulnerability TEXT NOT NULL,
    advisory TEXT NOT NULL,
    aliases TEXT,
    status TEXT NOT NULL,
    introduced TEXT,
    fixed_version TEXT,
    severity TEXT,
    reason TEXT,
    published TEXT,
    cvss TEXT
);

CREATE INDEX affected_match ON affected (namespace, package);
CREATE INDEX affected_source ON affected (source);

-- Validators of downloaded feed files, for conditional requests on the next update.
CREATE TABLE downloads (
    url TEXT NOT NULL PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    fetched_at TEXT NOT NULL
);
