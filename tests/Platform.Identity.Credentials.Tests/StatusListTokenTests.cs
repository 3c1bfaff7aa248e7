using Platform.Identity.Credentials;

namespace Platform.Identity.Credentials.Tests;

public sealed class StatusListTokenTests(IssuerFixture issuer) : IClassFixture<IssuerFixture>
{
    private static readonly Uri ListUri = new("https://identity.example.test/credentials/status-list");

    [Fact]
    public async Task Revoked_indexes_read_back_as_revoked_and_the_others_as_valid()
    {
        var token = await StatusListToken.IssueAsync(issuer.SigningKey, ListUri, 20, [3, 9, 16], DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5), CancellationToken.None);
        var key = issuer.SigningKey.GetPublicJwk();

        foreach (var index in new long[] { 0, 1, 2, 4, 8, 10, 15, 17, 19 })
        {
            Assert.False(StatusListToken.IsRevoked(token, ListUri, index, _ => key), $"index {index}");
        }
        foreach (var index in new long[] { 3, 9, 16 })
        {
            Assert.True(StatusListToken.IsRevoked(token, ListUri, index, _ => key), $"index {index}");
        }
    }

    [Fact]
    public async Task A_list_for_another_uri_a_forged_signature_or_an_index_outside_the_list_cannot_be_used()
    {
        var token = await StatusListToken.IssueAsync(issuer.SigningKey, ListUri, 8, [], DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5), CancellationToken.None);
        var key = issuer.SigningKey.GetPublicJwk();

        Assert.Throws<SdJwtException>(() => StatusListToken.IsRevoked(token, new Uri("https://other.example/list"), 0, _ => key));
        Assert.Throws<SdJwtException>(() => StatusListToken.IsRevoked(token[..^4] + "AAAA", ListUri, 0, _ => key));
        Assert.Throws<SdJwtException>(() => StatusListToken.IsRevoked(token, ListUri, 64, _ => key));
        Assert.Throws<SdJwtException>(() => StatusListToken.IsRevoked(token, ListUri, 0, _ => null));
    }
}
