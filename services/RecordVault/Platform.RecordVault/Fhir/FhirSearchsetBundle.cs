using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Fhir;

/// <summary>
/// A <c>searchset</c> Bundle of one page: <c>total</c>, each entry with <c>fullUrl</c> and <c>search.mode: match</c>,
/// and the paging links <c>self</c>, <c>first</c>, <c>previous</c>, <c>next</c>, <c>last</c> (for a search and for
/// <c>$everything</c> alike).
/// </summary>
public static class FhirSearchsetBundle
{
    /// <param name="pageUrl">The URL of the page starting at an offset (the same search, another <c>_offset</c>).</param>
    public static R4.Bundle Create(string baseUrl, FhirSearchResult result, int count, int offset, Func<int, string> pageUrl)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(pageUrl);
        var bundle = new R4.Bundle
        {
            Id = Guid.NewGuid().ToString("D"),
            Meta = new R4.Meta { LastUpdated = DateTimeOffset.UtcNow },
            Type = R4.Bundle.BundleType.Searchset,
            Total = result.Total,
        };
        void Link(string relation, int at) => bundle.Link.Add(new R4.Bundle.LinkComponent { Relation = relation, Url = pageUrl(at) });
        Link("self", offset);
        if (count > 0)
        {
            Link("first", 0);
            if (offset > 0)
            {
                Link("previous", Math.Max(0, offset - count));
            }
            if (offset + count < result.Total)
            {
                Link("next", offset + count);
            }
            Link("last", result.Total == 0 ? 0 : (result.Total - 1) / count * count);
        }
        foreach (var resource in result.Page)
        {
            bundle.Entry.Add(new R4.Bundle.EntryComponent
            {
                FullUrl = $"{baseUrl}/{resource.TypeName}/{resource.Id}",
                Resource = resource,
                Search = new R4.Bundle.SearchComponent { Mode = R4.Bundle.SearchEntryMode.Match },
            });
        }
        return bundle;
    }
}
