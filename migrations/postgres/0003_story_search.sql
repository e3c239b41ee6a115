-- Full-text search over stories.
--
-- `mosaic_search` is the text search configuration every search statement
-- names: the English one with accents stripped (unaccent) before stemming,
-- so "Jose" finds "José" and "gardening" finds "garden", and ts_headline
-- marks the original words. `mosaic-admin search reindex` switches it to
-- the language in MOSAIC_SEARCH_LANGUAGE and rebuilds the vectors.
-- unaccent is a trusted extension (PG 13+): a database owner may create it.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION mosaic_search (COPY = english);
ALTER TEXT SEARCH CONFIGURATION mosaic_search
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;

-- The title weighs more than the content (A above B in ts_rank_cd). A
-- generated column is rewritten by the statement that writes the row, so an
-- edit is searchable in the transaction that saved it; revisions live in
-- their own table and are not indexed. Adding the column computes it for
-- every existing story.
ALTER TABLE stories ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('mosaic_search', title), 'A')
    || setweight(to_tsvector('mosaic_search', content), 'B')
) STORED;
CREATE INDEX stories_search ON stories USING gin (search_vector) WHERE deleted_at IS NULL;
