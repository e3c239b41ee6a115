-- Story search, part two: the word being typed. FTS5 runs the Porter
-- tokenizer on a query's prefix term too ("bicy"* becomes "bici"*, which
-- starts no stored token), so the word typed last is looked up in a second
-- index over the same columns, folded by unicode61 with diacritics removed
-- but not stemmed, with prefix indexes for 2 and 3 characters. Like
-- stories_fts its content is the stories table (nothing stored twice), it
-- holds live stories only, and the same triggers keep both in step inside
-- the transaction that writes the story.
--
-- (Stop words: FTS5 has none, and since 0006 Postgres has none either.)
CREATE VIRTUAL TABLE stories_prefix USING fts5(
    title, content,
    content = 'stories', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

DROP TRIGGER stories_fts_insert;
DROP TRIGGER stories_fts_delete;
DROP TRIGGER stories_fts_update;

CREATE TRIGGER stories_fts_insert AFTER INSERT ON stories
WHEN new.deleted_at IS NULL
BEGIN
    INSERT INTO stories_fts (rowid, title, content) VALUES (new.rowid, new.title, new.content);
    INSERT INTO stories_prefix (rowid, title, content) VALUES (new.rowid, new.title, new.content);
END;

CREATE TRIGGER stories_fts_delete AFTER DELETE ON stories
WHEN old.deleted_at IS NULL
BEGIN
    INSERT INTO stories_fts (stories_fts, rowid, title, content)
    VALUES ('delete', old.rowid, old.title, old.content);
    INSERT INTO stories_prefix (stories_prefix, rowid, title, content)
    VALUES ('delete', old.rowid, old.title, old.content);
END;

CREATE TRIGGER stories_fts_update AFTER UPDATE OF title, content, deleted_at ON stories
BEGIN
    INSERT INTO stories_fts (stories_fts, rowid, title, content)
    SELECT 'delete', old.rowid, old.title, old.content WHERE old.deleted_at IS NULL;
    INSERT INTO stories_fts (rowid, title, content)
    SELECT new.rowid, new.title, new.content WHERE new.deleted_at IS NULL;
    INSERT INTO stories_prefix (stories_prefix, rowid, title, content)
    SELECT 'delete', old.rowid, old.title, old.content WHERE old.deleted_at IS NULL;
    INSERT INTO stories_prefix (rowid, title, content)
    SELECT new.rowid, new.title, new.content WHERE new.deleted_at IS NULL;
END;

INSERT INTO stories_prefix (rowid, title, content)
SELECT rowid, title, content FROM stories WHERE deleted_at IS NULL;
