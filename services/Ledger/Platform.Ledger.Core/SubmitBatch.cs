using System.Buffers.Binary;
using System.Text;

namespace Platform.Ledger.Core;

/// <summary>
/// Several signed events in one Raft entry (group commit): replication and the disk flush are paid once per batch.
/// Every replica validates every event in it, exactly as if each had come in its own <see cref="SubmitEvent"/>, and
/// applies them in batch order, so the verdicts are the same as for the same events one entry each.
/// </summary>
/// <remarks>
/// Entry format 2 (binary, big-endian; README.md, "Log entries"): one version byte 0x02 (a JSON entry, format 1,
/// starts with '{' = 0x7B), uint32 event count, then per event a uint32 length and the compact JWS in ASCII.
/// </remarks>
public sealed record SubmitBatch(IReadOnlyList<string> SignedEvents) : LedgerCommand
{
    /// <summary>First byte of a batch entry.</summary>
    public const byte FormatVersion = 2;

    /// <summary>Size of the entry <see cref="ToBytes"/> writes for events of these lengths (ASCII, one byte a character).</summary>
    public static int EntrySize(int events, long characters) => checked((int)(1 + 4 + (4L * events) + characters));

    public override byte[] ToBytes()
    {
        var bytes = new byte[EntrySize(SignedEvents.Count, SignedEvents.Sum(e => (long)e.Length))];
        bytes[0] = FormatVersion;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(1), (uint)SignedEvents.Count);
        var at = 5;
        foreach (var signedEvent in SignedEvents)
        {
            // A compact JWS is base64url and dots; anything else is not one and would not survive the round trip.
            var written = Encoding.ASCII.GetBytes(signedEvent, bytes.AsSpan(at + 4));
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(at), (uint)written);
            at += 4 + written;
        }
        return bytes;
    }

    /// <summary>Reads a batch entry; null when the bytes are not exactly one (skipped by every replica alike).</summary>
    internal static SubmitBatch? FromEntry(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 5 || bytes[0] != FormatVersion)
        {
            return null;
        }
        var count = BinaryPrimitives.ReadUInt32BigEndian(bytes[1..]);
        if (count == 0 || count > (uint)(bytes.Length - 5) / 4)
        {
            return null;
        }
        var events = new string[count];
        var at = 5;
        for (var i = 0; i < events.Length; i++)
        {
            if (bytes.Length - at < 4)
            {
                return null;
            }
            var length = BinaryPrimitives.ReadUInt32BigEndian(bytes[at..]);
            at += 4;
            if (length > (uint)(bytes.Length - at))
            {
                return null;
            }
            var body = bytes.Slice(at, (int)length);
            if (!Ascii.IsValid(body))
            {
                return null;
            }
            events[i] = Encoding.ASCII.GetString(body);
            at += (int)length;
        }
        return at == bytes.Length ? new SubmitBatch(events) : null;
    }
}
