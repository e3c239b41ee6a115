-- Name search folds case in the adapter (Unicode lower case), because
-- SQLite's LIKE and NOCASE fold ASCII letters only: "élise" must find
-- "Élise". Rows written before this migration get SQLite's lower(), which
-- is exact for ASCII names; the next update of a legacy refreshes it.
ALTER TABLE legacies ADD COLUMN name_folded TEXT NOT NULL DEFAULT '';
UPDATE legacies SET name_folded = lower(name);
