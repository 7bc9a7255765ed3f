using System.Buffers;
using ImSignalR.Contracts;
using ImSignalR.Hub.Protocols.MessagePack;
using Microsoft.AspNetCore.SignalR.Protocol;
using Xunit.Abstractions;

namespace ImSignalR.UnitTests.Protocols.MessagePack;

/// <summary>
/// Random and mutated frames through the official parser as the hub registers it (framing, MessagePack,
/// binding, the strict string formatter). The only outcomes allowed: a message, a binding-failure
/// message, "need more data", or <see cref="InvalidDataException"/> — never another exception type,
/// which SignalR would log as an unexpected error. A hang would show as the run never finishing.
/// </summary>
public sealed class MessagePackFuzzTests(ITestOutputHelper output)
{
    private const int Cases = 120_000;
    private const int Seed = 20261122;

    private static readonly FakeInvocationBinder Binder = new FakeInvocationBinder()
        .Method("method", typeof(int))
        .Method(HubMethods.SendC2C, typeof(SendRequest))
        .Method(HubMethods.Ack, typeof(AckRequest))
        .Method(HubMethods.SyncMessages, typeof(SyncRequest))
        .Method("Mixed", typeof(object), typeof(SyncResult), typeof(DateTime?), typeof(byte[]))
        .Returns("xyz", typeof(SyncResult))
        .StreamItem("xyz", typeof(ImMessage));

    private static readonly string[] ValidPayloads =
    [
        "9601 80 A378797A A66D6574686F64 912A 90",
        "9601 80 C0 A66D6574686F64 912A 90",
        "9501 80 A0 A66D6574686F64 912A",
        "9601 81A3666F6FA3626172 A378797A A66D6574686F64 912A 92A131A132",
        "9604 80 A378797A A66D6574686F64 912A 90",
        "9402 80 A378797A 8BA56D73674964AD31323334353637383930313233AB636C69656E744D73674964A3632D31A6636861744964A7635F75315F7532A373657107AA66726F6D557365724964A27531A8746F557365724964A27532A7636F6E74656E74A568656C6C6FA96D7367466F726D617401A3657874C0A873656E6454696D65CF0000019AAB019900A673746174757301",
        "9403 80 A378797A 02",
        "9503 80 A378797A 01 A54572726F72",
        "9503 80 A378797A 03 83A86D65737361676573918BA56D73674964AD31323334353637383930313233AB636C69656E744D73674964A3632D31A6636861744964A7635F75315F7532A373657107AA66726F6D557365724964A27531A8746F557365724964A27532A7636F6E74656E74A568656C6C6FA96D7367466F726D617401A3657874C0A873656E6454696D65CF0000019AAB019900A673746174757301A76861734D6F7265C2AC6D617853657142794368617482A7635F75315F753207A7635F75315F7533CE00011170",
        "9305 80 A378797A",
        "9106",
        "9307 A378797A C3",
        "9208 CC24",
        "9209 CC13",
        "9601 80 A131 A753656E64433243 9185AB636C69656E744D73674964A3632D31A8746F557365724964A27532A7636F6E74656E74A26869A96D7367466F726D617401A5657874726181A161920102 90",
        "9601 80 A132 A341636B 9182A66D736749647392A131A132A6737461747573A452656164 90",
        "9601 80 A133 AC53796E634D65737361676573 9183A6636861744964A7635F75315F7532A86166746572536571CD012CA56C696D697432 90",
        "9601 80 A134 A54D69786564 94 82A161DC0002C3C2A162D7FF7735940000000000 80 D7FF1D5353006B02BD20 C403010203 90",
    ];

    private static readonly byte[] Interesting =
    [
        0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9,
        0xCA, 0xCB, 0xCC, 0xCD, 0xCE, 0xCF, 0xD0, 0xD3, 0xD4, 0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF, 0xE0, 0xFF,
    ];

