namespace Platform.Identity.Oidc;

/// <summary>
/// Which generations sign, wait (staged) and verify at a given moment. Pure: the ring feeds it the stored rows and
/// the clock. A generation signs from <see cref="SigningKeyGeneration.SignsFrom"/> until its <c>RetiredAt</c>; the
/// newest such generation is the active one. Staged generations (not yet signing) and retired ones inside the
/// publication window are published for verification only.
/// </summary>
public sealed record SigningKeySchedule(SigningKeyGeneration Active, IReadOnlyList<SigningKeyGeneration> Staged, IReadOnlyList<SigningKeyGeneration> Published)
{
    /// <summary>The next moment the schedule changes by itself (a staged generation activates), if any.</summary>
    public DateTimeOffset? NextActivation => Staged.Count == 0 ? null : Staged.Min(g => g.SignsFrom);

    public static SigningKeySchedule At(IReadOnlyCollection<SigningKeyGeneration> generations, DateTimeOffset now, TimeSpan retiredPublication)
    {
        var active = generations
            .Where(g => g.SignsFrom <= now && (g.RetiredAt is null || g.RetiredAt > now))
            .MaxBy(g => g.Number)
            ?? throw new InvalidOperationException("No signing key generation is active; rotate with immediate=true to create one.");
        var staged = generations
            .Where(g => g.SignsFrom > now && (g.RetiredAt is null || g.RetiredAt > now))
            .OrderBy(g => g.Number)
            .ToList();
        var retired = generations
            .Where(g => g.Number != active.Number && !staged.Contains(g) && g.RetiredAt is { } retiredAt
                        && retiredAt > g.SignsFrom // it signed at all (a staged key cut short by an immediate rotation never did)
                        && retiredAt + retiredPublication > now)
            .OrderByDescending(g => g.Number);
        // Active first: OpenIddict signs with the first credential; the others only appear in the JWKS.
        return new SigningKeySchedule(active, staged, [active, .. staged, .. retired]);
    }
}
