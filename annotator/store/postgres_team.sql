-- Who may write what in a team's PostgreSQL database: `annotator team init` runs this file, as the coordinator
-- (who owns every table, so is bound by none of the rules below: imports, merges and assignments are theirs).
--
-- {annotators} and {reviewers} stand for the database's two group roles, named after it (for a database
-- `news`: news_annotators and news_reviewers). `annotator team add-annotator NAME` makes NAME a login role in
-- the first; `annotator team add-reviewer NAME` in both. The PostgreSQL server itself enforces the rules, so
-- they hold for any program that connects as an annotator, hand-written SQL included:
--
--   * everyone in the team reads everything (the articles, everyone's spans, the gold layer);
--   * an annotator inserts, changes and deletes only rows whose `annotator` is their own role name: spans,
--     statuses, relations, suggestions and rejected suggestions (row-level security); a row of someone else's
--     is invisible to their UPDATE and DELETE, and an INSERT naming someone else is refused;
--   * only reviewers write the gold layer: gold spans, gold relations, rejections (of spans and relations) and
--     review statuses;
--   * articles, labels, relation types and assignments are the coordinator's alone;
--   * everyone may index articles for search (the search words are made from the articles alone).
--
-- Running it again (after a schema upgrade) puts the same rules back.

GRANT USAGE ON SCHEMA public TO {annotators}, {reviewers};
GRANT SELECT ON ALL TABLES IN SCHEMA public TO {annotators}, {reviewers};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {annotators}, {reviewers};
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {annotators}, {reviewers};
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {annotators}, {reviewers};

GRANT INSERT, UPDATE, DELETE ON spans, statuses, relations, suggestions, suggestion_rejections TO {annotators};
GRANT INSERT, UPDATE, DELETE ON gold_spans, gold_relations, rejections, relation_rejections, reviews TO {reviewers};
-- (lazyindex) any member's window indexes articles waiting for the search index (store/pg_search.py)
GRANT SELECT, UPDATE, DELETE ON search_pending TO {annotators}, {reviewers};
GRANT INSERT, DELETE ON article_search TO {annotators}, {reviewers};

DO $$
DECLARE
    own CONSTANT text[] := ARRAY['spans', 'statuses', 'relations', 'suggestions', 'suggestion_rejections'];
    tbl text;
BEGIN
    FOREACH tbl IN ARRAY own LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', tbl);
        EXECUTE format('DROP POLICY IF EXISTS team_reads ON %I', tbl);
        EXECUTE format('DROP POLICY IF EXISTS own_inserts ON %I', tbl);
        EXECUTE format('DROP POLICY IF EXISTS own_updates ON %I', tbl);
        EXECUTE format('DROP POLICY IF EXISTS own_deletes ON %I', tbl);
        EXECUTE format('CREATE POLICY team_reads ON %I FOR SELECT USING (true)', tbl);
        EXECUTE format('CREATE POLICY own_inserts ON %I FOR INSERT WITH CHECK (annotator = current_user)', tbl);
        EXECUTE format('CREATE POLICY own_updates ON %I FOR UPDATE USING (annotator = current_user) '
                       'WITH CHECK (annotator = current_user)', tbl);
        EXECUTE format('CREATE POLICY own_deletes ON %I FOR DELETE USING (annotator = current_user)', tbl);
    END LOOP;
END $$;
