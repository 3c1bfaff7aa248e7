using System.Text;
using System.Text.RegularExpressions;
using Platform.Testing;

namespace Platform.Journey.Tests.DevHost;

/// <summary>
/// docs/walkthrough-api.md as the test reads it: the fenced <c>```bash</c> blocks, in order, are the commands a reader
/// runs; <c>```sh</c> blocks (starting the dev host) and output blocks (<c>```text</c>, <c>```json</c>) are not run.
/// </summary>
public sealed partial class WalkthroughPage
{
    public const string StartMarker = "@@walkthrough-block";

    private WalkthroughPage(string markdown, IReadOnlyList<string> blocks)
    {
        Markdown = markdown;
        RunnableBlocks = blocks;
    }

    public string Markdown { get; }

    public IReadOnlyList<string> RunnableBlocks { get; }

    public static WalkthroughPage Load()
    {
        var markdown = File.ReadAllText(RepositoryRoot.Combine("docs", "walkthrough-api.md"));
        var blocks = FencedBlock().Matches(markdown)
            .Where(m => m.Groups["lang"].Value == "bash")
            .Select(m => m.Groups["body"].Value)
            .ToList();
        return new WalkthroughPage(markdown, blocks);
    }

    /// <summary>All fenced blocks with their language, for checks on how the page is marked up.</summary>
    public IEnumerable<(string Language, string Body)> AllBlocks() =>
        FencedBlock().Matches(Markdown).Select(m => (m.Groups["lang"].Value, m.Groups["body"].Value));

    /// <summary>
    /// One bash script: the blocks in order, each between two marker lines, so that variables carry from block to
    /// block as in the reader's terminal, and the output can be split per block. Stops at the first failing command.
    /// </summary>
    public string Script()
    {
        var script = new StringBuilder("set -eo pipefail\nexec 2>&1\n");
        for (var i = 0; i < RunnableBlocks.Count; i++)
        {
            script.Append("echo '").Append(StartMarker).Append(' ').Append(i).Append(" start'\n")
                .Append(RunnableBlocks[i])
                .Append("echo '").Append(StartMarker).Append(' ').Append(i).Append(" end'\n");
        }
        return script.ToString();
    }

    /// <summary>The output of each block that finished (index → text); a block that failed has no entry.</summary>
    public static Dictionary<int, string> SplitOutput(string output)
    {
        var result = new Dictionary<int, string>();
        foreach (Match m in BlockOutput().Matches(output))
        {
            result[int.Parse(m.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture)] = m.Groups["text"].Value;
        }
        return result;
    }

    /// <summary>The index of the one runnable block whose source contains <paramref name="fragment"/>.</summary>
    public int BlockContaining(string fragment)
    {
        var matches = RunnableBlocks.Select((b, i) => (b, i)).Where(x => x.b.Contains(fragment, StringComparison.Ordinal)).ToList();
        Assert.True(matches.Count == 1, $"Expected exactly one ```bash block of docs/walkthrough-api.md with '{fragment}', found {matches.Count}.");
        return matches[0].i;
    }

    [GeneratedRegex(@"^```(?<lang>[a-z]*)\n(?<body>.*?)^```[ \t]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex(@"^@@walkthrough-block (?<n>\d+) start\n(?<text>.*?)^@@walkthrough-block \k<n> end$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex BlockOutput();
}
