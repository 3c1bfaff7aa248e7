using System.Diagnostics;
using System.Text.Json;
using Platform.Testing;

namespace Platform.Identity.Testing;

/// <summary>
/// tests/tools/sd-jwt-verifier: the OpenWallet Foundation's <c>@sd-jwt/sd-jwt-vc</c> (version pinned in its
/// package-lock.json), run with node. Installed with <c>npm ci</c> on first use, as tests/tools/oidc-peer is.
/// </summary>
public static class IndependentSdJwtVerifier
{
    private static readonly SemaphoreSlim Install = new(1, 1);

    private static string Folder => RepositoryRoot.Combine("tests", "tools", "sd-jwt-verifier");

    /// <summary>Verifies a presentation with key binding; the script's JSON answer and whether it accepted.</summary>
    public static async Task<(bool Valid, JsonElement Answer)> VerifyAsync(string issuer, string presentation, string nonce, string audience)
    {
        await EnsureInstalledAsync();
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(Folder, "verify.js"), issuer, presentation, nonce, audience })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        var text = (await output).Trim();
        if (process.ExitCode is not (0 or 1) || text.Length == 0)
        {
            throw new InvalidOperationException($"verify.js exited {process.ExitCode}: {text}\n{await errors}");
        }
        return (process.ExitCode == 0, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static async Task EnsureInstalledAsync()
    {
        await Install.WaitAsync();
        try
        {
            if (!Directory.Exists(Path.Combine(Folder, "node_modules", "@sd-jwt", "sd-jwt-vc")))
            {
                await ExternalProcess.RunAsync("npm", "ci", "--no-audit", "--no-fund", "--prefix", Folder);
            }
        }
        finally
        {
            Install.Release();
        }
    }
}
