"""Numbered schema migrations. Each runs once, in a transaction, and is recorded in
``schema_migrations``. Released migrations are never edited: a change is a new step."""

from __future__ import annotations

MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "core: organisations, rounds, respondents, answers, importance",
        """
        CREATE TABLE organisations (
            id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            industry VARCHAR NOT NULL,
            size_band VARCHAR NOT NULL,
            region VARCHAR NOT NULL,
            synthetic BOOLEAN NOT NULL DEFAULT FALSE,
            created_at TIMESTAMP NOT NULL,
            archived_at TIMESTAMP
        );
        CREATE TABLE rounds (
            id VARCHAR PRIMARY KEY,
            organisation_id VARCHAR NOT NULL,
            name VARCHAR NOT NULL,
            questionnaire_id VARCHAR NOT NULL,
            questionnaire_version VARCHAR NOT NULL,
            kind VARCHAR NOT NULL CHECK (kind IN ('self', 'consultant')),
            status VARCHAR NOT NULL CHECK (status IN ('open', 'closed')),
            join_code VARCHAR,
            created_at TIMESTAMP NOT NULL,
            closed_at TIMESTAMP
        );
        CREATE UNIQUE INDEX rounds_join_code ON rounds (join_code);
        CREATE INDEX rounds_organisation ON rounds (organisation_id);
        CREATE TABLE respondents (
            id VARCHAR PRIMARY KEY,
            token VARCHAR NOT NULL,
            round_id VARCHAR NOT NULL,
            side VARCHAR NOT NULL CHECK (side IN ('it', 'marketing', 'other')),
            role VARCHAR NOT NULL,
            display_name VARCHAR,
            created_at TIMESTAMP NOT NULL,
            completed_at TIMESTAMP
        );
        CREATE UNIQUE INDEX respondents_token ON respondents (token);
        CREATE INDEX respondents_round ON respondents (round_id);
        CREATE TABLE answers (
            respondent_id VARCHAR NOT NULL,
            question_id VARCHAR NOT NULL,
            level TINYINT CHECK (level BETWEEN 1 AND 5),
            answered_at TIMESTAMP NOT NULL,
            PRIMARY KEY (respondent_id, question_id)
        );
        CREATE TABLE importance (
            respondent_id VARCHAR NOT NULL,
            dimension_id VARCHAR NOT NULL,
            rating TINYINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
            rated_at TIMESTAMP NOT NULL,
            PRIMARY KEY (respondent_id, dimension_id)
        );
        CREATE TABLE questionnaire_items (
            questionnaire_id VARCHAR NOT NULL,
            questionnaire_version VARCHAR NOT NULL,
            question_id VARCHAR NOT NULL,
            dimension_id VARCHAR NOT NULL,
            question_weight DOUBLE NOT NULL,
            dimension_weight DOUBLE NOT NULL,
            PRIMARY KEY (questionnaire_id, questionnaire_version, question_id)
        );
        """,
    ),
    (
        "round scores kept current for benchmarks",
        """
        CREATE TABLE round_scores (
            round_id VARCHAR NOT NULL,
            dimension_id VARCHAR NOT NULL,
            score DOUBLE,
            it_score DOUBLE,
            marketing_score DOUBLE,
            PRIMARY KEY (round_id, dimension_id)
        );
        """,
    ),
    (
        "targets per round and dimension",
        """
        CREATE TABLE targets (
            round_id VARCHAR NOT NULL,
            dimension_id VARCHAR NOT NULL,
            target DOUBLE NOT NULL CHECK (target BETWEEN 1 AND 5),
            set_at TIMESTAMP NOT NULL,
            PRIMARY KEY (round_id, dimension_id)
        );
        """,
    ),
    (
        "imported benchmark sets and their rows",
        """
        CREATE SEQUENCE benchmark_set_ids START 1;
        CREATE TABLE benchmark_sets (
            id INTEGER PRIMARY KEY DEFAULT nextval('benchmark_set_ids'),
            source VARCHAR NOT NULL,
            generated_at TIMESTAMP NOT NULL,
            imported_at TIMESTAMP NOT NULL,
            questionnaire_id VARCHAR NOT NULL,
            questionnaire_version VARCHAR NOT NULL,
            content_hash VARCHAR NOT NULL UNIQUE,
            rows INTEGER NOT NULL
        );
        CREATE TABLE benchmark_rows (
            set_id INTEGER NOT NULL,
            segment_type VARCHAR NOT NULL CHECK (segment_type IN ('all', 'industry', 'size', 'region')),
            segment_value VARCHAR NOT NULL,
            dimension_id VARCHAR NOT NULL,
            n_orgs INTEGER NOT NULL CHECK (n_orgs >= 5),
            mean DOUBLE NOT NULL CHECK (mean BETWEEN 1 AND 5),
            p25 DOUBLE NOT NULL CHECK (p25 BETWEEN 1 AND 5),
            median DOUBLE NOT NULL CHECK (median BETWEEN p25 AND 5),
            p75 DOUBLE NOT NULL CHECK (p75 BETWEEN median AND 5),
            PRIMARY KEY (set_id, segment_type, segment_value, dimension_id)
        );
        """,
    ),
    (
        "answer lookups by respondent; each organisation's latest scores kept for benchmarks",
        """
        CREATE INDEX answers_respondent ON answers (respondent_id);
        CREATE INDEX importance_respondent ON importance (respondent_id);
        CREATE TABLE peer_scores (
            organisation_id VARCHAR NOT NULL,
            questionnaire_id VARCHAR NOT NULL,
            questionnaire_version VARCHAR NOT NULL,
            synthetic BOOLEAN NOT NULL,
            industry VARCHAR NOT NULL,
            size_band VARCHAR NOT NULL,
            region VARCHAR NOT NULL,
            round_id VARCHAR NOT NULL,
            dimension_id VARCHAR NOT NULL,
            score DOUBLE NOT NULL
        );
        INSERT INTO peer_scores
        WITH latest AS (
            SELECT o.id AS organisation_id, r.questionnaire_id, r.questionnaire_version, o.synthetic,
                   o.industry, o.size_band, o.region, r.id AS round_id,
                   row_number() OVER (PARTITION BY o.id, r.questionnaire_id, r.questionnaire_version
                                      ORDER BY r.created_at DESC, r.id DESC) AS rn
            FROM rounds r
            JOIN organisations o ON o.id = r.organisation_id
            JOIN round_scores s ON s.round_id = r.id AND s.dimension_id = 'overall' AND s.score IS NOT NULL
            WHERE o.archived_at IS NULL
        )
        SELECT l.organisation_id, l.questionnaire_id, l.questionnaire_version, l.synthetic, l.industry,
               l.size_band, l.region, l.round_id, s.dimension_id, s.score
        FROM latest l JOIN round_scores s ON s.round_id = l.round_id
        WHERE l.rn = 1 AND s.score IS NOT NULL;
        """,
    ),
    (
        "questionnaire items: unscored choice questions and leaders-only questions (schema 2)",
        """
        ALTER TABLE questionnaire_items ADD COLUMN scored BOOLEAN NOT NULL DEFAULT TRUE;
        ALTER TABLE questionnaire_items ADD COLUMN audience VARCHAR NOT NULL DEFAULT 'all';
        """,
    ),
    (
        "benchmark trust: consented pool, test flag, published releases, results released per round",
        """
        ALTER TABLE organisations ADD COLUMN is_test BOOLEAN NOT NULL DEFAULT FALSE;
        ALTER TABLE rounds ADD COLUMN results_released_at TIMESTAMP;
        ALTER TABLE rounds ADD COLUMN results_released_by VARCHAR;
        CREATE TABLE benchmark_entries (
            round_id VARCHAR PRIMARY KEY,
            organisation_id VARCHAR NOT NULL,
            questionnaire_id VARCHAR NOT NULL,
            questionnaire_version VARCHAR NOT NULL,
            self_assessed BOOLEAN NOT NULL,
            consent_by VARCHAR NOT NULL,
            consent_at TIMESTAMP NOT NULL,
            consent_note VARCHAR,
            withdrawn_by VARCHAR,
            withdrawn_at TIMESTAMP
        );
        CREATE INDEX benchmark_entries_organisation ON benchmark_entries (organisation_id);
        CREATE TABLE benchmark_entry_scores (
            round_id VARCHAR NOT NULL,
            dimension_id VARCHAR NOT NULL,
            score DOUBLE NOT NULL CHECK (score BETWEEN 1 AND 5),
            PRIMARY KEY (round_id, dimension_id)
        );
        CREATE SEQUENCE benchmark_release_ids START 1;
        CREATE TABLE benchmark_releases (
            id INTEGER PRIMARY KEY DEFAULT nextval('benchmark_release_ids'),
            questionnaire_id VARCHAR NOT NULL,
            questionnaire_version VARCHAR NOT NULL,
            published_at TIMESTAMP NOT NULL,
            published_by VARCHAR NOT NULL,
            n_orgs INTEGER NOT NULL CHECK (n_orgs >= 5)
        );
        CREATE TABLE benchmark_release_rows (
            release_id INTEGER NOT NULL,
            segment_type VARCHAR NOT NULL CHECK (segment_type IN ('all', 'industry', 'size', 'region')),
            segment_value VARCHAR NOT NULL,
            dimension_id VARCHAR NOT NULL,
            n_orgs INTEGER NOT NULL CHECK (n_orgs >= 5),
            mean DOUBLE NOT NULL CHECK (mean BETWEEN 1 AND 5),
            p25 DOUBLE CHECK (p25 BETWEEN 1 AND 5),
            median DOUBLE CHECK (median BETWEEN p25 AND 5),
            p75 DOUBLE CHECK (p75 BETWEEN median AND 5),
            PRIMARY KEY (release_id, segment_type, segment_value, dimension_id)
        );
        CREATE TABLE benchmark_release_members (
            release_id INTEGER NOT NULL,
            segment_type VARCHAR NOT NULL,
            segment_value VARCHAR NOT NULL,
            round_id VARCHAR NOT NULL,
            PRIMARY KEY (release_id, segment_type, segment_value, round_id)
        );
        CREATE TABLE benchmark_secret (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            secret VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL
        );
        ALTER TABLE benchmark_sets ADD COLUMN release_id VARCHAR;
        ALTER TABLE benchmark_rows ALTER COLUMN p25 DROP NOT NULL;
        ALTER TABLE benchmark_rows ALTER COLUMN median DROP NOT NULL;
        ALTER TABLE benchmark_rows ALTER COLUMN p75 DROP NOT NULL;
        """,
    ),
    (
        "the consultancy's branding: one row",
        """
        CREATE TABLE branding (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name VARCHAR NOT NULL,
            colour VARCHAR NOT NULL,
            footer VARCHAR NOT NULL,
            logo BLOB,
            logo_type VARCHAR CHECK (logo_type IN ('png', 'jpeg')),
            updated_at TIMESTAMP NOT NULL
        );
        """,
    ),
    (
        "operations: audit record of erasures and deletions; console password hashes upgraded at sign-in",
        """
        CREATE SEQUENCE audit_ids START 1;
        CREATE TABLE audit_log (
            id BIGINT PRIMARY KEY DEFAULT nextval('audit_ids'),
            happened_at TIMESTAMP NOT NULL,
            actor VARCHAR NOT NULL,
            action VARCHAR NOT NULL,
            subject VARCHAR NOT NULL,
            detail VARCHAR NOT NULL
        );
        CREATE TABLE console_credentials (
            configured_digest VARCHAR PRIMARY KEY,
            hash VARCHAR NOT NULL,
            upgraded_at TIMESTAMP NOT NULL
        );
        """,
    ),
    (
        "languages: a round's default language for the people it invites (NULL: the browser's)",
        """
        ALTER TABLE rounds ADD COLUMN language VARCHAR;
        """,
    ),
    (
        "accounts: consultants and administrators, client ownership and shares; the audit log names accounts",
        """
        CREATE TABLE accounts (
            email VARCHAR PRIMARY KEY CHECK (email = lower(email) AND email LIKE '%_@_%'),
            name VARCHAR,
            role VARCHAR NOT NULL CHECK (role IN ('admin', 'consultant')),
            password_hash VARCHAR,
            disabled_at TIMESTAMP,
            created_at TIMESTAMP NOT NULL,
            created_by VARCHAR NOT NULL
        );
        ALTER TABLE organisations ADD COLUMN owner VARCHAR;
        CREATE TABLE organisation_shares (
            organisation_id VARCHAR NOT NULL,
            account VARCHAR NOT NULL,
            granted_by VARCHAR NOT NULL,
            granted_at TIMESTAMP NOT NULL,
            PRIMARY KEY (organisation_id, account)
        );
        """,
    ),
)
