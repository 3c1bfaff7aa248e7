using System.Text;

namespace Platform.Wallet.Cli;

/// <summary>The console streams of one run, and files where <c>-</c> means stdin or stdout.</summary>
internal sealed class WalletIo(TextReader stdin, TextWriter stdout, TextWriter stderr)
{
    public const string StandardStream = "-";

    public TextReader Stdin { get; } = stdin;

    public TextWriter Stdout { get; } = stdout;

    public TextWriter Stderr { get; } = stderr;

    /// <summary>Where human-readable notes go: stdout, unless stdout carries the command's output (<c>--out -</c>).</summary>
    public TextWriter Notes(string? output) => output == StandardStream ? Stderr : Stdout;

    /// <summary>The whole text of a file (or stdin for <c>-</c>), trimmed.</summary>
    /// <exception cref="CliException">Missing, unreadable or empty.</exception>
    public async Task<string> ReadTextAsync(string path, string what, CancellationToken cancellationToken)
    {
        string text;
        if (path == StandardStream)
        {
            text = await Stdin.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            try
            {
                text = await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                throw CliException.Failure($"{what} file '{path}' does not exist.");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw CliException.Failure($"cannot read {what} file '{path}': {ex.Message}");
            }
        }
        text = text.Trim();
        return text.Length > 0 ? text : throw CliException.Failure($"{what} {(path == StandardStream ? "on stdin" : $"file '{path}'")} is empty.");
    }

    /// <summary>
    /// Writes <paramref name="text"/> plus a newline to a file (or stdout for <c>-</c>). With
    /// <paramref name="ownerOnly"/> the file is created readable and writable by its owner only (0600 on Unix).
    /// </summary>
    public async Task WriteTextAsync(string path, string text, bool ownerOnly, CancellationToken cancellationToken)
    {
        if (path == StandardStream)
        {
            await Stdout.WriteLineAsync(text.AsMemory(), cancellationToken).ConfigureAwait(false);
            await Stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        try
        {
            await WriteFileAsync(path, text + "\n", ownerOnly, createNew: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw CliException.Failure($"cannot write '{path}': {ex.Message}");
        }
    }

    /// <summary>Writes a file, owner-only when asked; the mode is also set on an existing file before anything is written.</summary>
    public static async Task WriteFileAsync(string path, string text, bool ownerOnly, bool createNew, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions
        {
            Mode = createNew ? FileMode.CreateNew : FileMode.Create,
            Access = FileAccess.Write,
            Share = FileShare.None,
        };
        if (ownerOnly && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            if (!createNew && File.Exists(path))
            {
                // UnixCreateMode applies to new files only: narrow an existing one first.
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        await using var stream = new FileStream(path, options);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        await writer.WriteAsync(text.AsMemory(), cancellationToken).ConfigureAwait(false);
    }
}
