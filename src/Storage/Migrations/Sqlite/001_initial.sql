-- SPEC §7. Applied by StoreMigrator inside one BEGIN IMMEDIATE transaction (SQLite DDL is transactional).
-- Statements are separated by ';' at the end of a line; none contains ';' itself.

CREATE TABLE messages (
    msg_id        INTEGER NOT NULL PRIMARY KEY,   -- snowflake; the rowid itself, so lookups by id are one b-tree
    chat_id       TEXT    NOT NULL,
    seq           INTEGER NOT NULL,
    from_user_id  TEXT    NOT NULL,
    to_user_id    TEXT    NOT NULL,
    client_msg_id TEXT    NOT NULL,
    msg_format    INTEGER NOT NULL,
    content       TEXT    NOT NULL,
    ext           TEXT    NULL,
    send_time     INTEGER NOT NULL,               -- Unix ms
    status        INTEGER NOT NULL
);

-- sync (seq > n), history (seq < n, newest first), max seq, unread counting.
CREATE UNIQUE INDEX ux_messages_chat_seq ON messages (chat_id, seq);

-- G2: the store's last line of defence against a double send.
CREATE UNIQUE INDEX ux_messages_from_client ON messages (from_user_id, client_msg_id);

-- undelivered messages of a recipient.
CREATE INDEX ix_messages_to_status ON messages (to_user_id, status);

CREATE TABLE conversations (
    user_id      TEXT    NOT NULL,
    chat_id      TEXT    NOT NULL,
    peer_user_id TEXT    NOT NULL,
    last_msg_id  INTEGER NOT NULL,
    last_seq     INTEGER NOT NULL,
    read_seq     INTEGER NOT NULL DEFAULT 0,
    updated_at   INTEGER NOT NULL,                -- Unix ms of the newest message
    PRIMARY KEY (user_id, chat_id)
) WITHOUT ROWID;

-- the conversation list, newest first.
CREATE INDEX ix_conversations_user_updated ON conversations (user_id, updated_at, chat_id);
