-- SPEC §12 statistics: daily counters maintained as log events are applied (never by scanning messages).
-- day is the UTC calendar day as yyyymmdd. shard spreads concurrent writers over several rows of one day
-- (always 0 on SQLite, which has one writer); a day's figure is the SUM over its shards.
-- IF NOT EXISTS: re-runnable, like the MySQL script.
-- Statements are separated by ';' at the end of a line; none contains ';' itself.

CREATE TABLE IF NOT EXISTS stats_daily (
    day               INTEGER NOT NULL,
    shard             INTEGER NOT NULL,
    messages_c2c      INTEGER NOT NULL DEFAULT 0,
    messages_group    INTEGER NOT NULL DEFAULT 0,
    active_senders    INTEGER NOT NULL DEFAULT 0,
    new_conversations INTEGER NOT NULL DEFAULT 0,
    groups_created    INTEGER NOT NULL DEFAULT 0,
    recalls           INTEGER NOT NULL DEFAULT 0,
    moderation_hits   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, shard)
) WITHOUT ROWID;

-- Who sent on a day: one row per active user per day, written insert-or-ignore, so that a user counts once
-- in stats_daily.active_senders. Only needed while messages of that day can still arrive; see
-- docs/operations.md for its retention.
CREATE TABLE IF NOT EXISTS stats_active_senders (
    day     INTEGER NOT NULL,
    user_id TEXT    NOT NULL,
    PRIMARY KEY (day, user_id)
) WITHOUT ROWID;
