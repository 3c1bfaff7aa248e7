using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Platform.ServiceDefaults.Smart;

/// <summary>
/// One SMART App Launch 2.x resource scope, <c>{patient|user}/{type|*}.{cruds}</c>: the context (the launch's
/// patient, or whatever the user may see), the resource type or every type, and the interactions. The letters must
/// appear in the order <c>c r u d s</c>, each at most once (SMART 2.x); v1 suffixes (<c>.read</c>, <c>.write</c>,
/// <c>.*</c>), <c>system/</c> scopes and granular <c>?param=</c> scopes are not offered and do not parse.
/// </summary>
public sealed record SmartScope(string Context, string ResourceType, SmartPermissions Permissions)
{
    public const string PatientContext = "patient";
    public const string UserContext = "user";
    public const string AnyType = "*";
    private const string Letters = "cruds";

    public static bool TryParse(string? value, [NotNullWhen(true)] out SmartScope? scope)
    {
        scope = null;
        if (string.IsNullOrEmpty(value) || value.Length > 100)
        {
            return false;
        }
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var dot = value.LastIndexOf('.');
        if (slash <= 0 || dot <= slash + 1 || dot == value.Length - 1)
        {
            return false;
        }
        var context = value[..slash];
        var type = value[(slash + 1)..dot];
        if (context is not (PatientContext or UserContext) || !(type == AnyType || IsTypeName(type)))
        {
            return false;
        }
        var permissions = SmartPermissions.None;
        var last = -1;
        foreach (var letter in value[(dot + 1)..])
        {
            var position = Letters.IndexOf(letter, StringComparison.Ordinal);
            if (position <= last)
            {
                // An unknown letter, a repeated one or one out of order: not a v2 scope.
                return false;
            }
            last = position;
            permissions |= (SmartPermissions)(1 << position);
        }
        scope = new SmartScope(context, type, permissions);
        return true;
    }

    /// <summary>This scope grants everything <paramref name="other"/> grants.</summary>
    public bool Covers(SmartScope other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Context == other.Context
               && (ResourceType == AnyType || ResourceType == other.ResourceType)
               && (Permissions & other.Permissions) == other.Permissions;
    }

    /// <summary>This scope grants <paramref name="permission"/> on <paramref name="type"/>.</summary>
    public bool Grants(string type, SmartPermissions permission) =>
        (ResourceType == AnyType || ResourceType == type) && (Permissions & permission) == permission;

    public static string PermissionString(SmartPermissions permissions)
    {
        var text = new StringBuilder(Letters.Length);
        for (var i = 0; i < Letters.Length; i++)
        {
            if (((int)permissions & (1 << i)) != 0)
            {
                text.Append(Letters[i]);
            }
        }
        return text.ToString();
    }

    public override string ToString() => $"{Context}/{ResourceType}.{PermissionString(Permissions)}";

    // A FHIR resource type name: an upper-case ASCII letter, then letters or digits.
    private static bool IsTypeName(string type) =>
        type.Length <= 64 && char.IsAsciiLetterUpper(type[0]) && type.All(char.IsAsciiLetterOrDigit);
}
