using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;

namespace Platform.Identity.Credentials.Tests;

public sealed class DisclosureTests
{
    [Fact]
    public void A_new_disclosure_round_trips_through_its_encoding()
    {
        var value = new JsonObject { ["street"] = "Hauptstraße 1", ["n"] = 42, ["ok"] = true, ["none"] = null };
        var created = Disclosure.ForClaim("address", value);

        var parsed = Disclosure.Parse(created.Encoded);

        Assert.Equal(created.Salt, parsed.Salt);
        Assert.Equal("address", parsed.ClaimName);
        Assert.True(JsonNode.DeepEquals(value, parsed.Value));
        Assert.Equal(created.Digest, parsed.Digest);
    }

    [Fact]
    public void Salts_are_128_random_bits_in_base64url()
    {
        var salts = Enumerable.Range(0, 200).Select(_ => Disclosure.ForClaim("x", 1).Salt).ToList();

        Assert.All(salts, s => Assert.Equal(16, Base64Url.DecodeFromChars(s).Length));
        Assert.Equal(salts.Count, salts.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Encoding_is_base64url_of_the_utf8_json_array()
    {
        var disclosure = Disclosure.Create("salt", "given_name", "Zoë");

        Assert.Equal("[\"salt\",\"given_name\",\"Zoë\"]", Encoding.UTF8.GetString(Base64Url.DecodeFromChars(disclosure.Encoded)));
        Assert.DoesNotContain('=', disclosure.Encoded);
    }

    [Fact]
    public void Array_element_disclosures_have_two_elements()
    {
        var disclosure = Disclosure.ForArrayElement("DE");

        var json = JsonNode.Parse(Base64Url.DecodeFromChars(disclosure.Encoded))!.AsArray();
        Assert.Equal(2, json.Count);
        Assert.True(Disclosure.Parse(disclosure.Encoded).IsArrayElement);
    }

    [Fact]
    public void Value_is_a_copy()
    {
        var disclosure = Disclosure.ForClaim("address", new JsonObject { ["city"] = "Berlin" });

        disclosure.Value!["city"] = "Paris";

        Assert.Equal("Berlin", disclosure.Value!["city"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("_sd")]
    [InlineData("...")]
    public void Reserved_claim_names_are_refused(string name)
    {
        Assert.Throws<ArgumentException>(() => Disclosure.ForClaim(name, "x"));
        var error = Assert.Throws<SdJwtException>(() => Disclosure.Parse(Encode($"[\"salt\",\"{name}\",\"x\"]")));
        Assert.Equal(SdJwtError.MalformedDisclosure, error.Error);
    }

    [Theory]
    [InlineData("not base64url!")]
    [InlineData("WyJzYWx0IiwiYSIsMV0=")] // padded
    [InlineData("WyJzYWx0Ii wiYSIsMV0")] // whitespace
    [InlineData("WyJzYWx0I+wiYSIsMV0")] // '+' is base64, not base64url
    [InlineData("A")] // impossible length
    public void Text_outside_strict_base64url_is_refused(string encoded)
    {
        Assert.Equal(SdJwtError.MalformedDisclosure, Assert.Throws<SdJwtException>(() => Disclosure.Parse(encoded)).Error);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"salt\":\"s\"}")]
    [InlineData("[\"salt\"]")]
    [InlineData("[\"salt\",\"a\",1,2]")]
    [InlineData("[1,\"a\",1]")]
    [InlineData("[\"\",\"a\",1]")]
    [InlineData("[\"salt\",7,1]")]
    [InlineData("[\"salt\",\"a\",{\"k\":1,\"k\":2}]")] // duplicate member: the holder and verifier could read different values
    [InlineData("[\"salt\",\"a\",1] trailing")]
    public void Json_that_is_not_a_disclosure_array_is_refused(string json)
    {
        Assert.Equal(SdJwtError.MalformedDisclosure, Assert.Throws<SdJwtException>(() => Disclosure.Parse(Encode(json))).Error);
    }

    [Fact]
    public void Invalid_utf8_is_refused()
    {
        var bytes = Encoding.UTF8.GetBytes("[\"salt\",\"a\",\"x\"]");
        bytes[^3] = 0xFF;

        Assert.Equal(SdJwtError.MalformedDisclosure,
            Assert.Throws<SdJwtException>(() => Disclosure.Parse(Base64Url.EncodeToString(bytes))).Error);
    }

    private static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
}
