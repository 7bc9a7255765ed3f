-- SPEC §11 recall: a recalled message keeps its row and seq; content and ext are erased and recalled is set.
-- One statement (an instant ADD COLUMN on InnoDB): it either ran and the version row follows, or it did not.
-- Statements are separated by ';' at the end of a line; none contains ';' itself.

ALTER TABLE messages ADD COLUMN recalled TINYINT NOT NULL DEFAULT 0;
