using Microsoft.Extensions.Primitives;
using Platform.Hosting.Idempotency;

namespace Platform.BuildingBlocks.Tests.Idempotency;

/// <summary>The header's published format: one RFC 8941 sf-string of 1-255 printable ASCII characters, no parameters.</summary>
public sealed class IdempotencyKeyHeaderTests
{
    [Theory]
    [InlineData("\"8e03978e-40d5-43e8-bc93-6894a57f9324\"", "8e03978e-40d5-43e8-bc93-6894a57f9324")]
    [InlineData("  \"a b\"  ", "a b")]
    [InlineData("\"quote \\\" and backslash \\\\\"", "quote \" and backslash \\")]
    [InlineData("\"x\"", "x")]
    public void Valid_strings_are_unquoted_and_unescaped(string header, string expected)
    {
        Assert.True(IdempotencyKey.TryParse(new StringValues(header), out var key, out var error), error);
        Assert.Equal(expected, key);
    }

    [Theory]
    [InlineData("8e03978e-40d5-43e8-bc93-6894a57f9324", "double quotes")] // a Token, not a String
    [InlineData("\"\"", "empty")]
    [InlineData("", "double quotes")]
    [InlineData("\"unterminated", "closing")]
    [InlineData("\"a\";p=1", "nothing after")]
    [InlineData("\"a\", \"b\"", "nothing after")]
    [InlineData("\"bad \\n escape\"", "backslash")]
    [InlineData("\"tab\there\"", "printable")]
    [InlineData("\"caf\u00e9\"", "printable")]
    public void Anything_else_is_refused_with_a_reason(string header, string reason)
    {
        Assert.False(IdempotencyKey.TryParse(new StringValues(header), out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void At_most_255_characters_and_exactly_one_field()
    {
        Assert.True(IdempotencyKey.TryParse(new StringValues($"\"{new string('k', 255)}\""), out _, out _));
        Assert.False(IdempotencyKey.TryParse(new StringValues($"\"{new string('k', 256)}\""), out _, out var tooLong));
        Assert.Contains("255", tooLong, StringComparison.Ordinal);
        Assert.False(IdempotencyKey.TryParse(new StringValues(["\"a\"", "\"a\""]), out _, out var twice));
        Assert.Contains("exactly one", twice, StringComparison.Ordinal);
    }

    [Fact]
    public void Scope_separates_callers_and_cannot_be_forged_by_shifting_characters()
    {
        Assert.NotEqual(IdempotencyScope.RecordId("sub:alice", "k"), IdempotencyScope.RecordId("sub:bob", "k"));
        // Without length prefixes "ab"+"c" and "a"+"bc" would be the same scope.
        Assert.NotEqual(IdempotencyScope.RecordId("ab", "c"), IdempotencyScope.RecordId("a", "bc"));
        Assert.Equal(64, IdempotencyScope.RecordId("sub:alice", "k").Length);
    }
}
