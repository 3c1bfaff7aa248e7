using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics.CodeAnalysis;

namespace Platform.Ledger.Cli;

/// <summary>
/// The <c>ledger</c> command line, parsed by System.CommandLine: one root command with the subcommands verify,
/// verify-consistency, verify-export, members, audit, governance and member-entry (each defined next to what it runs).
/// Every parse problem is a usage error (exit 2): one line on stderr that names the command and the problem, then the
/// command's usage text (its description). <c>--help</c> prints that text on stdout. <c>@file</c> arguments are file
/// names, not response files.
/// </summary>
internal static class LedgerCommandLine
{
    private static readonly ParserConfiguration Configuration = new() { ResponseFileTokenReplacer = null };

    // Our own --help: the default one would print generated help instead of the usage texts the docs quote.
    private static readonly Option<bool> Help = new("--help", "-h") { Recursive = true, Arity = ArgumentArity.Zero };

    public static RootCommand Root { get; } = Build();

    /// <summary>Parses and runs what the arguments name (the <c>ledger</c> executable).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (!TryParse(args, expected: null, output, error, out var parsed, out var exit))
            return exit;
        var invocation = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        return await parsed.InvokeAsync(invocation).ConfigureAwait(false);
    }

    /// <summary>
    /// Parses <paramref name="args"/> (the subcommand's name first, as typed after <c>ledger</c>). When the command
    /// should not run, prints why and returns false with the exit code: 2 for a usage error (also when the arguments
    /// name another command than <paramref name="expected"/>), 0 for <c>--help</c>.
    /// </summary>
    public static bool TryParse(IReadOnlyList<string> args, IReadOnlyCollection<Command>? expected, TextWriter output, TextWriter error,
        [NotNullWhen(true)] out ParseResult? parsed, out int exit)
    {
        ArgumentNullException.ThrowIfNull(args);
        parsed = Root.Parse(args, Configuration);
        var command = TopLevel(parsed.CommandResult);
        if (parsed.GetValue(Help))
        {
            output.WriteLine(command.Description);
            exit = LedgerCli.Valid;
            return false;
        }
        var problem = Problem(parsed);
        if (problem is null && expected is not null && !expected.Contains(command))
            problem = $"this runs {string.Join(", ", expected.Select(c => "`ledger " + c.Name + "`"))}, not `{string.Join(' ', args.Take(1))}`.";
        if (problem is null)
        {
            exit = LedgerCli.Valid;
            return true;
        }
        error.WriteLine($"{CommandPath(parsed.CommandResult)}: {problem}");
        error.WriteLine(command.Description);
        exit = LedgerCli.Unusable;
        return false;
    }

    /// <summary>The values of the named options in the order they were typed (for options whose order means something).</summary>
    public static IEnumerable<(string Option, string Value)> InOrder(ParseResult parsed, params string[] options)
    {
        var tokens = parsed.Tokens;
        for (var i = 0; i + 1 < tokens.Count; i++)
        {
            // "--name=value" reaches here as two tokens too: the option, then its value.
            if (tokens[i].Type == TokenType.Option && options.Contains(tokens[i].Value) && tokens[i + 1].Type == TokenType.Argument)
                yield return (tokens[i].Value, tokens[i + 1].Value);
        }
    }

    /// <summary>A validator for an option or argument whose values are a replica's API address.</summary>
    public static void MustBeHttpAddresses(SymbolResult result)
    {
        var name = result switch { OptionResult option => option.Option.Name, ArgumentResult argument => argument.Argument.Name, _ => "an address" };
        if (result.Tokens.FirstOrDefault(t => BaseUrl(t.Value) is null) is { } bad)
            result.AddError($"{name} must be an http(s) address, not {bad.Value}.");
    }

    /// <summary>An API address as a base for relative paths: absolute http(s), ending in a slash.</summary>
    public static Uri? BaseUrl(string? url) =>
        url is not null && Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var u) && u.Scheme is "http" or "https" ? u : null;

    private static RootCommand Build()
    {
        var root = new RootCommand(LedgerCli.Usage)
        {
            LedgerCli.Verify,
            LedgerCli.VerifyConsistency,
            LedgerCli.VerifyExport,
            MembersCommand.Definition,
            AuditCommand.Definition,
            GovernanceCommand.Definition,
            MemberEntryCommand.Definition,
        };
        // No default --help/--version, and no [directives]: an argument in brackets is a file name like any other.
        root.Options.Clear();
        root.Directives.Clear();
        root.Options.Add(Help);
        return root;
    }

    private static string? Problem(ParseResult parsed)
    {
        // An option no command declares is taken as an argument: name it as the option it was meant to be.
        var literal = false;
        Token? previous = null;
        foreach (var token in parsed.Tokens)
        {
            literal |= token.Type == TokenType.DoubleDash;
            if (!literal && token.Type == TokenType.Argument && previous?.Type != TokenType.Option && token.Value.Length > 1 && token.Value[0] == '-')
                return $"unknown option {OptionName(token.Value)}.";
            previous = token;
        }
        if (parsed.CommandResult.Command.Subcommands is { Count: > 0 } subcommands)
        {
            var names = string.Join(", ", subcommands.Select(c => c.Name));
            return parsed.UnmatchedTokens.FirstOrDefault() is { } unknown ? $"unknown command '{unknown}' ({names})." : $"a command is required ({names}).";
        }
        var options = new List<OptionResult>();
        for (var command = parsed.CommandResult; command is not null; command = command.Parent as CommandResult)
            options.AddRange(command.Children.OfType<OptionResult>());
        foreach (var option in options.Where(o => !o.Implicit && o.Option.Arity.MaximumNumberOfValues > 0))
        {
            if (option.Option.Arity.MaximumNumberOfValues == 1 && (option.IdentifierTokenCount > 1 || option.Tokens.Count > 1))
                return $"{option.Option.Name} is given twice.";
            if (option.Tokens.Count == 0)
                return $"{option.Option.Name} needs a value.";
        }
        foreach (var argument in parsed.CommandResult.Command.Arguments)
        {
            if ((parsed.GetResult(argument)?.Tokens.Count ?? 0) < argument.Arity.MinimumNumberOfValues)
                return $"{argument.Name} is missing.";
        }
        // A required option that was not given has a result without a token.
        if (options.FirstOrDefault(o => o.Implicit && o.Option.Required && !o.Option.HasDefaultValue) is { } missing)
            return $"{missing.Option.Name} is required.";
        if (parsed.UnmatchedTokens.FirstOrDefault() is { } extra)
            return $"unexpected argument '{extra}'.";
        return parsed.Errors.FirstOrDefault()?.Message;
    }

    // The subcommand under the root that the arguments name (the root itself when they name none).
    private static Command TopLevel(CommandResult result) =>
        result.Parent is CommandResult { Parent: CommandResult } parent ? TopLevel(parent) : result.Command;

    private static string CommandPath(CommandResult result) =>
        result.Parent is CommandResult parent ? CommandPath(parent) + " " + result.Command.Name : "ledger";

    private static string OptionName(string token) =>
        token.IndexOfAny(['=', ':']) is var end and > 0 ? token[..end] : token;
}
