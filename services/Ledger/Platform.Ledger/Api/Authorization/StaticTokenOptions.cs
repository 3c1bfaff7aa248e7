using Microsoft.AspNetCore.Authentication;
using Platform.Ledger.Node;

namespace Platform.Ledger.Api.Authorization;

/// <summary>Which of the ledger's configured static tokens one <see cref="StaticTokenHandler"/> scheme admits, by name.</summary>
public sealed class StaticTokenOptions : AuthenticationSchemeOptions
{
    /// <summary>The tokens (name → token) this scheme admits; read on every request, so a reloaded Secret applies.</summary>
    public Func<LedgerNodeOptions, IEnumerable<KeyValuePair<string, string>>> Tokens { get; set; } = _ => [];
}
