using Platform.ServiceDefaults.Smart;

namespace Platform.BuildingBlocks.Tests.ServiceDefaults;

/// <summary>
/// The SMART App Launch 2.x scope grammar, <c>(patient|user)/(type|*).[c][r][u][d][s]</c>, against the examples and
/// rules of the specification (scopes-and-launch-context): the letters in that order, each at most once.
/// </summary>
public sealed class SmartScopeTests
{
    [Theory]
    [InlineData("patient/Observation.rs", "patient", "Observation", SmartPermissions.Read | SmartPermissions.Search)]
    [InlineData("patient/*.rs", "patient", "*", SmartPermissions.Read | SmartPermissions.Search)]
    [InlineData("user/*.cruds", "user", "*", SmartPermissions.Create | SmartPermissions.Read | SmartPermissions.Update | SmartPermissions.Delete | SmartPermissions.Search)]
    [InlineData("user/Condition.c", "user", "Condition", SmartPermissions.Create)]
    [InlineData("patient/MedicationRequest.u", "patient", "MedicationRequest", SmartPermissions.Update)]
    public void Parses_v2_resource_scopes(string text, string context, string type, SmartPermissions permissions)
    {
        Assert.True(SmartScope.TryParse(text, out var scope));
        Assert.Equal(new SmartScope(context, type, permissions), scope);
        Assert.Equal(text, scope.ToString());
    }

    [Theory]
    [InlineData("patient/Observation.sr")]          // out of order
    [InlineData("patient/Observation.rrs")]         // repeated
    [InlineData("patient/Observation.read")]        // v1 suffix
    [InlineData("patient/*.*")]                     // v1 wildcard
    [InlineData("patient/Observation.rx")]          // unknown letter
    [InlineData("patient/Observation.")]            // no permissions
    [InlineData("system/*.rs")]                     // backend services: not offered
    [InlineData("Patient/Observation.rs")]          // contexts are lower case
    [InlineData("patient/observation.rs")]          // not a resource type name
    [InlineData("patient/Observation.rs?category=laboratory")] // granular scopes: not offered
    [InlineData("launch/patient")]
    [InlineData("openid")]
    [InlineData("")]
    public void Refuses_what_is_not_an_offered_v2_resource_scope(string text)
    {
        Assert.False(SmartScope.TryParse(text, out _));
        Assert.False(SmartScopes.IsOffered(text));
    }

    [Fact]
    public void A_scope_covers_the_same_context_with_its_type_or_any_type_and_a_subset_of_its_letters()
    {
        Assert.True(SmartScope.TryParse("patient/*.rs", out var wide));
        Assert.True(SmartScope.TryParse("patient/Observation.r", out var narrow));
        Assert.True(SmartScope.TryParse("user/Observation.r", out var otherContext));
        Assert.True(SmartScope.TryParse("patient/Observation.cr", out var more));
        Assert.True(wide.Covers(narrow));
        Assert.False(narrow.Covers(wide));
        Assert.False(wide.Covers(otherContext));
        Assert.False(wide.Covers(more));
        Assert.True(wide.Grants("Condition", SmartPermissions.Search));
        Assert.False(wide.Grants("Condition", SmartPermissions.Update));
    }

    [Fact]
    public void Every_offered_scope_parses_and_a_registration_for_patient_wildcard_read_search_permits_exactly_its_narrower_scopes()
    {
        // Two contexts, the served types and *, every non-empty subset of five letters.
        Assert.Equal(2 * (SmartScopes.ResourceTypes.Count + 1) * 31, SmartScopes.Offered.Count);
        Assert.All(SmartScopes.Offered, s => Assert.True(SmartScope.TryParse(s, out _), s));
        var covered = SmartScopes.CoveredBy("patient/*.rs").ToHashSet();
        Assert.Contains("patient/Observation.r", covered);
        Assert.Contains("patient/*.s", covered);
        Assert.DoesNotContain("patient/Observation.c", covered);
        Assert.DoesNotContain("user/Observation.r", covered);
        Assert.Equal((SmartScopes.ResourceTypes.Count + 1) * 3, covered.Count);
        Assert.Empty(SmartScopes.CoveredBy("records"));
    }
}
