using System.CommandLine;
using System.CommandLine.Parsing;

namespace Platform.Wallet.Cli;

/// <summary>
/// One command's options, parsed by System.CommandLine: <c>--name value</c>, <c>--name=value</c>, boolean flags,
/// positionals after the options or after <c>--</c> (<c>-</c> is a positional or a value: stdin/stdout). Every
/// parse error becomes a usage error (exit 2) in the wallet's own words, which name the option; <c>@file</c>
/// arguments are file names, not response files.
/// </summary>
internal sealed class CliArguments
{
    private static readonly ParserConfiguration Configuration = new() { ResponseFileTokenReplacer = null };

    private readonly ParseResult _parsed;

    private CliArguments(ParseResult parsed, IReadOnlyList<string> positionals)
    {
        _parsed = parsed;
        Positionals = positionals;
    }

    public IReadOnlyList<string> Positionals { get; }

    /// <exception cref="CliException">Usage error (exit 2).</exception>
    public static CliArguments Parse(IEnumerable<string> args, IReadOnlyCollection<string> options, IReadOnlyCollection<string>? flags = null,
        int maxPositionals = 0)
    {
        ArgumentNullException.ThrowIfNull(args);
        flags ??= [];
        var values = options.Select(name => new Option<string>("--" + name) { Arity = ArgumentArity.ExactlyOne }).ToList();
        var switches = flags.Select(name => new Option<bool>("--" + name)).ToList();
        var positionals = new Argument<string[]>("arguments") { Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("wallet") { positionals };
        values.ForEach(command.Options.Add);
        switches.ForEach(command.Options.Add);

        var list = args.ToArray();
        var parsed = command.Parse(list, Configuration);
        var given = parsed.GetValue(positionals) ?? [];
        // An option nobody declared lands among the positionals; only after "--" may a positional start with "--".
        var literal = Array.IndexOf(list, "--") is var dashes and >= 0 ? list.Length - dashes - 1 : 0;
        var unmatched = parsed.UnmatchedTokens.Concat(given.Take(given.Length - literal))
            .FirstOrDefault(token => token.StartsWith("--", StringComparison.Ordinal));
        if (unmatched is not null)
        {
            throw CliException.Usage($"unknown option {OptionName(unmatched)}.");
        }
        foreach (var option in values)
        {
            if (parsed.GetResult(option) is { } result && (result.IdentifierTokenCount > 1 || result.Tokens.Count > 1))
            {
                throw CliException.Usage($"{option.Name} is given twice.");
            }
            if (parsed.GetResult(option) is { Tokens.Count: 0 })
            {
                throw CliException.Usage($"{option.Name} needs a value.");
            }
        }
        foreach (var flag in switches)
        {
            // A flag is present or absent: "--force=false" or "--force true" would read as something they are not.
            if (parsed.GetResult(flag) is { } result && (result.Tokens.Count > 0 || result.IdentifierTokenCount > 1))
            {
                throw CliException.Usage($"{flag.Name} takes no value.");
            }
        }
        if (parsed.Errors.FirstOrDefault() is { } error)
        {
            throw CliException.Usage(error.Message);
        }
        if (given.Length > maxPositionals)
        {
            throw CliException.Usage($"unexpected argument '{given[maxPositionals]}'.");
        }
        return new CliArguments(parsed, given);
    }

    public string? Optional(string name) => _parsed.GetValue<string>("--" + name);

    /// <exception cref="CliException">Missing or empty (exit 2).</exception>
    public string Required(string name) =>
        Optional(name) is { Length: > 0 } value ? value : throw CliException.Usage($"--{name} is required.");

    public bool Flag(string name) => _parsed.GetValue<bool>("--" + name);

    private static string OptionName(string token) =>
        token.IndexOfAny(['=', ':']) is var end and > 0 ? token[..end] : token;
}
