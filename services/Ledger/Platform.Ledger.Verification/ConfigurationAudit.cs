namespace Platform.Ledger.Verification;

/// <summary>
/// The auditor's view of the consortium's configuration history, from what several sources serve: each source's
/// history is verified from the founding configuration (the trust anchor); a change that does not hold is itself a
/// finding (<c>unauthorised_configuration_change</c>, with the change as evidence) and only the prefix before it is
/// used; two verified histories that part ways are a finding (<c>conflicting_configurations</c>). The checkpoints are
/// then audited against the longest verified history (<see cref="ForkAudit"/>).
/// </summary>
public static class ConfigurationAudit
{
    /// <summary>A source's configuration history as it served it.</summary>
    public sealed record ServedHistory(string Source, ConfigurationHistory History);

    /// <returns>The configurations to audit checkpoints with (at least the anchor, version 1), and the findings.</returns>
    public static (IReadOnlyList<ConfigurationEpoch> Epochs, IReadOnlyList<AuditFinding> Findings) Reconcile(
        ConsortiumConfiguration anchor, IEnumerable<ServedHistory> served)
    {
        var findings = new List<AuditFinding>();
        var verified = new List<(string Source, IReadOnlyList<ConfigurationEpoch> Epochs)>();
        foreach (var (source, history) in served)
        {
            var (epochs, refused, problem) = history.Verify(anchor);
            if (problem is not null)
            {
                findings.Add(new AuditFinding(ForkAudit.UnauthorisedChange,
                    $"{source} serves a configuration history that the founding configuration does not authorise. {problem}", [], Change: refused));
            }
            if (refused is not null || problem is null)
            {
                verified.Add((source, epochs)); // the prefix before a refused change still holds
            }
        }
        var longest = verified.MaxBy(v => v.Epochs.Count);
        if (longest.Epochs is null)
        {
            return ([new ConfigurationEpoch(1, 0, anchor)], findings);
        }
        foreach (var (source, epochs) in verified.Where(v => !IsPrefix(v.Epochs, longest.Epochs)))
        {
            var at = epochs.Zip(longest.Epochs).TakeWhile(pair => ConfigurationHistory.SameJson(pair.First, pair.Second)).Count();
            findings.Add(new AuditFinding(ForkAudit.ConflictingConfigurations,
                $"{source} and {longest.Source} serve configuration histories, each authorised by majorities, that part ways at version {at + 1}: the governance log forked.",
                []));
        }
        return (longest.Epochs, findings);
    }

    private static bool IsPrefix(IReadOnlyList<ConfigurationEpoch> shorter, IReadOnlyList<ConfigurationEpoch> longer) =>
        shorter.Count <= longer.Count && shorter.Zip(longer).All(pair => ConfigurationHistory.SameJson(pair.First, pair.Second));
}
