using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace ImSignalR.Bench.Micro;

/// <summary>"Bytes/msg": the framed size of the benchmarked message in the benchmark's protocol.</summary>
internal sealed class MessageSizeColumn : IColumn
{
    private static readonly Lazy<int> MessagePackSize = new(() => HubMessagePack.Create().GetMessageBytes(ReceiveC2CInvocation.Create()).Length);
    private static readonly Lazy<int> JsonSize = new(() => new JsonHubProtocol().GetMessageBytes(ReceiveC2CInvocation.Create()).Length);

    public string Id => nameof(MessageSizeColumn);
    public string ColumnName => "Bytes/msg";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Size;
    public string Legend => "Framed size of the ReceiveC2C invocation in this protocol";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var name = benchmarkCase.Descriptor.WorkloadMethod.Name;
        return name.Contains("MessagePack", StringComparison.Ordinal) ? MessagePackSize.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : JsonSize.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
