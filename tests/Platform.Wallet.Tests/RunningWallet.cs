using System.Text;
using Platform.Wallet.Cli;

namespace Platform.Wallet.Tests;

/// <summary>
/// A CLI run that waits for the browser (the authorization code flow): the test reads the authorization URL it
/// printed, plays the browser, and can type a line on its stdin later (<see cref="Type"/>).
/// </summary>
public sealed class RunningWallet
{
    private readonly UrlWatchingWriter _stdout = new();
    private readonly StringWriter _stderr = new();
    private readonly LaterLineReader _stdin = new();

    private RunningWallet(HttpClient http, string[] args) =>
        Completion = Task.Run(async () =>
        {
            var code = await WalletCli.RunAsync(args, _stdout, _stderr, http, _stdin);
            _stdout.Finish();
            return new WalletRun(code, _stdout.ToString(), _stderr.ToString());
        });

    public static RunningWallet Start(HttpClient http, params string[] args) => new(http, args);

    public Task<WalletRun> Completion { get; }

    /// <summary>The authorization URL, once printed; fails when the run ended first.</summary>
    public async Task<Uri> AuthorizationUrlAsync()
    {
        var url = await _stdout.Url.WaitAsync(TimeSpan.FromMinutes(2));
        return url ?? throw new InvalidOperationException("The wallet ended without printing an authorization URL: " + await Completion);
    }

    /// <summary>One line on the wallet's stdin (the pasted redirect).</summary>
    public void Type(string line) => _stdin.Provide(line);

    /// <summary>Collects stdout and completes <see cref="Url"/> with the first line that is an authorization URL.</summary>
    private sealed class UrlWatchingWriter : TextWriter
    {
        private readonly StringBuilder _text = new();
        private readonly TaskCompletionSource<Uri?> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override Encoding Encoding => Encoding.UTF8;

        public Task<Uri?> Url => _url.Task;

        public override void Write(char value)
        {
            lock (_text)
            {
                _text.Append(value);
                if (value == '\n')
                {
                    var lines = _text.ToString().Split('\n');
                    var line = lines[^2].Trim();
                    if (line.Contains("/connect/authorize?", StringComparison.Ordinal) && Uri.TryCreate(line, UriKind.Absolute, out var url))
                    {
                        _url.TrySetResult(url);
                    }
                }
            }
        }

        public override void Write(string? value)
        {
            foreach (var c in value ?? "")
            {
                Write(c);
            }
        }

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Finish() => _url.TrySetResult(null);

        public override string ToString()
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }

    /// <summary>A stdin whose next line arrives when the test provides it.</summary>
    private sealed class LaterLineReader : TextReader
    {
        private readonly TaskCompletionSource<string?> _line = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Provide(string line) => _line.TrySetResult(line);

        public override ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) => new(_line.Task.WaitAsync(cancellationToken));
    }
}
