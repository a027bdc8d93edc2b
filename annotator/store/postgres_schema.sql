-- The annotator schema on PostgreSQL: the same tables and columns as SQLite's after its migrations (see
-- migrations.py and docs/design.md), in one script per version of this schema. Each part starts with a line
-- `-- version N`; a new database runs them all, an older one the parts after its version (table schema_version).
--
-- Text columns that are sorted or compared take the "C" collation: code-point order, as SQLite and Python sort,
-- whatever the database's own locale. Ids made by the database come from sequences and are never reused; a
-- NULL id given on insert takes the next one (SQLite's INTEGER PRIMARY KEY does the same).

-- version 1
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE schema_version (version integer NOT NULL);
INSERT INTO schema_version VALUES (0);

CREATE FUNCTION annotator_next_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.id := nextval(pg_get_serial_sequence(TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, 'id'));
    RETURN NEW;
END $$;

CREATE TABLE articles (
    rowid bigint GENERATED ALWAYS AS IDENTITY UNIQUE,  -- corpus order, as SQLite's rowid
    id text COLLATE "C" PRIMARY KEY,
    title text COLLATE "C",
    text text NOT NULL,
    text_sha256 text COLLATE "C" NOT NULL UNIQUE,
    source text,
    meta text,
    created text,
    words tsvector,  -- its words, folded (lower case, no diacritics): full-text search
    runs text        -- its runs of Chinese, Japanese, Thai... (scripts without spaces): found by pg_trgm
);
CREATE INDEX articles_words ON articles USING gin (words);
CREATE INDEX articles_runs ON articles USING gin (runs gin_trgm_ops);

CREATE TABLE labels (
    name text COLLATE "C" PRIMARY KEY, description text, color text, key text, position integer
);

CREATE TABLE relation_types (
    name text COLLATE "C" PRIMARY KEY, description text, color text, key text,
    from_labels text NOT NULL, to_labels text NOT NULL, position integer
);

CREATE TABLE spans (
    id bigserial PRIMARY KEY,
    article_id text COLLATE "C" NOT NULL REFERENCES articles (id),
    annotator text COLLATE "C" NOT NULL,
    label text COLLATE "C" NOT NULL,
    start integer NOT NULL,
    "end" integer NOT NULL,
    text text COLLATE "C" NOT NULL,
    note text,
    origin text,
    created text,
    updated text,
    attributes text  -- JSON object, NULL when none
);
-- the window opens an article from these alone (SQLite's schema 9: Store.span_outlines)
CREATE INDEX spans_outlines ON spans (article_id, annotator, start, "end" DESC, label) INCLUDE (id);
CREATE INDEX spans_extras ON spans (article_id, annotator) WHERE note IS NOT NULL OR attributes IS NOT NULL;
CREATE INDEX spans_annotator ON spans (annotator);

CREATE TABLE statuses (
    article_id text COLLATE "C" NOT NULL REFERENCES articles (id),
    annotator text COLLATE "C" NOT NULL,
    status text,
    updated text,
    PRIMARY KEY (article_id, annotator)
);

CREATE TABLE gold_spans (
    id bigserial PRIMARY KEY,
    article_id text COLLATE "C" NOT NULL REFERENCES articles (id),
    label text COLLATE "C" NOT NULL,
    start integer NOT NULL,
    "end" integer NOT NULL,
    text text COLLATE "C" NOT NULL,
    note text,
    reviewer text COLLATE "C",
    annotators text,  -- JSON array of names
    decision text,
    created text,
    UNIQUE (article_id, start, "end", label)
);

CREATE TABLE rejections (
    article_id text COLLATE "C" NOT NULL REFERENCES articles (id),
    label text COLLATE "C" NOT NULL,
    start integer NOT NULL,
    "end" integer NOT NULL,
    reviewer text,
    created text,
    PRIMARY KEY (article_id, label, start, "end")
);

CREATE TABLE reviews (
    article_id text COLLATE "C" PRIMARY KEY REFERENCES articles (id),
    status text,
    reviewer text,
    updated text
);

CREATE TABLE suggestions (
    id bigserial PRIMARY KEY,
    article_id text COLLATE "C" NOT NULL REFERENCES articles (id),
    annotator text COLLATE "C" NOT NULL,
    label text COLLATE "C" NOT NULL,
    start integer NOT NULL,
    "end" integer NOT NULL,
    text text NOT NULL,
    source text NOT NULL,
    score double precision NOT NULL,
    created text,
    UNIQUE (annotator, article_id, start, "end", label)
);

CREATE TABLE suggestion_rejections (
    annotator text COLLATE "C" NOT NULL,
    article_id text COLLATE "C" NOT NULL REFERENCES articles (id),
    start integer NOT NULL,
    "end" integer NOT NULL,
    label text COLLATE "C" NOT NULL,
    source text,
    created text,
    PRIMARY KEY (annotator, article_id, start, "end", label)
);

-- a relation goes with its spans: the store deletes it with either end (no foreign key, as in SQLite)
CREATE TABLE relations (
    id bigserial PRIMARY KEY,
    article_id text COLLATE "C" NOT NULL REFERENCES articles (id),
    annotator text COLLATE "C" NOT NULL,
    type text COLLATE "C" NOT NULL,
    from_id bigint NOT NULL,
    to_id bigint NOT NULL,
    created text,
    UNIQUE (from_id, to_id, type)
);
CREATE INDEX relations_to ON relations (to_id);
CREATE INDEX relations_article ON relations (article_id);

CREATE TABLE gold_relations (
    id bigserial PRIMARY KEY,
    article_id text COLLATE "C" NOT NULL REFERENCES articles (id),
    reviewer text COLLATE "C" NOT NULL,
    type text COLLATE "C" NOT NULL,
    from_id bigint NOT NULL,
    to_id bigint NOT NULL,
    created text,
    UNIQUE (from_id, to_id, type)
);
CREATE INDEX gold_relations_to ON gold_relations (to_id);
CREATE INDEX gold_relations_article ON gold_relations (article_id);

CREATE TRIGGER spans_next_id BEFORE INSERT ON spans FOR EACH ROW WHEN (NEW.id IS NULL)
    EXECUTE FUNCTION annotator_next_id();
CREATE TRIGGER gold_spans_next_id BEFORE INSERT ON gold_spans FOR EACH ROW WHEN (NEW.id IS NULL)
    EXECUTE FUNCTION annotator_next_id();
CREATE TRIGGER relations_next_id BEFORE INSERT ON relations FOR EACH ROW WHEN (NEW.id IS NULL)
    EXECUTE FUNCTION annotator_next_id();
CREATE TRIGGER gold_relations_next_id BEFORE INSERT ON gold_relations FOR EACH ROW WHEN (NEW.id IS NULL)
    EXECUTE FUNCTION annotator_next_id();

-- version 2
-- (pgteam) The coordinator's plan (annotator assign), and live updates: every committed change says which article
-- it touched on the channel `annotator` ("spans a001", or "spans" alone when a statement touched many), so open
-- windows re-read only that (LISTEN annotator; see annotator/gui/live.py).

CREATE TABLE assignments (
    article_id text COLLATE "C" NOT NULL REFERENCES articles (id),
    annotator text COLLATE "C" NOT NULL,
    position integer NOT NULL,
    created text,
    PRIMARY KEY (article_id, annotator)
);
CREATE INDEX assignments_annotator ON assignments (annotator, position);

CREATE FUNCTION annotator_notify_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    touched text[];
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT article_id) INTO touched FROM (SELECT article_id FROM old_rows LIMIT 1000) t;
    ELSE
        SELECT array_agg(DISTINCT article_id) INTO touched FROM (SELECT article_id FROM new_rows LIMIT 1000) t;
    END IF;
    IF touched IS NULL THEN
        RETURN NULL;
    ELSIF cardinality(touched) > 50 OR (SELECT max(octet_length(a)) FROM unnest(touched) a) > 7000 THEN
        PERFORM pg_notify('annotator', TG_ARGV[0]);
    ELSE
        PERFORM pg_notify('annotator', TG_ARGV[0] || ' ' || a) FROM unnest(touched) a;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION annotator_notify_table() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('annotator', TG_ARGV[0]);
    RETURN NULL;
END $$;

DO $$
DECLARE
    watched CONSTANT text[][] := ARRAY[
        ['spans', 'spans'], ['statuses', 'status'], ['relations', 'relations'],
        ['gold_spans', 'gold'], ['gold_relations', 'gold'], ['rejections', 'gold'], ['reviews', 'review'],
        ['suggestions', 'suggestions'], ['suggestion_rejections', 'suggestions'], ['assignments', 'assignments']];
    pair text[];
BEGIN
    FOREACH pair SLICE 1 IN ARRAY watched LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT '
                       'EXECUTE FUNCTION annotator_notify_rows(%L)', pair[1] || '_notify_insert', pair[1], pair[2]);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT '
                       'EXECUTE FUNCTION annotator_notify_rows(%L)', pair[1] || '_notify_update', pair[1], pair[2]);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT '
                       'EXECUTE FUNCTION annotator_notify_rows(%L)', pair[1] || '_notify_delete', pair[1], pair[2]);
    END LOOP;
