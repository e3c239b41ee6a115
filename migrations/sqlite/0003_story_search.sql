-- Full-text search over stories: an FTS5 index whose content is the stories
-- table itself (nothing stored twice), Porter stemming ("gardening" finds
-- "garden") over unicode61 with diacritics removed ("Jose" finds "José").
-- Only live stories are indexed; the triggers keep the index in step inside
-- the transaction that writes the story (revisions are not indexed). The
-- index is keyed by the stories' rowid, which VACUUM may renumber: after a
-- VACUUM run `mosaic-admin search reindex`.
CREATE VIRTUAL TABLE stories_fts USING fts5(
    title, content,
    content = 'stories', content_rowid = 'rowid',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER stories_fts_insert AFTER INSERT ON stories
WHEN new.deleted_at IS NULL
BEGIN
    INSERT INTO stories_fts (rowid, title, content) VALUES (new.rowid, new.title, new.content);
END;

CREATE TRIGGER stories_fts_delete AFTER DELETE ON stories
WHEN old.deleted_at IS NULL
BEGIN
    INSERT INTO stories_fts (stories_fts, rowid, title, content)
    VALUES ('delete', old.rowid, old.title, old.content);
END;

CREATE TRIGGER stories_fts_update AFTER UPDATE OF title, content, deleted_at ON stories
BEGIN
    INSERT INTO stories_fts (stories_fts, rowid, title, content)
    SELECT 'delete', old.rowid, old.title, old.content WHERE old.deleted_at IS NULL;
    INSERT INTO stories_fts (rowid, title, content)
    SELECT new.rowid, new.title, new.content WHERE new.deleted_at IS NULL;
END;

INSERT INTO stories_fts (rowid, title, content)
SELECT rowid, title, content FROM stories WHERE deleted_at IS NULL;