    [Fact]
    public void RandomAndMutatedFramesOnlyEverYieldMessagesBindingFailuresOrProtocolErrors()
    {
        var random = new Random(Seed);
        var valid = ValidPayloads.Select(Frames.Frame).ToArray();
        var protocol = ImMessagePackHubProtocol.Create();
        var outcomes = new Dictionary<string, int>();

        for (var i = 0; i < Cases; i++)
        {
            var input = (i % 4) switch
            {
                0 => RandomBytes(random),
                1 => RandomFrame(random),
                _ => Mutate(random, valid[random.Next(valid.Length)]),
            };
            var outcome = Run(protocol, input, i);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        output.WriteLine(Describe(outcomes));
        // The mix must reach every outcome, or the fuzzer is not exercising the parser.
        Assert.True(outcomes.GetValueOrDefault("message") > 1000, Describe(outcomes));
        Assert.True(outcomes.GetValueOrDefault("binding failure") > 100, Describe(outcomes));
        Assert.True(outcomes.GetValueOrDefault("protocol error") > 1000, Describe(outcomes));
        Assert.True(outcomes.GetValueOrDefault("incomplete") > 100, Describe(outcomes));
    }

    private static string Run(ImMessagePackHubProtocol protocol, byte[] bytes, int index)
    {
        var input = new ReadOnlySequence<byte>(bytes);
        var outcome = "incomplete";
        try
        {
            // Each successful parse consumes at least two bytes, so this loop ends.
            while (protocol.TryParseMessage(ref input, Binder, out var message))
            {
                if (message is InvocationBindingFailureMessage or StreamBindingFailureMessage)
                {
                    outcome = "binding failure";
                    continue;
                }
                outcome = "message";
                RoundTrip(protocol, message, bytes, index);
            }
        }
        catch (InvalidDataException)
        {
            return "protocol error";
        }
        catch (Exception ex)
        {
            Assert.Fail($"Case {index} ({Convert.ToHexString(bytes)}) threw {ex}");
        }
        return outcome;
    }

    private static void RoundTrip(ImMessagePackHubProtocol protocol, HubMessage message, byte[] bytes, int index)
    {
        try
        {
            protocol.GetMessageBytes(message);
        }
        catch (Exception ex)
        {
            Assert.Fail($"Case {index} ({Convert.ToHexString(bytes)}) parsed but failed to write: {ex}");
        }
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 48)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] RandomFrame(Random random)
    {
        var payload = new byte[random.Next(1, 40)];
        random.NextBytes(payload);
        payload[0] = (byte)(0x91 + random.Next(0, 8)); // an array, usually
        if (payload.Length > 1)
        {
            payload[1] = (byte)random.Next(0, 11);
        }
        return [(byte)payload.Length, .. payload];
    }

    private static byte[] Mutate(Random random, byte[] frame)
    {
        var bytes = new List<byte>(frame);
        var mutations = random.Next(1, 4);
        for (var m = 0; m < mutations && bytes.Count > 0; m++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes[at] = Interesting[random.Next(Interesting.Length)];
                    break;
                case 2:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 3:
                    bytes.RemoveAt(at);
                    break;
                case 4:
                    bytes.Insert(at, Interesting[random.Next(Interesting.Length)]);
                    break;
                case 5:
                    bytes.RemoveRange(at, bytes.Count - at); // truncation
                    break;
                default:
                    // Keep the frame length consistent so the payload itself is what's broken.
                    bytes[at] = Interesting[random.Next(Interesting.Length)];
                    if (bytes.Count > 1 && frame[0] < 0x80)
                    {
                        bytes[0] = (byte)Math.Min(bytes.Count - 1, 0x7F);
                    }
                    break;
            }
        }
        return [.. bytes];
    }

    private static string Describe(Dictionary<string, int> outcomes) =>
        string.Join(", ", outcomes.Select(o => $"{o.Key}: {o.Value}"));
}
