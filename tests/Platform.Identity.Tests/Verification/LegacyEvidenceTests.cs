using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Crypto;
using Platform.Crypto.Software;
using Platform.Identity.Data;
using Platform.Identity.Verification;

namespace Platform.Identity.Tests.Verification;

/// <summary>
/// Evidence sealed before formats were versioned stays readable and is moved to the length-prefixed format. The vector
/// was produced by the previous EvidenceCipher (newline-joined associated data, commit ec877bb) under a software KEK
/// whose key file held the bytes A0..BF.
/// </summary>
public sealed class LegacyEvidenceTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly byte[] Content = """{"form":{"GivenNames":"ERIKA","FamilyName":"MUSTERMANN"}}"""u8.ToArray();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "legacy-evidence-" + Guid.NewGuid().ToString("N"));
    private readonly SoftwareKeyProvider _keys;

    public LegacyEvidenceTests()
    {
        var kekDirectory = Path.Combine(_directory, "kek", EvidenceCipher.KekName);
        Directory.CreateDirectory(kekDirectory);
        File.WriteAllBytes(Path.Combine(kekDirectory, "1.key"), Enumerable.Range(0, 32).Select(i => (byte)(0xA0 + i)).ToArray());
        _keys = new SoftwareKeyProvider(new SoftwareKeyProviderOptions { KeyDirectory = _directory }, NullLogger<SoftwareKeyProvider>.Instance);
    }

    public void Dispose()
    {
        _keys.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static KycEvidenceRow LegacyRow() => new()
    {
        Id = Guid.Parse("836a4050-1ae7-4ec5-84a0-a1ac89ca095b"),
        CaseId = Guid.Parse("5b0c2f4e-8a61-4d3e-9f1a-2c7d8e9b0a11"),
        FormatVersion = EvidenceFormat.NewlineJoined,
        Kind = "application",
        ContentType = "application/json",
        Nonce = Convert.FromBase64String("WcelKrRKIev+qw19"),
        Tag = Convert.FromBase64String("/rr3L+x6dH60LJ8e6uOf+g=="),
        Ciphertext = Convert.FromBase64String("PDJW5ZcyDuE2ltaHL7W7DP3tOugk3GFUkbe1/oaV/w5BzfqhbQl9KbdJ6lVSZsD6pj/2MVTdMsVp"),
        KekName = "kyc-evidence-kek",
        KekVersion = "1",
        WrapAlgorithm = "A256KWP",
        WrappedKey = Convert.FromBase64String("Igy//PjoW5pimvgu9hwGypyNYqkkBpBHU3U3HhIn+9o6BJUXkXkjYw=="),
        CreatedAtMs = 1764720000000,
    };

    [Fact]
    public async Task Evidence_written_by_the_old_code_still_opens()
    {
        Assert.Equal(Content, await new EvidenceCipher(_keys).OpenAsync(LegacyRow(), None));
    }

    [Fact]
    public async Task Legacy_evidence_read_as_the_new_format_or_moved_to_another_case_fails()
    {
        var cipher = new EvidenceCipher(_keys);
        var asCurrent = LegacyRow();
        asCurrent.FormatVersion = EvidenceFormat.LengthPrefixed;
        var moved = LegacyRow();
        moved.CaseId = Guid.NewGuid();
        var unknown = LegacyRow();
        unknown.FormatVersion = 7;

        await Assert.ThrowsAnyAsync<CryptographicException>(() => cipher.OpenAsync(asCurrent, None));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => cipher.OpenAsync(moved, None));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => cipher.OpenAsync(unknown, None));
    }

    [Fact]
    public async Task New_evidence_is_written_length_prefixed_and_bound_to_its_kind()
    {
        var cipher = new EvidenceCipher(_keys);
        var row = await cipher.SealAsync(Guid.NewGuid(), "selfie", "image/jpeg", Content, DateTimeOffset.UnixEpoch, None);

        Assert.Equal(EvidenceFormat.Current, row.FormatVersion);
        Assert.Equal(Content, await cipher.OpenAsync(row, None));
        row.Kind = "document";
        await Assert.ThrowsAnyAsync<CryptographicException>(() => cipher.OpenAsync(row, None));
    }

    [Fact]
    public async Task The_resealer_moves_legacy_rows_to_the_current_format_and_leaves_unreadable_ones()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IKeyProvider>(_keys)
            .AddSingleton<EvidenceCipher>()
            .AddSingleton(TimeProvider.System)
            .AddSingleton<LegacyEvidenceResealer>()
            .AddDbContext<IdentityServiceDbContext>(o => o.UseSqlite(connection));
        await using var provider = services.BuildServiceProvider();
        var tampered = LegacyRow();
        tampered.Id = Guid.NewGuid(); // bound to another id: does not authenticate
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>();
            await db.Database.EnsureCreatedAsync();
            db.KycEvidence.AddRange(LegacyRow(), tampered);
            await db.SaveChangesAsync();
        }

        var moved = await provider.GetRequiredService<LegacyEvidenceResealer>().ResealAllAsync(None);

        Assert.Equal(1, moved);
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>();
            var row = await db.KycEvidence.AsNoTracking().SingleAsync(e => e.Id == LegacyRow().Id);
            Assert.Equal(EvidenceFormat.Current, row.FormatVersion);
            Assert.NotEqual(LegacyRow().WrappedKey, row.WrappedKey);
            Assert.Equal(Content, await provider.GetRequiredService<EvidenceCipher>().OpenAsync(row, None));
            Assert.Equal(EvidenceFormat.NewlineJoined, (await db.KycEvidence.AsNoTracking().SingleAsync(e => e.Id == tampered.Id)).FormatVersion);
        }
        Assert.Equal(0, await provider.GetRequiredService<LegacyEvidenceResealer>().ResealAllAsync(None));
    }
}
