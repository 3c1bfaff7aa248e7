namespace Platform.Identity.Oidc;

/// <summary>
/// Writes a client as the configuration entries (<c>Identity:Clients:{index}:*</c>) the seeder reads, for hosts
/// that compose the identity service in code (the dev host, tests). Deployments write the same keys in values.
/// </summary>
public static class ClientConfiguration
{
    public static Dictionary<string, string?> ToSettings(this ClientDefinition client, int index)
    {
        ArgumentNullException.ThrowIfNull(client);
        var prefix = $"Identity:Clients:{index}:";
        var settings = new Dictionary<string, string?>
        {
            [prefix + "ClientId"] = client.ClientId,
            [prefix + "DisplayName"] = client.DisplayName,
            [prefix + "Type"] = client.Type,
            [prefix + "ClientSecret"] = client.ClientSecret,
            [prefix + "JsonWebKeySet"] = client.JsonWebKeySet,
            [prefix + "ApplicationType"] = client.ApplicationType,
            [prefix + "ConsentType"] = client.ConsentType,
            [prefix + "RequirePushedAuthorization"] = client.RequirePushedAuthorization ? "true" : "false",
            [prefix + "IdTokenSignedResponseAlg"] = client.IdTokenSignedResponseAlg,
            [prefix + "RequireDpop"] = client.RequireDpop ? "true" : "false",
            [prefix + "BackchannelLogoutUri"] = client.BackchannelLogoutUri,
            [prefix + "BackchannelLogoutSessionRequired"] = client.BackchannelLogoutSessionRequired ? "true" : "false",
        };
        void List(string name, List<string> values)
        {
            for (var i = 0; i < values.Count; i++)
            {
                settings[$"{prefix}{name}:{i}"] = values[i];
            }
        }
        List(nameof(ClientDefinition.GrantTypes), client.GrantTypes);
        List(nameof(ClientDefinition.Scopes), client.Scopes);
        List(nameof(ClientDefinition.RedirectUris), client.RedirectUris);
        List(nameof(ClientDefinition.PostLogoutRedirectUris), client.PostLogoutRedirectUris);
        return settings;
    }

    /// <summary>All clients, numbered in order.</summary>
    public static Dictionary<string, string?> ToSettings(this IEnumerable<ClientDefinition> clients) =>
        clients.SelectMany((client, index) => client.ToSettings(index)).ToDictionary();
}
