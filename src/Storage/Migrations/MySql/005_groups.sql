-- SPEC §10 group chat, read diffusion: ONE stored copy per group message, in the messages table itself
-- (chat_id 'grp:{groupId}', to_user_id ''). Sharing the table keeps G2 and G3 on the same unique keys as C2C:
-- (from_user_id, client_msg_id) spans both kinds, and every sequence allocator's store fallback
-- (MAX(seq) by chat_id) sees group seqs with no new code.
-- Re-runnable up to the last statement (IF NOT EXISTS); the ALTER is last and alone not re-runnable, the same
-- trade as 003: it either ran and the version row follows, or it did not.
-- Statements are separated by ';' at the end of a line; none contains ';' itself.

CREATE TABLE IF NOT EXISTS chat_groups (
    group_id     BIGINT       NOT NULL,
    name         VARCHAR(64)  NOT NULL,
    owner_id     VARCHAR(64)  NOT NULL,
    member_count INT          NOT NULL,
    created_at   BIGINT       NOT NULL,
    dismissed    TINYINT      NOT NULL DEFAULT 0,
    last_seq     BIGINT       NOT NULL DEFAULT 0,
    last_msg_id  BIGINT       NOT NULL DEFAULT 0,
    updated_at   BIGINT       NOT NULL,
    PRIMARY KEY (group_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- A removed member's row stays (leave_seq set) so their window (join_seq, leave_seq] is still readable.
CREATE TABLE IF NOT EXISTS group_members (
    group_id   BIGINT      NOT NULL,
    user_id    VARCHAR(64) NOT NULL,
    role       VARCHAR(8)  NOT NULL,
    join_seq   BIGINT      NOT NULL,
    leave_seq  BIGINT      NULL,
    read_seq   BIGINT      NOT NULL DEFAULT 0,
    joined_at  BIGINT      NOT NULL,
    PRIMARY KEY (group_id, user_id),
    KEY ix_group_members_user (user_id, group_id),
    KEY ix_group_members_read (group_id, read_seq)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS group_mentions (
    user_id VARCHAR(64)  NOT NULL,
    chat_id VARCHAR(133) NOT NULL,
    seq     BIGINT       NOT NULL,
    PRIMARY KEY (user_id, chat_id, seq)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

ALTER TABLE messages ADD COLUMN mentions VARCHAR(4096) NULL;
