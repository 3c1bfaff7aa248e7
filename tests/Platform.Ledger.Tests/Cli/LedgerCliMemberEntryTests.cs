using System.Buffers.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Crypto;
using Platform.Ledger.Cli;
using Platform.Ledger.Replication;
using Platform.Ledger.Verification;
using Platform.Testing;

namespace Platform.Ledger.Tests.Cli;

/// <summary>
/// <c>ledger member-entry</c> reads a replica's public checkpoint key from the institution's key provider (a key
/// directory, and a SoftHSM2 token over PKCS#11) as the replica does, and prints an entry a proposal can admit.
/// </summary>
public sealed class LedgerCliMemberEntryTests(SoftHsmFixture hsm) : IClassFixture<SoftHsmFixture>, IDisposable
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    private readonly string _directory = Directory.CreateTempSubdirectory("ledger-member-entry-").FullName;

    [Fact]
    public async Task The_entry_carries_the_key_the_replica_signs_with_and_is_admissible()
    {
        var keys = Settings(("Provider", "Software"), ("Software:KeyDirectory", Path.Combine(_directory, "keys")));
        var replicaSigned = await SignAsReplicaAsync(keys, "ledger-3"); // the replica made its key at its first start
        using var authority = ReplicaCertificateAuthority.Create("Clinique Est CA", TimeSpan.FromDays(1));

        var (exit, stdout, stderr) = await RunAsync(keys, "member-entry", "--name", "Clinique Est", "--replica", "ledger-3",
            "--endpoint", "ledger-3.est.example.org:7000", "--api-url", "https://ledger.est.example.org/", "--ca", await CaFileAsync(authority));
        Assert.True(exit == LedgerCli.Valid, stderr);
        var member = JsonSerializer.Deserialize<ConsortiumMember>(stdout, Web)!; // as `governance propose --admit` reads it
        Assert.Equal(("Clinique Est", "ledger-3"), (member.Name, Assert.Single(member.Replicas)));
        Assert.Contains("Clinique Est", stdout, StringComparison.Ordinal); // not escaped: an operator reads it
        var key = Assert.Single(member.CheckpointKeys);
        Assert.True(key.Verifies(replicaSigned.Data, replicaSigned.Signature), "the exported key does not verify the replica's signature");
        Assert.Equal(replicaSigned.Kid, key.Kid);
        Assert.Equal(authority.Certificate.Thumbprint, member.Authority()!.Thumbprint);
        Assert.Equal(new ReplicaAddress("ledger-3", "ledger-3.est.example.org:7000", new Uri("https://ledger.est.example.org/")), Assert.Single(member.Endpoints!));

        // A founding configuration admits it as printed.
        var founding = new ConsortiumConfiguration("consortium-ledger", ConsortiumConfiguration.MajorityOfMembers,
            [member with { Name = "Hôpital Nord", Replicas = ["ledger-0"], CheckpointKeys = [key with { Replica = "ledger-0", Kid = "other" }], Endpoints = null }]);
        var (next, problem) = founding.With([new GovernanceAction(GovernanceAction.Admit, member)]);
        Assert.True(problem is null, problem);
        Assert.Equal(["Hôpital Nord", "Clinique Est"], next!.Members.Select(m => m.Name));
    }

    [Fact]
    public async Task The_key_is_read_from_a_PKCS11_token_as_the_replica_reads_it()
    {
        var keys = Settings(("Provider", "Pkcs11"), ("Pkcs11:LibraryPath", hsm.LibraryPath), ("Pkcs11:TokenLabel", hsm.TokenLabel),
            ("Pkcs11:UserPin", hsm.UserPin), ("Pkcs11:KeyLabelPrefix", "ledger-"));
        using var authority = ReplicaCertificateAuthority.Create("Hôpital Nord CA", TimeSpan.FromDays(1));
        var ca = await CaFileAsync(authority);

        // First run: no key yet, the token creates it (as the replica's first start would); the replica then signs with it.
        var (exit, stdout, stderr) = await RunAsync(keys, "member-entry", "--name", "Hôpital Nord", "--replica", "nord-ledger-0", "--ca", ca);
        Assert.True(exit == LedgerCli.Valid, stderr);
        var key = Assert.Single(JsonSerializer.Deserialize<ConsortiumMember>(stdout, Web)!.CheckpointKeys);
        var signed = await SignAsReplicaAsync(keys, "nord-ledger-0");
        Assert.Equal(signed.Kid, key.Kid);
        Assert.True(key.Verifies(signed.Data, signed.Signature), "the exported key does not verify the token key's signature");
        Assert.Null(JsonSerializer.Deserialize<ConsortiumMember>(stdout, Web)!.Endpoints);

        // Again: the same key, not a new one.
        var (_, again, _) = await RunAsync(keys, "member-entry", "--name", "Hôpital Nord", "--replica", "nord-ledger-0", "--ca", ca);
        Assert.Equal(stdout, again);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_the_reason()
    {
        var keys = Settings(("Provider", "Software"), ("Software:KeyDirectory", Path.Combine(_directory, "keys")));
        var notPem = Path.Combine(_directory, "not.pem");
        await File.WriteAllTextAsync(notPem, "not a certificate");
        using var authority = ReplicaCertificateAuthority.Create("CA", TimeSpan.FromDays(1));
        var ca = await CaFileAsync(authority);

        var (exit, _, stderr) = await RunAsync(keys, "member-entry", "--name", "Est", "--replica", "ledger-3", "--ca", notPem);
        Assert.Equal((LedgerCli.Unusable, true), (exit, stderr.Contains("as a PEM certificate", StringComparison.Ordinal)));
        (exit, _, stderr) = await RunAsync(keys, "member-entry", "--name", "Est", "--endpoint", "ledger-3:7000", "--replica", "ledger-3", "--ca", ca);
        Assert.Equal((LedgerCli.Unusable, true), (exit, stderr.Contains("follows the --replica it is for", StringComparison.Ordinal)));
        (exit, _, stderr) = await RunAsync(keys, "member-entry", "--name", "Est", "--replica", "ledger-3", "--endpoint", "no-port", "--ca", ca);
        Assert.Equal((LedgerCli.Unusable, true), (exit, stderr.Contains("is not host:port", StringComparison.Ordinal)));
        (exit, _, stderr) = await RunAsync(keys, "member-entry", "--replica", "ledger-3", "--ca", ca);
        Assert.Equal((LedgerCli.Unusable, true), (exit, stderr.Contains("usage:", StringComparison.Ordinal)));
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(IConfiguration keys, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await MemberEntryCommand.RunAsync(args, output, error, keys);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>Signs a checkpoint's bytes with the replica's key, through a key provider of its own as the replica's process has.</summary>
    private static async Task<(string Kid, byte[] Data, byte[] Signature)> SignAsReplicaAsync(IConfiguration keys, string replica)
    {
        var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddKeyProvider(keys);
        await using var provider = services.BuildServiceProvider();
        var key = await provider.GetRequiredService<IKeyProvider>().GetSigningKeyAsync(replica, CancellationToken.None);
        var data = new Checkpoint("consortium-ledger", 3, Base64Url.EncodeToString(new byte[32]), 1_800_000_000_000).SigningBytes();
        return (key.KeyId, data, await key.SignAsync(data, CancellationToken.None));
    }

    private async Task<string> CaFileAsync(ReplicaCertificateAuthority authority)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".pem");
        await File.WriteAllTextAsync(path, authority.Certificate.ExportCertificatePem());
        return path;
    }

    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
