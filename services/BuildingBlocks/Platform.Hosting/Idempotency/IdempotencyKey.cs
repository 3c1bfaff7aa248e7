using System.Text;
using Microsoft.Extensions.Primitives;

namespace Platform.Hosting.Idempotency;

/// <summary>
/// The <c>Idempotency-Key</c> request header (draft-ietf-httpapi-idempotency-key-header): an Item Structured Header
/// whose value MUST be a String (RFC 8941 section 3.3.3), e.g. <c>Idempotency-Key: "8e03978e-40d5-43e8-bc93-6894a57f9324"</c>.
/// Our published format: one header field, a quoted string of 1 to <see cref="MaxLength"/> printable ASCII characters,
/// no parameters. The draft asks servers to publish a fixed format and validate every key against it (its security
/// considerations); a value that is not this format is a 400, never a look-up.
/// </summary>
public static class IdempotencyKey
{
    public const string HeaderName = "Idempotency-Key";

    /// <summary>Characters after unescaping; a UUID (36) is the recommended key.</summary>
    public const int MaxLength = 255;

    /// <summary>The key, or why the header is not one (a sentence for the problem's detail).</summary>
    public static bool TryParse(StringValues fieldLines, out string key, out string error)
    {
        key = "";
        if (fieldLines.Count != 1)
        {
            // The draft: clients MUST NOT send more than one Idempotency-Key field.
            error = $"Send exactly one {HeaderName} header.";
            return false;
        }
        var value = (fieldLines[0] ?? "").Trim(' ');
        if (value.Length < 2 || value[0] != '"')
        {
            error = $"{HeaderName} must be a structured-field String: the key in double quotes, e.g. {HeaderName}: \"8e03978e-40d5-43e8-bc93-6894a57f9324\".";
            return false;
        }
        var parsed = new StringBuilder(value.Length);
        var i = 1;
        for (; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\\')
            {
                // Only \" and \\ are escapes in an sf-string.
                if (i + 1 >= value.Length || value[i + 1] is not ('"' or '\\'))
                {
                    error = $"{HeaderName} has a backslash that escapes neither a quote nor a backslash.";
                    return false;
                }
                parsed.Append(value[++i]);
                continue;
            }
            if (c == '"')
            {
                break;
            }
            if (c is < ' ' or > '~')
            {
                error = $"{HeaderName} may hold only printable ASCII characters.";
                return false;
            }
            parsed.Append(c);
        }
        if (i >= value.Length)
        {
            error = $"{HeaderName} has no closing double quote.";
            return false;
        }
        if (i != value.Length - 1)
        {
            error = $"{HeaderName} must be one quoted string and nothing after it (no parameters).";
            return false;
        }
        if (parsed.Length == 0)
        {
            error = $"{HeaderName} is empty; send a unique key such as a UUID.";
            return false;
        }
        if (parsed.Length > MaxLength)
        {
            error = $"{HeaderName} is longer than {MaxLength} characters.";
            return false;
        }
        key = parsed.ToString();
        error = "";
        return true;
    }
}
