using Platform.Identity.Testing;

namespace Platform.Security.Tests;

/// <summary>
/// One kind of caller: its column in AccessMatrix.md, its account (none for anonymous and service clients), its
/// bearer token (none for anonymous), and its browser with the identity service's sign-in cookie (user accounts).
/// </summary>
public sealed record Principal(string Kind, TestAccount? Account, string? Token, FormSession? Browser);
