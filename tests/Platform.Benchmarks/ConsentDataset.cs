using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Platform.Consent.Core;
using Platform.Consent.Decisions;
using Platform.Contracts.CodeLists;
using Platform.Contracts.Decisions;

namespace Platform.Benchmarks;

/// <summary>
/// A synthetic consent store for the decision benchmark, written straight into the consent service's SQLite file
/// (the <c>Consents</c> table the service created at start), and a pool of decision requests drawn from it.
/// Deterministic for a given size (fixed seed). Per patient: 2 to 5 grantees (85 % practitioners, 15 %
/// organisations, from a pool of 20 000 + 500), the consents spread over them; per consent 1 to 6 ordinary record
/// categories, a sensitive one in 10 %, purposes mostly TREAT with ETREAT, HRESCH, HPAYMT, HOPERAT mixed in;
/// status: 70 % active (a quarter of them time-boxed, ending 1 to 365 days from now), 3 % active but not yet
/// valid, 15 % revoked, 10 % expired (window ended, recorded as expired), 2 % suspended. No active consent has an
/// ended window, so the service's expiry pass finds nothing to do during the run.
/// </summary>
internal sealed class ConsentDataset
{
    private const int Practitioners = 20_000;
    private const int Organizations = 500;
    private const long Day = 24L * 3600 * 1000;

    private readonly string[] _patients;
    private readonly string[] _grantees;
    private readonly int[] _consentGrantee;
    private readonly ushort[] _consentCategories;
    private readonly byte[] _consentPurposes;
    private readonly bool[] _consentInForce;
    private readonly int _perPatient;

    private static readonly string[] Categories = [.. RecordCategories.All.Select(c => c.Code)];
    private static readonly int[] OrdinaryCategories = [.. RecordCategories.All.Select((c, i) => (c, i)).Where(p => !p.c.IsSensitive).Select(p => p.i)];
    private static readonly int[] SensitiveCategories = [.. RecordCategories.All.Select((c, i) => (c, i)).Where(p => p.c.IsSensitive).Select(p => p.i)];
    private static readonly string[] Purposes = [.. PurposesOfUse.All.Select(p => p.Code)];

    private ConsentDataset(int patients, int perPatient)
    {
        _perPatient = perPatient;
        _patients = new string[patients];
        _grantees = new string[Practitioners + Organizations];
        _consentGrantee = new int[patients * perPatient];
        _consentCategories = new ushort[patients * perPatient];
        _consentPurposes = new byte[patients * perPatient];
        _consentInForce = new bool[patients * perPatient];
    }

    public long Rows => _consentGrantee.Length;

    private static bool IsOrganization(int grantee) => grantee >= Practitioners;

    private static string Hex(Random random, int bytes)
    {
        Span<byte> buffer = stackalloc byte[bytes];
        random.NextBytes(buffer);
        return Convert.ToHexStringLower(buffer);
    }

