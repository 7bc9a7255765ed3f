-- SPEC §12 statistics: daily counters maintained as log events are applied (never by scanning messages).
-- day is the UTC calendar day as yyyymmdd. shard spreads concurrent writers (several nodes, several RocketMQ
-- queues) over several rows of one day, so they do not all queue on one row lock until commit; a day's
-- figure is the SUM over its shards.
-- Re-runnable (IF NOT EXISTS, keys inside CREATE TABLE): MySQL commits DDL implicitly.
-- Statements are separated by ';' at the end of a line; none contains ';' itself.

CREATE TABLE IF NOT EXISTS stats_daily (
    day               INT     NOT NULL,
    shard             TINYINT NOT NULL,
    messages_c2c      BIGINT  NOT NULL DEFAULT 0,
    messages_group    BIGINT  NOT NULL DEFAULT 0,
    active_senders    BIGINT  NOT NULL DEFAULT 0,
    new_conversations BIGINT  NOT NULL DEFAULT 0,
    groups_created    BIGINT  NOT NULL DEFAULT 0,
    recalls           BIGINT  NOT NULL DEFAULT 0,
    moderation_hits   BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (day, shard)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Who sent on a day: one row per active user per day, written insert-or-ignore, so that a user counts once
-- in stats_daily.active_senders. Only needed while messages of that day can still arrive; see
-- docs/operations.md for its retention.
CREATE TABLE IF NOT EXISTS stats_active_senders (
    day     INT         NOT NULL,
    user_id VARCHAR(64) NOT NULL,
    PRIMARY KEY (day, user_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
