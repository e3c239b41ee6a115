-- Name search folds case in the adapter (Unicode lower case, the same on
-- SQLite and Postgres, independent of the database's locale) and matches
-- with LIKE on the folded name; the trigram index moves to that column.
ALTER TABLE legacies ADD COLUMN name_folded text NOT NULL DEFAULT '';
UPDATE legacies SET name_folded = lower(name);
ALTER TABLE legacies ALTER COLUMN name_folded DROP DEFAULT;
DROP INDEX legacies_name_trgm;
CREATE INDEX legacies_name_folded_trgm ON legacies USING gin (name_folded gin_trgm_ops);