END $$;

CREATE TRIGGER articles_notify AFTER INSERT OR UPDATE OR DELETE ON articles FOR EACH STATEMENT
    EXECUTE FUNCTION annotator_notify_table('articles');
CREATE TRIGGER labels_notify AFTER INSERT OR UPDATE OR DELETE ON labels FOR EACH STATEMENT
    EXECUTE FUNCTION annotator_notify_table('labels');
CREATE TRIGGER relation_types_notify AFTER INSERT OR UPDATE OR DELETE ON relation_types FOR EACH STATEMENT
    EXECUTE FUNCTION annotator_notify_table('labels');

-- version 3
-- (relwin) Relation candidates a reviewer rejected: the type and both ends by (start, end, label), as span rejections.

CREATE TABLE relation_rejections (
    article_id text COLLATE "C" NOT NULL REFERENCES articles (id),
    type text COLLATE "C" NOT NULL,
    from_start integer NOT NULL,
    from_end integer NOT NULL,
    from_label text COLLATE "C" NOT NULL,
    to_start integer NOT NULL,
    to_end integer NOT NULL,
    to_label text COLLATE "C" NOT NULL,
    reviewer text,
    created text,
    PRIMARY KEY (article_id, type, from_start, from_end, from_label, to_start, to_end, to_label)
);
CREATE TRIGGER relation_rejections_notify_insert AFTER INSERT ON relation_rejections REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION annotator_notify_rows('gold');
CREATE TRIGGER relation_rejections_notify_update AFTER UPDATE ON relation_rejections REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION annotator_notify_rows('gold');
CREATE TRIGGER relation_rejections_notify_delete AFTER DELETE ON relation_rejections REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION annotator_notify_rows('gold');

