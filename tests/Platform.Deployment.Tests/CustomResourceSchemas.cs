using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Platform.Deployment.Tests;

/// <summary>
/// The structural schemas of a set of CustomResourceDefinitions, and a check of objects against them with the
/// API server's rules for custom resources: types (with <c>x-kubernetes-int-or-string</c>), <c>required</c>,
/// <c>enum</c>, <c>pattern</c>, bounds, <c>additionalProperties</c> maps, and unknown fields, which the API server
/// prunes silently (or refuses under strict field validation) and which therefore never take effect, reported as
/// findings. <c>metadata</c> is ObjectMeta, checked by the API server itself rather than the CRD, so it is skipped.
/// No JSON Schema library is used because these rules are Kubernetes' own (pruning, the x-kubernetes extensions,
/// nullable), not a JSON Schema draft's.
/// </summary>
public sealed class CustomResourceSchemas
{
    private readonly Dictionary<string, JsonObject> _schemas;

    private CustomResourceSchemas(Dictionary<string, JsonObject> schemas) => _schemas = schemas;

    public IEnumerable<string> Kinds => _schemas.Keys.Order(StringComparer.Ordinal);

    /// <summary>Every CRD in the folder's *.yaml files, keyed by apiVersion and kind (served versions only).</summary>
    public static CustomResourceSchemas Load(string directory)
    {
        var schemas = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*.yaml"))
        {
            foreach (var crd in YamlJson.LoadAll(File.ReadAllText(file)).Where(d => (string?)d["kind"] == "CustomResourceDefinition"))
            {
                var group = (string)crd["spec"]!["group"]!;
                var kind = (string)crd["spec"]!["names"]!["kind"]!;
                foreach (var version in crd["spec"]!["versions"]!.AsArray().OfType<JsonObject>())
                {
                    if (version["served"]?.GetValue<bool>() == false)
                    {
                        continue;
                    }
                    schemas[Key($"{group}/{(string)version["name"]!}", kind)] = version["schema"]!["openAPIV3Schema"]!.AsObject();
                }
            }
        }
        return new CustomResourceSchemas(schemas);
    }

    public bool Knows(string apiVersion, string kind) => _schemas.ContainsKey(Key(apiVersion, kind));

    /// <summary>What the API server would refuse or drop from this object, one line per finding with its JSON path.</summary>
    public IReadOnlyList<string> Check(JsonObject resource)
    {
        var apiVersion = (string?)resource["apiVersion"] ?? "";
        var kind = (string?)resource["kind"] ?? "";
        if (!_schemas.TryGetValue(Key(apiVersion, kind), out var schema))
        {
            return [$"{apiVersion} {kind}: no such custom resource in these CRDs"];
        }
        var findings = new List<string>();
        Check(resource, schema, "", findings, isRoot: true);
        return findings;
    }

    private static string Key(string apiVersion, string kind) => $"{apiVersion}/{kind}";

