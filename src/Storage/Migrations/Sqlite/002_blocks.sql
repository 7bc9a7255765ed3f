-- SPEC §11 blocking: who blocked whom. A C2C send to user_id from blocked_user_id is refused (IM_BLOCKED).
-- Statements are separated by ';' at the end of a line; none contains ';' itself.

CREATE TABLE blocks (
    user_id         TEXT    NOT NULL,
    blocked_user_id TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,               -- Unix ms
    PRIMARY KEY (user_id, blocked_user_id)
) WITHOUT ROWID;
