using Platform.DevHost;

if (DevHostOptions.AsksForHelp(args))
{
    // System.CommandLine writes the usage: every option, its default and its DEVHOST_ environment variable.
    return await DevHostOptions.Command.Parse(args).InvokeAsync();
}

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
try
{
    await host.StartAsync(CancellationToken.None);
}
catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
{
    await Console.Error.WriteLineAsync($"{ex.Message} Stop whatever uses that port or choose others, e.g. --identity-port 6101 --consent-port 6102 --record-vault-port 6103 --ledger-port 6104 --portal-port 6173.");
    return 1;
}

// The research demo (a verified organisation, its researcher and a study): after the start, since it crosses services.
// A demo that could not be seeded leaves the rest of the dev host usable; the next start tries again.
try
{
    await DevHostResearchSeed.RunAsync(host, CancellationToken.None);
}
catch (Exception ex) when (ex is InvalidOperationException or Platform.ServiceDefaults.ProblemException or Microsoft.EntityFrameworkCore.DbUpdateException)
{
    await Console.Error.WriteLineAsync($"The research demo was not seeded (docs/research.md#try-it-on-the-dev-host): {ex.Message}");
}

Console.WriteLine();
Console.WriteLine("KYC identity and consent platform — embedded dev host");
Console.WriteLine($"  data folder   {options.DataDirectory}");
foreach (var (name, address) in host.Addresses)
{
    Console.WriteLine($"  {name,-13} {address}  (ready: {new Uri(address, "/health/ready")})");
}
Console.WriteLine("  keys          software key provider: key files under the data folder, NOT an HSM (development only)");
if (options.Traces)
{
    Console.WriteLine("  traces        on: every span is printed below (devhost.service names its service); log lines carry TraceId");
}
DevHostBrowserGuide.Write(Console.Out, host.Addresses, options.DataDirectory);
Console.WriteLine("Press Ctrl+C to stop.");
Console.WriteLine();

await host.WaitForShutdownAsync();
return 0;
