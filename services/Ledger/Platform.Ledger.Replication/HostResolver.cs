using System.Net;

namespace Platform.Ledger.Replication;

/// <summary>Resolves a member's host name to the addresses to try, in order.</summary>
public delegate ValueTask<IPAddress[]> HostResolver(string host, CancellationToken ct);
