using Platform.Consent.Core;
using Platform.Consent.Decisions;

namespace Platform.Consent.Service.Tests;

/// <summary>The cache's own rules: an entry is used only in the epoch it was read in, and it holds at most its capacity.</summary>
public sealed class DecisionConsentCacheTests
{
    [Fact]
    public void An_entry_is_used_only_in_the_epoch_its_read_began_in()
    {
        var cache = new DecisionConsentCache(100);
        var before = cache.Epoch;
        PatientConsent[] found = new PatientConsent[1];
        cache.Add("patient-1", "grantee-1", before, found);
        Assert.True(cache.TryGet("patient-1", "grantee-1", before, out var kept));
        Assert.Same(found, kept);
        Assert.False(cache.TryGet("patient-1", "grantee-2", before, out _));

        cache.Invalidate();
        Assert.NotEqual(before, cache.Epoch);
        Assert.False(cache.TryGet("patient-1", "grantee-1", cache.Epoch, out _));
        Assert.False(cache.TryGet("patient-1", "grantee-1", before, out _));
    }

    [Fact]
    public void A_read_that_began_before_an_invalidation_is_not_kept()
    {
        var cache = new DecisionConsentCache(100);
        var readBegan = cache.Epoch;
        cache.Invalidate(); // a commit seen while the read was running
        cache.Add("patient-1", "grantee-1", readBegan, new PatientConsent[1]);
        Assert.False(cache.TryGet("patient-1", "grantee-1", cache.Epoch, out _));
        Assert.False(cache.TryGet("patient-1", "grantee-1", readBegan, out _));
    }

    [Fact]
    public void It_keeps_at_most_its_capacity_and_keeps_the_pairs_in_use()
    {
        var cache = new DecisionConsentCache(10);
        var epoch = cache.Epoch;
        cache.Add("hot", "grantee", epoch, new PatientConsent[1]);
        for (var i = 0; i < 100; i++)
        {
            cache.Add($"patient-{i}", "grantee", epoch, new PatientConsent[1]);
            Assert.True(cache.TryGet("hot", "grantee", epoch, out _), $"the pair in use was dropped after {i + 1} others");
        }
        var kept = Enumerable.Range(0, 100).Count(i => cache.TryGet($"patient-{i}", "grantee", epoch, out _));
        Assert.InRange(kept, 1, 10);
        Assert.True(cache.TryGet("patient-99", "grantee", epoch, out _));
        Assert.False(cache.TryGet("patient-0", "grantee", epoch, out _));
    }

    [Fact]
    public void A_capacity_of_zero_keeps_nothing_and_a_negative_one_is_refused()
    {
        var cache = new DecisionConsentCache(0);
        Assert.False(cache.Enabled);
        cache.Add("patient-1", "grantee-1", cache.Epoch, new PatientConsent[1]);
        Assert.False(cache.TryGet("patient-1", "grantee-1", cache.Epoch, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DecisionConsentCache(-1));
    }
}
