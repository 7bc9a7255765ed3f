-- SPEC §7, MySQL 8 / MariaDB 10.11. InnoDB, utf8mb4 (content may hold 4-byte UTF-8).
-- MySQL commits DDL implicitly, so this script cannot be rolled back as a whole: every statement is
-- re-runnable (IF NOT EXISTS, indexes declared inside CREATE TABLE), and StoreMigrator holds GET_LOCK
-- while it runs. A crash half-way leaves tables that the next start completes and then records.
-- Statements are separated by ';' at the end of a line; none contains ';' itself.

CREATE TABLE IF NOT EXISTS messages (
    msg_id        BIGINT       NOT NULL,
    -- 'c2c:' + 64 + ':' + 64 (ChatIds); ASCII by construction, but one charset for the table keeps joins simple.
    chat_id       VARCHAR(133) NOT NULL,
    seq           BIGINT       NOT NULL,
    from_user_id  VARCHAR(64)  NOT NULL,
    to_user_id    VARCHAR(64)  NOT NULL,
    client_msg_id VARCHAR(64)  NOT NULL,
    msg_format    INT          NOT NULL,
    -- 8 KB of UTF-8 (SPEC §8) fits TEXT (65,535 bytes); MEDIUMTEXT leaves room to raise the limit.
    content       MEDIUMTEXT   NOT NULL,
    -- 2 KB limit in bytes; up to 2,048 characters of any width.
    ext           VARCHAR(2048) NULL,
    send_time     BIGINT       NOT NULL,
    status        TINYINT      NOT NULL,
    PRIMARY KEY (msg_id),
    UNIQUE KEY ux_messages_chat_seq (chat_id, seq),
    UNIQUE KEY ux_messages_from_client (from_user_id, client_msg_id),
    KEY ix_messages_to_status (to_user_id, status)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS conversations (
    user_id      VARCHAR(64)  NOT NULL,
    chat_id      VARCHAR(133) NOT NULL,
    peer_user_id VARCHAR(64)  NOT NULL,
    last_msg_id  BIGINT       NOT NULL,
    last_seq     BIGINT       NOT NULL,
    read_seq     BIGINT       NOT NULL DEFAULT 0,
    updated_at   BIGINT       NOT NULL,
    PRIMARY KEY (user_id, chat_id),
    KEY ix_conversations_user_updated (user_id, updated_at, chat_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
