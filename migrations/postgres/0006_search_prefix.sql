-- Story search, part two: the word being typed, and no stop words.
--
-- 1. Prefixes match words as written. `to_tsquery('mosaic_search', 'bicy:*')`
--    stems the prefix ("bicy" becomes "bici", which starts no stored
--    lexeme), so the word typed last is also looked up in a second vector of
--    the same text, folded by `mosaic_prefix`: unaccent then `simple` (lower
--    case, no stemming, no stop words). Title above content, as in
--    search_vector.
-- 2. No stop words: the English stemmer dictionary drops "the", "and", …
--    (SQLite's FTS5 keeps every word), so the same query answered
--    differently on the two databases. `mosaic_stem` is the same Snowball
--    stemmer without a stop word list; the language a site reindexed to
--    (MOSAIC_SEARCH_LANGUAGE) is kept.
--
-- Both vectors are generated columns: the statement that writes a story
-- rewrites them, and re-adding search_vector recomputes it, with the new
-- dictionary, for every existing story.
CREATE TEXT SEARCH CONFIGURATION mosaic_prefix (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION mosaic_prefix
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
    WITH unaccent, simple;

DO $$
DECLARE
    current_dictionary text;
BEGIN
    SELECT d.dictname INTO current_dictionary
    FROM pg_ts_config_map m
    JOIN pg_ts_config c ON c.oid = m.mapcfg
    JOIN pg_ts_dict d ON d.oid = m.mapdict
    WHERE c.cfgname = 'mosaic_search'
      AND m.maptokentype = (SELECT tokid FROM ts_token_type('default') WHERE alias = 'word')
    ORDER BY m.mapseqno DESC LIMIT 1;
    IF current_dictionary IS NULL OR current_dictionary NOT LIKE '%\_stem' THEN
        -- `simple` (or a mapping made by hand): the English default.
        current_dictionary := CASE WHEN current_dictionary = 'simple' THEN 'simple' ELSE 'english_stem' END;
    END IF;
    EXECUTE format(
        'CREATE TEXT SEARCH DICTIONARY mosaic_stem (TEMPLATE = snowball, Language = %s)',
        quote_literal(CASE WHEN current_dictionary = 'simple' THEN 'english'
                           ELSE left(current_dictionary, -length('_stem')) END));
    EXECUTE format(
        'ALTER TEXT SEARCH CONFIGURATION mosaic_search ALTER MAPPING FOR '
        'asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH unaccent, %s',
        CASE WHEN current_dictionary = 'simple' THEN 'simple' ELSE 'mosaic_stem' END);
END
$$;

ALTER TABLE stories DROP COLUMN search_vector;
ALTER TABLE stories ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('mosaic_search', title), 'A')
    || setweight(to_tsvector('mosaic_search', content), 'B')
) STORED;
ALTER TABLE stories ADD COLUMN prefix_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('mosaic_prefix', title), 'A')
    || setweight(to_tsvector('mosaic_prefix', content), 'B')
) STORED;
CREATE INDEX stories_search ON stories USING gin (search_vector) WHERE deleted_at IS NULL;
CREATE INDEX stories_search_prefix ON stories USING gin (prefix_vector) WHERE deleted_at IS NULL;
