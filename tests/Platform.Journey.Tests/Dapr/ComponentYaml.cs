using YamlDotNet.Serialization;

namespace Platform.Journey.Tests.Dapr;

/// <summary>Reads a component file into plain maps (string keys), lists and strings, the shapes the harness walks.</summary>
public static class ComponentYaml
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    public static Dictionary<string, object?> Parse(string text) =>
        (Dictionary<string, object?>)Normalise(Deserializer.Deserialize<object?>(text))!;

    /// <summary>The scalar at <paramref name="path"/> (map keys), or null where the path ends early.</summary>
    public static string? String(this IReadOnlyDictionary<string, object?> map, params string[] path)
    {
        object? node = map;
        foreach (var key in path)
        {
            if (node is not IReadOnlyDictionary<string, object?> current || !current.TryGetValue(key, out node))
            {
                return null;
            }
        }
        return node as string;
    }

    private static object? Normalise(object? node) => node switch
    {
        IDictionary<object, object?> map => map.ToDictionary(e => Convert.ToString(e.Key, System.Globalization.CultureInfo.InvariantCulture)!, e => Normalise(e.Value), StringComparer.Ordinal),
        IList<object?> list => list.Select(Normalise).ToList(),
        _ => node,
    };
}
