using Platform.DevHost;

DevHostOptions options;
try
{
    options = DevHostOptions.From(args);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 2;
}

await using var host = new DevHostRunner(options);
await host.StartAsync(CancellationToken.None);

Console.WriteLine();
Console.WriteLine("KYC identity and consent platform — embedded dev host");
Console.WriteLine($"  data folder   {options.DataDirectory}");
foreach (var (name, address) in host.Addresses)
{
    Console.WriteLine($"  {name,-13} {address}  (ready: {new Uri(address, "/health/ready")})");
}
Console.WriteLine("Press Ctrl+C to stop.");
Console.WriteLine();

await host.WaitForShutdownAsync();
return 0;
