using System.Text;

namespace ImSignalR.Storage.Internal;

/// <summary>
/// SQL text shared by both dialects. Column aliases match <see cref="MessageRow"/> so Dapper maps by name
/// without the global "match names with underscores" switch.
/// </summary>
internal static class StoreSql
{
    /// <summary>Columns of one inserted message, in the order the store binds them.</summary>
    public const string MessageInsertColumns =
        "msg_id, chat_id, seq, from_user_id, to_user_id, client_msg_id, msg_format, content, ext, send_time, status";

    public const int MessageInsertColumnCount = 11;

    public const string ConversationInsertColumns =
        "user_id, chat_id, peer_user_id, last_msg_id, last_seq, read_seq, updated_at";

    public const int ConversationInsertColumnCount = 7;

    private const string MessageSelectColumnsTemplate =
        "{0}msg_id AS MsgId, {0}client_msg_id AS ClientMsgId, {0}chat_id AS ChatId, {0}seq AS Seq, " +
        "{0}from_user_id AS FromUserId, {0}to_user_id AS ToUserId, {0}content AS Content, " +
        "{0}msg_format AS MsgFormat, {0}ext AS Ext, {0}send_time AS SendTime, {0}status AS Status, {0}recalled AS Recalled";

    public static readonly string MessageColumns = string.Format(System.Globalization.CultureInfo.InvariantCulture, MessageSelectColumnsTemplate, string.Empty);

    private static readonly string JoinedMessageColumns = string.Format(System.Globalization.CultureInfo.InvariantCulture, MessageSelectColumnsTemplate, "m.");

    public static readonly string SelectByIds = $"SELECT {MessageColumns} FROM messages WHERE msg_id IN @Ids";

    public static readonly string SelectByClientMsgId =
        $"SELECT {MessageColumns} FROM messages WHERE from_user_id = @FromUserId AND client_msg_id = @ClientMsgId";

    public static readonly string SelectAfterSeq =
        $"SELECT {MessageColumns} FROM messages WHERE chat_id = @ChatId AND seq > @Seq ORDER BY seq LIMIT @Limit";

    // Newest first to use the index backwards with LIMIT; the store reverses to ascending.
    public static readonly string SelectBeforeSeqDescending =
        $"SELECT {MessageColumns} FROM messages WHERE chat_id = @ChatId AND seq < @Seq ORDER BY seq DESC LIMIT @Limit";

    public static readonly string SelectUndelivered = SelectUndeliveredFrom("messages");

    /// <param name="table">The table, with an index hint where the dialect needs one (see <see cref="SqlDialect.SelectUndelivered"/>).</param>
    public static string SelectUndeliveredFrom(string table) =>
        $"SELECT {MessageColumns} FROM {table} WHERE to_user_id = @UserId AND status < @Delivered ORDER BY chat_id, seq LIMIT @Limit";

    /// <summary>The smallest msg_id, by the primary key: one index step, whatever the table's size.</summary>
    public const string SelectAnyMsgId = "SELECT msg_id FROM messages ORDER BY msg_id LIMIT 1";

    public const string SelectMaxSeq = "SELECT COALESCE(MAX(seq), 0) FROM messages WHERE chat_id = @ChatId";

    public const string SelectLastSeqByChat = "SELECT chat_id AS ChatId, last_seq AS LastSeq FROM conversations WHERE user_id = @UserId";

    public const string Ping = "SELECT 1";

    /// <summary>
    /// One statement for the list: the last message by primary key, unread by a correlated count that
    /// walks the (chat_id, seq) index from read_seq — cost grows with unread, not with history.
    /// </summary>
    public static readonly string SelectConversations =
        "SELECT c.chat_id AS ConvChatId, c.peer_user_id AS PeerUserId, c.last_seq AS LastSeq, c.read_seq AS ReadSeq, " +
        "c.updated_at AS UpdatedAt, " +
        "(SELECT COUNT(*) FROM messages u WHERE u.chat_id = c.chat_id AND u.seq > c.read_seq AND u.from_user_id = c.peer_user_id) AS Unread, " +
        JoinedMessageColumns +
        " FROM conversations c LEFT JOIN messages m ON m.msg_id = c.last_msg_id" +
        " WHERE c.user_id = @UserId ORDER BY c.updated_at DESC, c.chat_id DESC LIMIT @Limit";

