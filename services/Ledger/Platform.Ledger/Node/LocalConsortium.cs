using System.Text.Json;
using Platform.Ledger.Verification;

namespace Platform.Ledger.Node;

/// <summary>
/// The consortium configuration this replica's institution agreed to (<c>Ledger:Consortium:File</c>), or none for a
/// ledger run by one operator. The leader proposes it as the founding entry; every replica trusts the members' CAs
/// for Raft TLS from it until the founding entry is applied (the CA set must be known to reach the others at all),
/// then from the configuration in force on the ledger (<see cref="ConsortiumPeerTrust"/>).
/// </summary>
public sealed class LocalConsortium
{
    private LocalConsortium(ConsortiumConfiguration? configuration) => Configuration = configuration;

    public ConsortiumConfiguration? Configuration { get; }

    public static LocalConsortium None { get; } = new(null);

    /// <summary>Reads and checks the file; throws <see cref="InvalidOperationException"/> (the replica does not start) when it is unusable.</summary>
    public static LocalConsortium Load(string? file, string ledgerId, string replicaName)
    {
        if (string.IsNullOrWhiteSpace(file))
        {
            return None;
        }
        ConsortiumConfiguration? configuration;
        try
        {
            configuration = JsonSerializer.Deserialize<ConsortiumConfiguration>(File.ReadAllText(file),
                new JsonSerializerOptions(JsonSerializerDefaults.Web) { RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new InvalidOperationException($"Ledger:Consortium:File {file} cannot be read as a consortium configuration: {e.Message}", e);
        }
        var problem = configuration is null ? "it is empty." : configuration.Problem();
        if (problem is null && configuration!.LedgerId != ledgerId)
        {
            problem = $"it is for ledger '{configuration.LedgerId}', this replica serves '{ledgerId}' (Ledger:LedgerId).";
        }
        if (problem is null && configuration!.MemberRunning(replicaName) is null)
        {
            problem = $"no member institution runs replica '{replicaName}'.";
        }
        return problem is null
            ? new LocalConsortium(configuration)
            : throw new InvalidOperationException($"Ledger:Consortium:File {file} is unusable: {problem}");
    }
}
