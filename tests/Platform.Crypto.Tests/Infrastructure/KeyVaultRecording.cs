using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Platform.Crypto.Tests.Infrastructure;

/// <summary>
/// A recorded Key Vault conversation (Recordings/*.json): for each exchange, the request the provider must send
/// (method, path, query, JSON body) and the response to give back (status, headers, JSON body).
/// </summary>
public sealed class KeyVaultRecording
{
    [JsonPropertyName("description")]
    public string Description { get; set; } = "";

    [JsonPropertyName("exchanges")]
    public List<RecordedExchange> Exchanges { get; set; } = [];

    public static KeyVaultRecording Load(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Recordings", fileName);
        return JsonSerializer.Deserialize<KeyVaultRecording>(File.ReadAllText(path))
               ?? throw new InvalidOperationException($"Recording {fileName} is empty.");
    }
}

public sealed class RecordedExchange
{
    [JsonPropertyName("request")]
    public RecordedRequest Request { get; set; } = new();

    [JsonPropertyName("response")]
    public RecordedResponse Response { get; set; } = new();
}

public sealed class RecordedRequest
{
    [JsonPropertyName("method")]
    public string Method { get; set; } = "";

    [JsonPropertyName("path")]
    public string Path { get; set; } = "";

    [JsonPropertyName("query")]
    public Dictionary<string, string> Query { get; set; } = [];

    [JsonPropertyName("body")]
    public JsonNode? Body { get; set; }
}

public sealed class RecordedResponse
{
    [JsonPropertyName("status")]
    public int Status { get; set; }

    [JsonPropertyName("headers")]
    public Dictionary<string, string> Headers { get; set; } = [];

    [JsonPropertyName("body")]
    public JsonNode? Body { get; set; }
}