    /// <summary>
    /// A recall (values: msg_id, from_user_id): the row and its seq stay, content and ext go. A row recalled already is
    /// left alone, so the count of rows changed says whether this recall took effect (the daily statistics count it).
    /// </summary>
    public const string RecallOne =
        "UPDATE messages SET content = '', ext = NULL, recalled = 1 WHERE msg_id = @p0_0 AND from_user_id = @p0_1 AND recalled = 0";

    /// <summary>One message's status raise, for <see cref="RowStatement"/> (values: msg_id, to_user_id, status).</summary>
    public const string RaiseStatusOfOne =
        "UPDATE messages SET status = @p0_2 WHERE msg_id = @p0_0 AND to_user_id = @p0_1 AND status < @p0_2";

    /// <summary>
    /// MySQL: raises the status of <paramref name="ids"/> ids (<c>@i0</c>…) sent to <c>@ToUserId</c> to <c>@Status</c>.
    /// The primary key is forced: read through <c>ix_messages_to_status</c> instead, two concurrent acks of
    /// one user lock the same rows in different orders and deadlock.
    /// </summary>
    public static string RaiseStatus(int ids) =>
        $"UPDATE messages FORCE INDEX (PRIMARY) SET status = @Status WHERE msg_id IN ({IdList(ids)}) AND to_user_id = @ToUserId AND status < @Status";

    /// <summary><see cref="SelectByIds"/> with the ids bound one by one (<c>@i0</c>…), for a <see cref="StatementRound"/>.</summary>
    public static string SelectByIdList(int ids) => $"SELECT {MessageColumns} FROM messages WHERE msg_id IN ({IdList(ids)})";

    /// <summary>Binds <paramref name="ids"/> as <c>@i0</c>, <c>@i1</c>… (see <see cref="IdList"/>), after <paramref name="more"/>.</summary>
    public static List<KeyValuePair<string, object?>> IdParameters(IReadOnlyList<long> ids, params KeyValuePair<string, object?>[] more)
    {
        var parameters = new List<KeyValuePair<string, object?>>(ids.Count + more.Length);
        parameters.AddRange(more);
        for (var i = 0; i < ids.Count; i++)
        {
            parameters.Add(new("@i" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), ids[i]));
        }
        return parameters;
    }

    private static string IdList(int count) =>
        string.Join(", ", Enumerable.Range(0, count).Select(i => "@i" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary><c>(@p0_0, @p0_1, …), (@p1_0, …)</c> for <paramref name="rows"/> rows of <paramref name="columns"/> values.</summary>
    public static string ValuesList(int rows, int columns)
    {
        var sb = new StringBuilder(rows * columns * 8);
        for (var r = 0; r < rows; r++)
        {
            if (r > 0)
            {
                sb.Append(", ");
            }
            sb.Append('(');
            for (var c = 0; c < columns; c++)
            {
                if (c > 0)
                {
                    sb.Append(", ");
                }
                sb.Append("@p").Append(r).Append('_').Append(c);
            }
            sb.Append(')');
        }
        return sb.ToString();
    }

    public static string ParameterName(int row, int column) => $"p{row}_{column}";

    /// <summary><c>(from_user_id = @f0 AND client_msg_id = @c0) OR …</c>: an OR of unique-key lookups.</summary>
    public static string SelectByClientMsgIds(int count)
    {
        var sb = new StringBuilder("SELECT ").Append(MessageColumns).Append(" FROM messages WHERE ");
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                sb.Append(" OR ");
            }
            sb.Append("(from_user_id = @f").Append(i).Append(" AND client_msg_id = @c").Append(i).Append(')');
        }
        return sb.ToString();
    }
}