    /// <summary>
    /// Inserts <paramref name="patients"/> × <paramref name="perPatient"/> rows. The secondary indexes are dropped
    /// first and created again afterwards from their own stored definitions (sorted build instead of a million
    /// random-order index inserts); the result has the schema the service created.
    /// </summary>
    public static async Task<ConsentDataset> SeedAsync(string databaseFile, int patients, int perPatient)
    {
        var data = new ConsentDataset(patients, perPatient);
        var random = new Random(20240606);
        for (var g = 0; g < data._grantees.Length; g++)
        {
            data._grantees[g] = (IsOrganization(g) ? "org" : "pr") + Hex(random, 15);
        }
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databaseFile, Pooling = false }.ToString());
        await connection.OpenAsync();
        await ExecuteAsync(connection, "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;");
        var indexes = new List<(string Name, string Sql)>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'Consents' AND sql IS NOT NULL";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        foreach (var (name, _) in indexes)
        {
            await ExecuteAsync(connection, $"DROP INDEX \"{name}\"");
        }

        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO "Consents" ("Id", "Subject", "GranteeKind", "GranteeId", "Categories", "Purposes", "ValidFromMs", "ValidUntilMs",
                                    "Status", "Version", "CreatedAtMs", "UpdatedAtMs", "Hash")
            VALUES ($id, $subject, $kind, $grantee, $categories, $purposes, $from, $until, $status, $version, $created, $updated, $hash)
            """;
        var p = new Dictionary<string, SqliteParameter>();
        foreach (var name in new[] { "id", "subject", "kind", "grantee", "categories", "purposes", "from", "until", "status", "version", "created", "updated", "hash" })
        {
            p[name] = insert.Parameters.Add(new SqliteParameter("$" + name, null));
        }

        const int batch = 100_000;
        var transaction = connection.BeginTransaction();
        insert.Transaction = transaction;
        insert.Prepare();
        var rowsInBatch = 0;
        var idBytes = new byte[16];
        var patientGrantees = new int[5];
        var codes = new List<string>(8);
        for (var patient = 0; patient < patients; patient++)
        {
            var subject = data._patients[patient] = "pt" + Hex(random, 15);
            var granteeCount = 2 + random.Next(4);
            for (var g = 0; g < granteeCount; g++)
            {
                patientGrantees[g] = random.NextDouble() < 0.85 ? random.Next(Practitioners) : Practitioners + random.Next(Organizations);
            }
            for (var k = 0; k < perPatient; k++)
            {
                var index = patient * perPatient + k;
                var grantee = patientGrantees[k < granteeCount ? k : random.Next(granteeCount)];

                ushort categoryMask = 0;
                var ordinary = 1 + random.Next(6);
                for (var c = 0; c < ordinary; c++)
                {
                    categoryMask |= (ushort)(1 << OrdinaryCategories[random.Next(OrdinaryCategories.Length)]);
                }
                if (random.NextDouble() < 0.10)
                {
                    categoryMask |= (ushort)(1 << SensitiveCategories[random.Next(SensitiveCategories.Length)]);
                }
                byte purposeMask = 0;
                double[] purposeOdds = [0.90, 0.40, 0.10, 0.08, 0.05];
                for (var q = 0; q < Purposes.Length; q++)
                {
                    if (random.NextDouble() < purposeOdds[q])
                    {
                        purposeMask |= (byte)(1 << q);
                    }
                }
                if (purposeMask == 0)
                {
                    purposeMask = 1;
                }

                var created = now - (1 + random.NextInt64(1095 * Day));
                var from = created;
                long? until = null;
                var status = ConsentStatusCodes.Active;
                var version = 1;
                var updated = created;
                var roll = random.NextDouble();
                if (roll < 0.70)
                {
                    if (random.NextDouble() < 0.25)
                    {
                        until = now + Day + random.NextInt64(364 * Day);
                    }
                    if (random.NextDouble() < 0.2)
                    {
                        version = 2;
                        updated = created + random.NextInt64(now - created);
                    }
                }
                else if (roll < 0.73)
                {
                    from = now + Day + random.NextInt64(29 * Day);
                }
                else if (roll < 0.88)
                {
                    status = ConsentStatusCodes.Revoked;
                    version = 2 + random.Next(2);
                    updated = created + random.NextInt64(now - created);
                }
                else if (roll < 0.98)
                {
                    status = ConsentStatusCodes.Expired;
                    until = created + 1 + random.NextInt64(now - created - 1);
                    version = 2;
                    updated = until.Value;
                }
                else
                {
                    status = ConsentStatusCodes.Suspended;
                    version = 2;
                    updated = created + random.NextInt64(now - created);
                }

                data._consentGrantee[index] = grantee;
                data._consentCategories[index] = categoryMask;
                data._consentPurposes[index] = purposeMask;
                data._consentInForce[index] = status == ConsentStatusCodes.Active && from <= now;

                random.NextBytes(idBytes);
                p["id"].Value = new Guid(idBytes);
                p["subject"].Value = subject;
                p["kind"].Value = IsOrganization(grantee) ? GranteeKindCodes.Organization : GranteeKindCodes.Practitioner;
                p["grantee"].Value = data._grantees[grantee];
                p["categories"].Value = Join(codes, Categories, categoryMask);
                p["purposes"].Value = Join(codes, Purposes, purposeMask);
                p["from"].Value = from;
                p["until"].Value = until is { } u ? u : DBNull.Value;
                p["status"].Value = status;
                p["version"].Value = version;
                p["created"].Value = created;
                p["updated"].Value = updated;
                p["hash"].Value = Hex(random, 32);
                insert.ExecuteNonQuery();

                if (++rowsInBatch == batch)
                {
                    transaction.Commit();
                    transaction.Dispose();
                    transaction = connection.BeginTransaction();
                    insert.Transaction = transaction;
                    rowsInBatch = 0;
                }
            }
        }
        await transaction.CommitAsync();
        await transaction.DisposeAsync();
        foreach (var (_, sql) in indexes)
        {
            await ExecuteAsync(connection, sql);
        }
        await ExecuteAsync(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        return data;
    }

    private static string Join(List<string> buffer, string[] codes, int mask)
    {
        buffer.Clear();
        for (var i = 0; i < codes.Length; i++)
        {
            if ((mask & (1 << i)) != 0)
            {
                buffer.Add(codes[i]);
            }
        }
        return string.Join(' ', buffer);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>One decision request: the body the service binds, and the same as JSON bytes for the HTTP driver.</summary>
    public sealed record Request(DecisionBody Body, byte[] Json);

    /// <summary>
    /// <paramref name="count"/> requests: 80 % ask about an existing (patient, grantee) pair — the grantee of one of
    /// the patient's consents, a consent in force 85 % of the time (when the patient has one), else any of them —
    /// taking the category from that consent 75 % of the time (else any category) and the purpose from it 75 % of
    /// the time (else any purpose); 20 % ask for a grantee the patient never named (no_consent). No break-glass.
    /// </summary>
    public Request[] Requests(int count)
    {
        var random = new Random(7);
        var requests = new Request[count];
        for (var i = 0; i < count; i++)
        {
            var patient = random.Next(_patients.Length);
            int grantee;
            string category, purpose;
            if (random.NextDouble() < 0.80)
            {
                var consent = patient * _perPatient + random.Next(_perPatient);
                if (random.NextDouble() < 0.85)
                {
                    var inForce = Enumerable.Range(patient * _perPatient, _perPatient).Where(c => _consentInForce[c]).ToArray();
                    consent = inForce.Length > 0 ? inForce[random.Next(inForce.Length)] : consent;
                }
                grantee = _consentGrantee[consent];
                category = random.NextDouble() < 0.75 ? Pick(random, Categories, _consentCategories[consent]) : Categories[random.Next(Categories.Length)];
                purpose = random.NextDouble() < 0.75 ? Pick(random, Purposes, _consentPurposes[consent]) : Purposes[random.Next(Purposes.Length)];
            }
            else
            {
                grantee = random.Next(_grantees.Length);
                category = Categories[random.Next(Categories.Length)];
                purpose = Purposes[random.Next(Purposes.Length)];
            }
            var body = new DecisionBody(_patients[patient], _grantees[grantee],
                IsOrganization(grantee) ? GranteeKindCodes.Organization : GranteeKindCodes.Practitioner, category, purpose);
            requests[i] = new Request(body, JsonSerializer.SerializeToUtf8Bytes(new
            {
                subject = body.Subject,
                actor = body.Actor,
                actorKind = body.ActorKind,
                category = body.Category,
                purpose = body.Purpose,
            }));
        }
        return requests;
    }

    private static string Pick(Random random, string[] codes, int mask)
    {
        Debug.Assert(mask != 0);
        var set = Enumerable.Range(0, codes.Length).Where(i => (mask & (1 << i)) != 0).ToArray();
        return codes[set[random.Next(set.Length)]];
    }
}
