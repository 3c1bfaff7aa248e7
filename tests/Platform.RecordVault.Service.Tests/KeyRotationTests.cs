using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Identity.Accounts;
using Platform.RecordVault.Data;
using Platform.RecordVault.Records;
using Platform.Testing;

namespace Platform.RecordVault.Service.Tests;

/// <summary>KEK rotation: reads never fail while data keys are rewrapped, and a restart in the middle resumes.</summary>
[Collection(VaultCollection.Name)]
public sealed class KeyRotationTests(VaultPlatform platform)
{
    [Fact]
    public async Task Rotation_under_concurrent_reads_loses_no_read_survives_a_restart_and_ends_with_every_key_on_the_new_version()
    {
        var (patient, token) = await platform.UserAsync(PlatformRoles.Patient);
        var ids = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var body = new StringContent("{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"r" + i + "\"}}", Encoding.UTF8, "application/fhir+json");
            var (status, record, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", token, body);
            Assert.Equal(HttpStatusCode.Created, status);
            ids.Add(record.GetProperty("id").GetString()!);
        }
        var (_, adminToken) = await platform.UserAsync(PlatformRoles.Admin);
        var (_, before, _) = await platform.VaultAsync(HttpMethod.Get, "/admin/keys/rewrap", adminToken);
        var oldVersion = before.GetProperty("currentVersion").GetString();

        using var stop = new CancellationTokenSource();
        var failures = 0;
        var reads = 0;
        var readers = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var id in ids)
                {
                    var (status, _, _) = await platform.VaultAsync(HttpMethod.Get, $"/records/{id}", token);
                    Interlocked.Increment(ref reads);
                    if (status != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            }
        });

        var (rotated, rotation, _) = await platform.VaultAsync(HttpMethod.Post, "/admin/keys/rotate", adminToken);
        Assert.True(rotated == HttpStatusCode.OK, rotation.ToString());
        var newVersion = rotation.GetProperty("version").GetString()!;
        Assert.NotEqual(oldVersion, newVersion);
        await Task.Delay(300);
        stop.Cancel();
        await readers;
        Assert.True(reads > 0);
        Assert.Equal(0, failures);

        // Restart the vault (mid-rewrap or just after): the worker resumes from what the rows say.
        await platform.RestartVaultAsync();
        await Eventually.TrueAsync(async () =>
        {
            var rotationService = platform.Vault.Services.GetRequiredService<KeyRotation>();
            return (await rotationService.ProgressAsync(CancellationToken.None)).Remaining == 0;
        }, "every data key rewrapped", TimeSpan.FromSeconds(60));

        using var scope = platform.Vault.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        var keyVersions = await db.RecordVersions.AsNoTracking().Where(v => v.WrappedKey != null).Select(v => v.KekVersion).Distinct().ToListAsync();
        Assert.Equal([newVersion], keyVersions);
        foreach (var id in ids)
        {
            Assert.Equal(HttpStatusCode.OK, (await platform.VaultAsync(HttpMethod.Get, $"/records/{id}", token)).Status);
        }
    }

    [Theory]
    [InlineData(PlatformRoles.Patient)]
    [InlineData(PlatformRoles.Clinician)]
    public async Task Only_an_admin_may_see_or_start_a_key_rotation(string role)
    {
        var (_, token) = await platform.UserAsync(role);
        var (_, adminToken) = await platform.UserAsync(PlatformRoles.Admin);
        var (_, before, _) = await platform.VaultAsync(HttpMethod.Get, "/admin/keys/rewrap", adminToken);

        var (progress, _, _) = await platform.VaultAsync(HttpMethod.Get, "/admin/keys/rewrap", token);
        var (rotate, _, _) = await platform.VaultAsync(HttpMethod.Post, "/admin/keys/rotate", token);

        Assert.Equal(HttpStatusCode.Forbidden, progress);
        Assert.Equal(HttpStatusCode.Forbidden, rotate);
        var (_, after, _) = await platform.VaultAsync(HttpMethod.Get, "/admin/keys/rewrap", adminToken);
        Assert.Equal(before.GetProperty("currentVersion").GetString(), after.GetProperty("currentVersion").GetString());
    }
}
