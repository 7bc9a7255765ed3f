-- SPEC §11 blocking: who blocked whom. A C2C send to user_id from blocked_user_id is refused (IM_BLOCKED).
-- Re-runnable (IF NOT EXISTS): MySQL commits DDL implicitly.
-- Statements are separated by ';' at the end of a line; none contains ';' itself.

CREATE TABLE IF NOT EXISTS blocks (
    user_id         VARCHAR(64) NOT NULL,
    blocked_user_id VARCHAR(64) NOT NULL,
    created_at      BIGINT      NOT NULL,
    PRIMARY KEY (user_id, blocked_user_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
