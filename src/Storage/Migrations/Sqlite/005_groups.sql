-- SPEC §10 group chat, read diffusion: ONE stored copy per group message, in the messages table itself
-- (chat_id 'grp:{groupId}', to_user_id '' since the column is NOT NULL and SQLite cannot relax it in place).
-- Sharing the table keeps G2 and G3 on the same unique keys as C2C: (from_user_id, client_msg_id) spans both
-- kinds, and every sequence allocator's store fallback (MAX(seq) by chat_id) sees group seqs with no new code.
-- Statements are separated by ';' at the end of a line; none contains ';' itself.

CREATE TABLE chat_groups (
    group_id     INTEGER NOT NULL PRIMARY KEY,    -- snowflake, the rowid
    name         TEXT    NOT NULL,
    owner_id     TEXT    NOT NULL,
    member_count INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,                -- Unix ms
    dismissed    INTEGER NOT NULL DEFAULT 0,
    last_seq     INTEGER NOT NULL DEFAULT 0,      -- raised by MAX with every message of the timeline
    last_msg_id  INTEGER NOT NULL DEFAULT 0,
    updated_at   INTEGER NOT NULL                 -- Unix ms of the newest message
);

-- One row per user who ever was a member; a removed member's row stays (leave_seq set) so that their window
-- (join_seq, leave_seq] is still readable. Rejoining opens a new window from the new join point.
CREATE TABLE group_members (
    group_id   INTEGER NOT NULL,
    user_id    TEXT    NOT NULL,
    role       TEXT    NOT NULL,                  -- owner | admin | member
    join_seq   INTEGER NOT NULL,                  -- the seq of the 'added' system message: visible from join_seq on
    leave_seq  INTEGER NULL,                      -- the seq of the 'removed'/'left'/'dismissed' message: visible up to it
    read_seq   INTEGER NOT NULL DEFAULT 0,        -- only raised
    joined_at  INTEGER NOT NULL,                  -- Unix ms
    PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;

-- a user's groups (GetGroups, GetConversations, the groups-per-user limit, joining SignalR groups on connect).
CREATE INDEX ix_group_members_user ON group_members (user_id, group_id);

-- the read receipts of one message: members whose cursor reached its seq, a range of this index.
CREATE INDEX ix_group_members_read ON group_members (group_id, read_seq);

-- Who a message mentions ('all' for everyone): mentionedMe is one index probe per conversation.
CREATE TABLE group_mentions (
    user_id TEXT    NOT NULL,
    chat_id TEXT    NOT NULL,
    seq     INTEGER NOT NULL,
    PRIMARY KEY (user_id, chat_id, seq)
) WITHOUT ROWID;

-- The mentions of a group message, as sent (a JSON array of user ids), for sync and history.
ALTER TABLE messages ADD COLUMN mentions TEXT NULL;
