using Platform.Identity.Accounts;

namespace Platform.DevHost;

/// <summary>
/// What a person with only a browser needs from the start-up output (docs/walkthrough.md): the pages to open, where the
/// confirmation e-mails go, and the demo accounts with their public passwords and second factor.
/// </summary>
internal static class DevHostBrowserGuide
{
    public static void Write(TextWriter output, IReadOnlyDictionary<string, Uri> addresses, string dataDirectory)
    {
        Uri? At(string service, string path) => addresses.TryGetValue(service, out var origin) ? new Uri(origin, path) : null;
        var pages = new (string Label, Uri? Address)[]
        {
            ("create an account", At("identity", "/account/register")),
            ("verify identity", At("identity", "/kyc")),
            ("patient portal", At("record-vault", "/my")),
            ("consents", At("consent", "/my/consents")),
            ("access requests", At("consent", "/my/requests")),
            ("research studies", At("consent", "/my/research")),
            ("clinician portal", At("clinician-portal", "/")),
            ("KYC review", At("identity", "/kyc/review/queue")),
        };
        output.WriteLine("Open in a browser (docs/walkthrough.md):");
        foreach (var (label, address) in pages)
        {
            if (address is not null)
            {
                output.WriteLine($"  {label,-17} {address}");
            }
        }
        output.WriteLine($"  e-mails           written as files to {Path.Combine(dataDirectory, "outbox", "identity")}");
        output.WriteLine("Demo accounts (public passwords, development only):");
        foreach (var demo in AccountSeeder.DemoAccounts)
        {
            output.WriteLine($"  {demo.Email,-21} {demo.Password,-25} {demo.Role}{(demo.HasSecondFactor ? "  + TOTP" : "")}");
        }
        var researcher = DevHostResearchSeed.Researcher;
        output.WriteLine($"  {researcher.Email,-21} {researcher.Password,-25} researcher of \"{DevHostResearchSeed.OrganisationName}\"  + TOTP (docs/research.md)");
        output.WriteLine($"  TOTP secret       {AccountSeeder.DemoTotpSecret} (add it to an authenticator app)");
    }
}
