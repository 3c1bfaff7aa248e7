using System.Globalization;

namespace Platform.Crypto;

/// <summary>
/// Version numbering for providers that manage versions themselves (software, PKCS#11): "1", "2", ...
/// Numbers make "current = highest" unambiguous without a separate index to keep in sync.
/// </summary>
internal static class KeyVersions
{
    public const string First = "1";

    public static string Format(int version) => version.ToString(CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out int version) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out version) && version > 0
        && Format(version) == text; // canonical form only, so "01" and "1" cannot name the same key twice

    public static string Next(IEnumerable<int> existing) => Format(existing.DefaultIfEmpty(0).Max() + 1);
}
