using System.Security.Cryptography;
using System.Text;
using Platform.Contracts.CodeLists;
using Platform.RecordVault.Core;

namespace Platform.RecordVault.Tests.Infrastructure;

/// <summary>Plaintexts with a recognisable marker, and helpers to look for bytes inside other bytes.</summary>
public static class Payloads
{
    public const string Marker = "PLAINTEXT-MARKER-7f3a9c";

    public static readonly RecordBinding Binding = new("rec-0001", 1, "patient-pseudonym-42", RecordCategories.Observation);

    public static byte[] Fhir() => Encoding.UTF8.GetBytes(
        $$"""{"resourceType":"Observation","status":"final","code":{"text":"{{Marker}}"},"valueString":"{{Marker}}"}""");

    /// <summary>Random bytes with the marker repeated throughout (so it would survive any partial leak).</summary>
    public static byte[] Large(int length)
    {
        var data = RandomNumberGenerator.GetBytes(length);
        var marker = Encoding.ASCII.GetBytes(Marker);
        for (var at = 0; at + marker.Length <= length; at += 4096)
        {
            marker.CopyTo(data, at);
        }
        return data;
    }

    public static bool Contains(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle) => haystack.IndexOf(needle) >= 0;

    public static bool ContainsMarker(ReadOnlySpan<byte> haystack) => Contains(haystack, Encoding.ASCII.GetBytes(Marker));

    public static bool IsAllZero(byte[] bytes) => !bytes.AsSpan().ContainsAnyExcept((byte)0);
}
