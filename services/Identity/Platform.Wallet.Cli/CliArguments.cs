namespace Platform.Wallet.Cli;

/// <summary>
/// A small argument parser: <c>--name value</c>, <c>--name=value</c>, boolean flags and positionals (<c>-</c> is a
/// positional or a value: stdin/stdout). Unknown options are usage errors.
/// </summary>
internal sealed class CliArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    private CliArguments(IReadOnlyList<string> positionals) => Positionals = positionals;

    public IReadOnlyList<string> Positionals { get; }

    /// <exception cref="CliException">Usage error (exit 2).</exception>
    public static CliArguments Parse(IEnumerable<string> args, IReadOnlyCollection<string> options, IReadOnlyCollection<string>? flags = null,
        int maxPositionals = 0)
    {
        flags ??= [];
        var positionals = new List<string>();
        var parsed = new CliArguments(positionals);
        using var e = args.GetEnumerator();
        var onlyPositionals = false;
        while (e.MoveNext())
        {
            var arg = e.Current;
            if (onlyPositionals || !arg.StartsWith("--", StringComparison.Ordinal))
            {
                positionals.Add(arg);
                continue;
            }
            if (arg == "--")
            {
                onlyPositionals = true;
                continue;
            }
            var name = arg[2..];
            string? inline = null;
            if (name.IndexOf('=', StringComparison.Ordinal) is var eq and >= 0)
            {
                inline = name[(eq + 1)..];
                name = name[..eq];
            }
            if (flags.Contains(name))
            {
                if (inline is not null)
                {
                    throw CliException.Usage($"--{name} takes no value.");
                }
                parsed._flags.Add(name);
                continue;
            }
            if (!options.Contains(name))
            {
                throw CliException.Usage($"unknown option --{name}.");
            }
            if (inline is null)
            {
                if (!e.MoveNext())
                {
                    throw CliException.Usage($"--{name} needs a value.");
                }
                inline = e.Current;
            }
            if (!parsed._values.TryAdd(name, inline))
            {
                throw CliException.Usage($"--{name} is given twice.");
            }
        }
        if (positionals.Count > maxPositionals)
        {
            throw CliException.Usage($"unexpected argument '{positionals[maxPositionals]}'.");
        }
        return parsed;
    }

    public string? Optional(string name) => _values.GetValueOrDefault(name);

    /// <exception cref="CliException">Missing or empty (exit 2).</exception>
    public string Required(string name) =>
        _values.TryGetValue(name, out var value) && value.Length > 0 ? value : throw CliException.Usage($"--{name} is required.");

    public bool Flag(string name) => _flags.Contains(name);
}

/// <summary>An expected failure: its message is printed as one line, its code is the exit code.</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public static CliException Usage(string message) => new(WalletCli.ExitUsage, message);

    public static CliException Failure(string message) => new(WalletCli.ExitFailure, message);
}
