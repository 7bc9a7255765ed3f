-- SPEC §11 recall: a recalled message keeps its row and seq; content and ext are erased and recalled is set.
-- Statements are separated by ';' at the end of a line; none contains ';' itself.

ALTER TABLE messages ADD COLUMN recalled INTEGER NOT NULL DEFAULT 0;
