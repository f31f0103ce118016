using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Scoring;
using SQLitePCL;

namespace Mingcha.IntegrationTests.Data;

/// <summary>
/// Decision 015: the bulk inserter and the scoring aggregate bind and read on SQLite's C API by position. A value must be
/// stored exactly as Microsoft.Data.Sqlite (EF's own path) stores it, or a row written in bulk would not be found by
/// EF's queries (a Guid in lower case) or would compare differently (a decimal with other digits). These bind every
/// kind of value the model maps, both ways, and compare what SQLite holds. SQLite only (skipped on PostgreSQL, which
/// takes COPY).
/// </summary>
public sealed class SqliteRawTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    private static readonly Dictionary<Type, object[]> Samples = new()
    {
        [typeof(string)] = ["", "a", "测评结果：满意", "x\0y", new string('长', 700), "\uD800 alone", " trailing "],
        [typeof(bool)] = [true, false],
        [typeof(int)] = [0, -1, 1, int.MaxValue, int.MinValue],
        [typeof(long)] = [0L, long.MaxValue, long.MinValue, 1_000_000_000_000L],
        [typeof(short)] = [(short)0, short.MaxValue, short.MinValue],
        [typeof(byte)] = [(byte)0, byte.MaxValue],
        [typeof(decimal)] = [0m, 1m, -1.5m, 100.00m, 12.3400m, 79.228162514264337593543950335m, decimal.MaxValue, decimal.MinValue,
            0.0000000000000000000000000001m, 2m / 3m, 0.8975m * 80m + 17m],
        [typeof(DateTime)] = [new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), new DateTime(2026, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(1234567),
            new DateTime(2026, 6, 1, 8, 0, 0, 500, DateTimeKind.Unspecified), DateTime.MinValue, DateTime.MaxValue],
        [typeof(DateOnly)] = [new DateOnly(2026, 2, 28), DateOnly.MinValue, DateOnly.MaxValue],
        [typeof(Guid)] = [Guid.Empty, Guid.Parse("0123abcd-ef45-6789-abcd-ef0123456789"), Guid.CreateVersion7(), Guid.NewGuid()],
    };

    [SqliteOnlyFact]
    public async Task EveryMappedKindOfValue_IsStoredExactlyAsMicrosoftDataSqliteStoresIt()
    {
        await app.WithDbAsync(async db =>
        {
            await db.Database.OpenConnectionAsync();
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            var compared = new HashSet<Type>();
            foreach (var property in db.Model.GetEntityTypes().SelectMany(e => e.GetProperties()))
            {
                var mapping = (RelationalTypeMapping)property.GetRelationalTypeMapping();
                var providerType = Nullable.GetUnderlyingType(mapping.Converter?.ProviderClrType ?? mapping.ClrType) ?? mapping.Converter?.ProviderClrType ?? mapping.ClrType;
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT typeof(@p), quote(@p)";
                var probe = mapping.CreateParameter(command, "@p", null, nullable: true);
                var binder = SqliteRaw.BinderFor(providerType, probe);
                if (binder is null) continue; // no positional binder: the bulk inserter keeps Microsoft.Data.Sqlite's path
                Assert.True(Samples.ContainsKey(providerType), $"{property.DeclaringType.ClrType.Name}.{property.Name}: no samples for {providerType.Name}");
                foreach (var value in Samples[providerType].Append(DBNull.Value))
                {
                    // As the bulk inserter's other path binds: a parameter made by the mapping, given the provider value.
                    command.Parameters.Clear();
                    var parameter = mapping.CreateParameter(command, "@p", null, nullable: true);
                    parameter.Value = value;
                    command.Parameters.Add(parameter);
                    string expected;
                    await using (var reader = await command.ExecuteReaderAsync())
                    {
                        Assert.True(await reader.ReadAsync());
                        expected = reader.GetString(0) + " " + reader.GetString(1);
                    }
                    using var statement = SqliteRaw.Prepare(connection, "SELECT typeof(?1), quote(?1)");
                    binder(statement, 1, value);
                    Assert.True(SqliteRaw.Step(connection, statement));
                    var actual = raw.sqlite3_column_text(statement, 0).utf8_to_string() + " " + raw.sqlite3_column_text(statement, 1).utf8_to_string();
                    Assert.True(expected == actual, $"{property.DeclaringType.ClrType.Name}.{property.Name} ({providerType.Name}) {value}: Microsoft.Data.Sqlite {expected}, positional {actual}");
                }
                compared.Add(providerType);
            }
            // The kinds the score results are made of all have binders (else the computation would take the slow path).
            Assert.Superset(new HashSet<Type> { typeof(string), typeof(Guid), typeof(decimal), typeof(int), typeof(bool), typeof(DateOnly) }, compared);
            return 0;
        });
    }

    [SqliteOnlyFact]
    [Trait("Rule", "EV-7")]
    public async Task ScoreResults_WrittenInBulk_ReadBackThroughEfAsTheyWereMade()
    {
        var made = await app.WithDbAsync(async db =>
        {
            var campaign = new EvaluationCampaign(2026, "批量写入核对", new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31), "test", DateTime.UtcNow);
            db.Campaigns.Add(campaign);
            var comp = new ScoreComputation(campaign.Id, 1, false, 3, 3, "test", DateTime.UtcNow);
            db.ScoreComputations.Add(comp);
            await db.SaveChangesAsync();
            var rows = new List<ScoreResult>
            {
                new(comp.Id, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "1,2,3,0,0;0,0,0,0,0;4,0,0,0,1;9,9,9,9,9", 0.8975m, true, 17.5m, 2.5m, 1, 0.8975m * 80m + 17.5m, 1, Mingcha.Domain.Scoring.ResultConsequence.Satisfied),
                new(comp.Id, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "", 2m / 3m, false, 0m, 20m, 7, 2m / 3m * 80m, 2, Mingcha.Domain.Scoring.ResultConsequence.RectifyAndAccount),
                new(comp.Id, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "0,0,0,0,0;0,0,0,0,0;0,0,0,0,0;0,0,0,0,0", 0m, false, 20m, 0m, 0, 20m, 2, Mingcha.Domain.Scoring.ResultConsequence.None),
            };
            await using (var tx = await db.Database.BeginTransactionAsync())
            {
                await BulkInsert.InsertAsync(db, rows, CancellationToken.None);
                await tx.CommitAsync();
            }
            return (comp.Id, rows);
        });
        var stored = await app.WithDbAsync(db => db.ScoreResults.AsNoTracking().Where(r => r.ComputationId == made.Item1).ToListAsync());
        Assert.Equal(3, stored.Count);
        foreach (var r in made.rows)
        {
            // Found by its Guid keys through EF (the same text), with the same exact decimals and the rest.
            var s = Assert.Single(stored, x => x.SectionId == r.SectionId && x.UnitId == r.UnitId && x.CategoryId == r.CategoryId);
            Assert.Equal((r.Counts, r.Composite, r.Rescaled, r.Rectification, r.Deducted, r.Problems, r.Total, r.Rank, r.Consequence, r.DueOn),
                (s.Counts, s.Composite, s.Rescaled, s.Rectification, s.Deducted, s.Problems, s.Total, s.Rank, s.Consequence, s.DueOn));
        }
    }
}