-- version 4
-- (lazyindex) The search index is built after an import, not in it (store/search_index.py): a trigger queues every
-- new article in search_pending, and indexers take the queue a batch at a time (FOR UPDATE SKIP LOCKED, so several
-- at once never take the same article), putting each article's folded words (tsvector) and its runs of unspaced
-- scripts into article_search. What is stored already counts as indexed. No foreign keys: triggers keep both tables
-- in step with articles at a fraction of the cost of a check a row.

CREATE TABLE article_search (
    rowid bigint PRIMARY KEY,  -- the article's (articles.rowid)
    words tsvector NOT NULL,   -- its words, folded (lower case, no diacritics): full-text search
    runs text                  -- its runs of Chinese, Japanese, Thai... (scripts without spaces): found by pg_trgm
);
INSERT INTO article_search SELECT rowid, coalesce(words, ''::tsvector), runs FROM articles;
DROP INDEX articles_words, articles_runs;
ALTER TABLE articles DROP COLUMN words, DROP COLUMN runs;
CREATE INDEX article_search_words ON article_search USING gin (words);
CREATE INDEX article_search_runs ON article_search USING gin (runs gin_trgm_ops);

CREATE TABLE search_pending (rowid bigint PRIMARY KEY);

CREATE FUNCTION annotator_search_queue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN  -- a changed or deleted article's words go; a changed one is indexed again
        DELETE FROM article_search WHERE rowid IN (SELECT rowid FROM old_rows);
        DELETE FROM search_pending WHERE rowid IN (SELECT rowid FROM old_rows);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO search_pending SELECT rowid FROM new_rows ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER articles_search_insert AFTER INSERT ON articles REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION annotator_search_queue();
CREATE TRIGGER articles_search_update AFTER UPDATE ON articles REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION annotator_search_queue();
CREATE TRIGGER articles_search_delete AFTER DELETE ON articles REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION annotator_search_queue();
