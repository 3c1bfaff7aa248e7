using System.Security.Cryptography;
using Platform.Identity.Credentials;

namespace Platform.Wallet.Cli;

/// <summary>
/// <c>wallet</c>: holder and verifier commands for the verified-identity SD-JWT VC. Exit codes: 0 success,
/// 1 failure (including an invalid presentation), 2 usage. Errors are one line on stderr, never a stack trace;
/// neither the private key nor the access token is ever printed.
/// </summary>
public static class WalletCli
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitUsage = 2;

    internal const string Usage = """
        usage: wallet <command> [options]

          key      --out FILE [--force]
                   new P-256 holder key as a private JWK file (0600); prints its public JWK thumbprint
          receive  --offer URI|JSON|- --tx-code CODE|- --key FILE --out FILE|-
                   takes an OpenID4VCI credential offer (the QR code's text), redeems its pre-authorized code with
                   the transaction code, proves the key with a fresh c_nonce and saves the credential
          receive  (--offer URI|JSON|- --authorize | --issuer URL) --key FILE --out FILE|-
                   [--client-id ID] [--redirect-port N | --paste] [--open] [--timeout SECONDS]
                   the authorization code flow instead (OpenID4VCI §5.1): prints the address to open in a browser
                   (--open opens it), where you sign in and allow the wallet; the answer comes back to a listener
                   on http://127.0.0.1:<port>/callback (any free port unless --redirect-port; --paste: paste the
                   address the browser was sent to). Checks state and iss, redeems the code with PKCE, then as above.
                   --client-id defaults to 'wallet'; --timeout (default 300) bounds the wait for the browser
          request  --issuer URL --token TOKEN|- --key FILE --out FILE|-
                   asks the issuer for the verified-identity credential with your own access token (scope kyc),
                   bound to the key; prints the claim names
          show     FILE|-
                   the credential's issuer-signed claims and its disclosable claims with their values (not verified)
          present  --credential FILE|- --key FILE [--disclose a,b,...] --audience AUD --nonce NONCE [--out FILE|-]
                   a presentation with only the chosen disclosures and a key-binding JWT for the verifier
          verify   --issuer URL --audience AUD --nonce NONCE FILE|-
                   checks a presentation (issuer signature, disclosures, key binding, expiry, status list);
                   prints {"valid":true,...} and exits 0, or {"valid":false,"reason":...} and exits 1

        exit codes: 0 ok, 1 failure or invalid presentation, 2 usage error
        """;

    public static Task<int> Main(string[] args) => RunAsync(args, Console.Out, Console.Error, http: null, stdin: Console.In);

    /// <summary>Runs one command in process; <paramref name="http"/> (when given) is used for every request and not disposed.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, HttpClient? http = null,
        TextReader? stdin = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var io = new WalletIo(stdin ?? TextReader.Null, stdout, stderr);
        HttpClient? owned = null;
        HttpClient Http() => http ?? (owned ??= new HttpClient { Timeout = TimeSpan.FromSeconds(30) });
        try
        {
            if (args.Length == 0)
            {
                throw CliException.Usage("a command is required (key, receive, request, show, present, verify).");
            }
            var rest = args.Skip(1).ToArray();
            switch (args[0])
            {
                case "key":
                    return await WalletCommands.KeyAsync(io, rest, cancellationToken).ConfigureAwait(false);
                case "receive":
                    return await WalletCommands.ReceiveAsync(io, rest, Http, cancellationToken).ConfigureAwait(false);
                case "request":
                    return await WalletCommands.RequestAsync(io, rest, Http, cancellationToken).ConfigureAwait(false);
                case "show":
                    return await WalletCommands.ShowAsync(io, rest, cancellationToken).ConfigureAwait(false);
                case "present":
                    return await WalletCommands.PresentAsync(io, rest, cancellationToken).ConfigureAwait(false);
                case "verify":
                    return await WalletCommands.VerifyAsync(io, rest, Http, cancellationToken).ConfigureAwait(false);
                case "help" or "--help" or "-h":
                    await stdout.WriteLineAsync(Usage).ConfigureAwait(false);
                    return ExitOk;
                default:
                    throw CliException.Usage($"unknown command '{args[0]}' (key, receive, request, show, present, verify).");
            }
        }
        catch (CliException ex)
        {
            await stderr.WriteLineAsync($"wallet: {ex.Message}").ConfigureAwait(false);
            if (ex.ExitCode == ExitUsage)
            {
                await stderr.WriteLineAsync("run 'wallet help' for usage.").ConfigureAwait(false);
            }
            return ex.ExitCode;
        }
        catch (SdJwtException ex)
        {
            await stderr.WriteLineAsync($"wallet: not a usable SD-JWT ({ex.Error.ToCode()}): {ex.Message}").ConfigureAwait(false);
            return ExitFailure;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("wallet: cancelled.").ConfigureAwait(false);
            return ExitFailure;
        }
        catch (Exception ex)
        {
            // One line, never a stack trace; no message here is built from key material or the token.
            var kind = ex is IOException or UnauthorizedAccessException or CryptographicException or FormatException or HttpRequestException
                ? "" : $"unexpected {ex.GetType().Name}: ";
            await stderr.WriteLineAsync($"wallet: {kind}{ex.Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
            return ExitFailure;
        }
        finally
        {
            owned?.Dispose();
        }
    }
}
