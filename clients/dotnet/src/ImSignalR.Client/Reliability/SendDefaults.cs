namespace ImSignalR.Client.Reliability;

/// <summary>What a send without a <c>msgFormat</c> means to the SDK. The shared wire models have no
/// initializer for it (the hub refuses a missing one), so the SDK fills it in wherever a send enters.</summary>
internal static class SendDefaults
{
    /// <summary>Text, the format of a send that names none.</summary>
    public const int MsgFormat = 1;
}