    private static void Check(JsonNode? value, JsonObject schema, string path, List<string> findings, bool isRoot = false)
    {
        if (value is null)
        {
            // A null in a field that is not nullable is pruned before validation; a nullable one is kept as is.
            return;
        }
        if (!HasType(value, schema))
        {
            findings.Add($"{Display(path)}: expected {Describe(schema)}, found {value.GetValueKind().ToString().ToLowerInvariant()}");
            return;
        }
        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            findings.Add($"{Display(path)}: {value.ToJsonString()} is not one of {allowed.ToJsonString()}");
        }
        switch (value)
        {
            case JsonObject obj:
                CheckObject(obj, schema, path, findings, isRoot);
                break;
            case JsonArray array:
                CheckArray(array, schema, path, findings);
                break;
            case JsonValue scalar:
                CheckScalar(scalar, schema, path, findings);
                break;
        }
    }

    private static void CheckObject(JsonObject obj, JsonObject schema, string path, List<string> findings, bool isRoot)
    {
        var properties = schema["properties"] as JsonObject;
        foreach (var required in (schema["required"] as JsonArray ?? []).Select(r => (string)r!))
        {
            if (obj[required] is null)
            {
                findings.Add($"{Display(path)}: required field \"{required}\" is missing");
            }
        }
        var preserveUnknown = schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true;
        foreach (var (name, child) in obj)
        {
            var childPath = $"{path}/{name}";
            if (isRoot && name is "metadata" or "apiVersion" or "kind")
            {
                continue;
            }
            if (properties?[name] is JsonObject propertySchema)
            {
                Check(child, propertySchema, childPath, findings);
            }
            else if (schema["additionalProperties"] is JsonObject mapValueSchema)
            {
                Check(child, mapValueSchema, childPath, findings);
            }
            else if (!preserveUnknown && schema["additionalProperties"]?.GetValueKind() != JsonValueKind.True)
            {
                findings.Add($"{Display(childPath)}: unknown field (the API server drops it)");
            }
        }
    }

    private static void CheckArray(JsonArray array, JsonObject schema, string path, List<string> findings)
    {
        if (schema["minItems"] is JsonValue min && array.Count < Number(min))
        {
            findings.Add($"{Display(path)}: fewer than {min} items");
        }
        if (schema["maxItems"] is JsonValue max && array.Count > Number(max))
        {
            findings.Add($"{Display(path)}: more than {max} items");
        }
        if (schema["items"] is JsonObject itemSchema)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Check(array[i], itemSchema, $"{path}/{i}", findings);
            }
        }
    }

    private static void CheckScalar(JsonValue scalar, JsonObject schema, string path, List<string> findings)
    {
        if (scalar.GetValueKind() == JsonValueKind.String)
        {
            var text = scalar.GetValue<string>();
            if (schema["pattern"] is JsonValue pattern && !Regex.IsMatch(text, pattern.GetValue<string>()))
            {
                findings.Add($"{Display(path)}: \"{text}\" does not match {pattern}");
            }
            if (schema["minLength"] is JsonValue minLength && text.Length < Number(minLength))
            {
                findings.Add($"{Display(path)}: shorter than {minLength}");
            }
            if (schema["maxLength"] is JsonValue maxLength && text.Length > Number(maxLength))
            {
                findings.Add($"{Display(path)}: longer than {maxLength}");
            }
        }
        else if (scalar.GetValueKind() == JsonValueKind.Number)
        {
            var number = Number(scalar);
            if (schema["minimum"] is JsonValue minimum && number < Number(minimum))
            {
                findings.Add($"{Display(path)}: below the minimum {minimum}");
            }
            if (schema["maximum"] is JsonValue maximum && number > Number(maximum))
            {
                findings.Add($"{Display(path)}: above the maximum {maximum}");
            }
        }
    }

    private static bool HasType(JsonNode value, JsonObject schema)
    {
        var kind = value.GetValueKind();
        if (schema["x-kubernetes-int-or-string"]?.GetValue<bool>() == true)
        {
            return kind == JsonValueKind.String || IsInteger(value);
        }
        return (string?)schema["type"] switch
        {
            null => true,
            "object" => kind == JsonValueKind.Object,
            "array" => kind == JsonValueKind.Array,
            "string" => kind == JsonValueKind.String,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            "integer" => IsInteger(value),
            "number" => kind == JsonValueKind.Number,
            var other => throw new NotSupportedException($"schema type {other}"),
        };
    }

    private static bool IsInteger(JsonNode value) =>
        value.GetValueKind() == JsonValueKind.Number && Number(value) is var d && d == Math.Floor(d);

    private static double Number(JsonNode value) =>
        double.Parse(value.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    private static string Describe(JsonObject schema) =>
        schema["x-kubernetes-int-or-string"]?.GetValue<bool>() == true ? "integer or string" : (string?)schema["type"] ?? "any";

    private static string Display(string path) => path.Length == 0 ? "/" : path;
}
