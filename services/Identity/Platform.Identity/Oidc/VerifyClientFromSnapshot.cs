using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Platform.Identity.Oidc;

/// <summary>
/// Authenticates a client_credentials token request's client from its <see cref="ClientSnapshot"/> (issue 18):
/// a confidential client whose secret is stored in the keyed form and matches (constant-time HMAC comparison, as the
/// application manager does). When it does, the snapshot is left in the transaction and OpenIddict's own client id,
/// type and secret handlers are not built for the request (<see cref="RequireClientNotVerifiedFromSnapshot"/>).
/// Anything else — an unknown client, a wrong secret, a public client, a client assertion, a secret still in
/// OpenIddict's PBKDF2 form — is left to those handlers, so every refusal, its error and its log line stay OpenIddict's.
/// </summary>
public sealed class VerifyClientFromSnapshot(ClientSnapshots snapshots, ClientSecretKey key) : IOpenIddictServerHandler<ProcessAuthenticationContext>
{
    /// <summary>The transaction property holding the verified client's <see cref="ClientSnapshot"/>.</summary>
    public const string Property = "platform.client-snapshot";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
        .UseSingletonHandler<VerifyClientFromSnapshot>()
        // After the client assertion handlers, just before OpenIddict's client id check.
        .SetOrder(OpenIddictServerHandlers.ValidateClientId.Descriptor.Order - 1)
        .SetType(OpenIddictServerHandlerType.Custom)
        .Build();

    public async ValueTask HandleAsync(ProcessAuthenticationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.EndpointType is not OpenIddictServerEndpointType.Token || !context.Request.IsClientCredentialsGrantType()
            || context.Options.EnableDegradedMode || string.IsNullOrEmpty(context.ClientId) || string.IsNullOrEmpty(context.ClientSecret)
            || !string.IsNullOrEmpty(context.ClientAssertion) || context.ClientAssertionPrincipal is not null)
        {
            return;
        }
        var snapshot = await snapshots.FindAsync(context.ClientId, context.CancellationToken);
        if (snapshot is { IsConfidential: true, KeyedSecretHash: { } hash }
            && KeyedClientSecretApplicationManager.Matches(key, context.ClientSecret, hash))
        {
            context.Transaction.Properties[Property] = snapshot;
        }
    }

    /// <summary>The snapshot of the client this request was authenticated as here, if it was.</summary>
    public static ClientSnapshot? Of(OpenIddictServerTransaction transaction, string? clientId) => In(transaction, Property, clientId);

    /// <summary>The snapshot a handler left in <paramref name="property"/> of the transaction, if it is this client's.</summary>
    internal static ClientSnapshot? In(OpenIddictServerTransaction transaction, string property, string? clientId) =>
        transaction.Properties.TryGetValue(property, out var value) && value is ClientSnapshot snapshot
            && string.Equals(snapshot.ClientId, clientId, StringComparison.Ordinal) ? snapshot : null;
}
