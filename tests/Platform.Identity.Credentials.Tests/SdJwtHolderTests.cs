using System.Text.Json.Nodes;

namespace Platform.Identity.Credentials.Tests;

public sealed class SdJwtHolderTests : IDisposable
{
    private readonly CraftedIssuer _issuer = new();

    public void Dispose() => _issuer.Dispose();

    [Fact]
    public void Accept_refuses_a_disclosure_the_sd_jwt_does_not_reference()
    {
        var payload = _issuer.Payload();
        payload["_sd"] = CraftedIssuer.Digests(Disclosure.ForClaim("given_name", "Erika"));

        var error = Assert.Throws<SdJwtException>(() => SdJwtHolder.Accept(_issuer.SdJwt(payload, Disclosure.ForClaim("given_name", "Erika"))));

        Assert.Equal(SdJwtError.DisclosureNotReferenced, error.Error);
    }

    [Fact]
    public void Accept_refuses_an_issuance_that_already_has_key_binding()
    {
        var issuance = _issuer.SdJwt(_issuer.Payload()) + _issuer.Jwt(new JsonObject());

        Assert.Throws<SdJwtException>(() => SdJwtHolder.Accept(issuance));
    }

    [Fact]
    public void Selecting_a_nested_claim_brings_its_enclosing_disclosure()
    {
        var street = Disclosure.ForClaim("street", "Heidestraße 17");
        var address = Disclosure.ForClaim("address", new JsonObject { ["_sd"] = CraftedIssuer.Digests(street) });
        var given = Disclosure.ForClaim("given_name", "Erika");
        var payload = _issuer.Payload();
        payload["_sd"] = CraftedIssuer.Digests(given, address);
        var sdJwt = SdJwtHolder.Accept(_issuer.SdJwt(payload, given, address, street));

        var selected = SdJwtHolder.SelectByClaimName(sdJwt, ["street"]);

        Assert.Equal(["address", "street"], selected.Select(d => d.ClaimName));
    }

    [Fact]
    public void Present_keeps_issuance_order_once_each_and_ends_with_a_tilde()
    {
        var a = Disclosure.ForClaim("a", 1);
        var b = Disclosure.ForClaim("b", 2);
        var payload = _issuer.Payload();
        payload["_sd"] = CraftedIssuer.Digests(a, b);
        var sdJwt = SdJwtHolder.Accept(_issuer.SdJwt(payload, a, b));

        var presented = SdJwtHolder.Present(sdJwt, [b, a, b]);

        Assert.Equal(sdJwt.IssuerSignedJwt + "~" + a.Encoded + "~" + b.Encoded + "~", presented.Compact);
        Assert.Equal(sdJwt.IssuerSignedJwt + "~", SdJwtHolder.Present(sdJwt, []).Compact);
    }

    [Fact]
    public void Present_refuses_a_disclosure_from_elsewhere()
    {
        var sdJwt = SdJwtHolder.Accept(_issuer.SdJwt(_issuer.Payload()));

        Assert.Throws<ArgumentException>(() => SdJwtHolder.Present(sdJwt, [Disclosure.ForClaim("given_name", "Mallory")]));
    }
}
