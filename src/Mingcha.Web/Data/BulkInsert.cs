using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Mingcha.Web.Data;

/// <summary>
/// Inserts many rows of one entity type without the change tracker, inside the caller's transaction: one prepared
/// single-row INSERT reused for every row on SQLite, multi-row INSERTs of up to <see cref="RowsPerStatement"/> rows on PostgreSQL; the values converted by the model's own type
/// mappings (so a Guid, an enum stored as text or a UTC date lands exactly as EF would write it, on SQLite and PostgreSQL).
/// Rows inserted this way are not audited one by one: the caller writes a summary audit event in the same transaction
/// (decision 004). A constraint violation throws the provider's <see cref="DbException"/>.
/// </summary>
public static class BulkInsert
{
    public const int RowsPerStatement = 200;

    public static async Task<int> InsertAsync<T>(MingchaDb db, IReadOnlyList<T> rows, CancellationToken ct) where T : class
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) return 0;
        var tx = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("BulkInsert runs inside the caller's transaction (with its summary audit event).");
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = entity.GetTableName()!;
        var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        var columns = entity.GetProperties().ToList();
        foreach (var c in columns)
            if (c.IsShadowProperty()) throw new NotSupportedException($"BulkInsert: {typeof(T).Name}.{c.Name} is a shadow property.");
        var mappings = columns.Select(c => (RelationalTypeMapping)c.GetTypeMapping()).ToArray();
        var getters = columns.Select(c => c.GetGetter()).ToArray();
        var head = $"INSERT INTO {sql.DelimitIdentifier(table, entity.GetSchema())} ("
            + string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.GetColumnName(store)!))) + ") VALUES ";

        // SQLite binds parameters by name in linear time, so one prepared single-row statement, reused, is its fastest
        // form; PostgreSQL pays a round trip per statement, so it gets many rows per statement.
        var perStatement = db.IsPostgres ? RowsPerStatement : 1;
        var connection = db.Database.GetDbConnection();
        var written = 0;
        DbCommand? full = null;
        try
        {
            for (var start = 0; start < rows.Count; start += perStatement)
            {
                var count = Math.Min(perStatement, rows.Count - start);
                DbCommand command;
                if (count == perStatement && full is not null) command = full;
                else
                {
                    command = connection.CreateCommand();
                    command.Transaction = tx.GetDbTransaction();
                    var text = new StringBuilder(head, head.Length + count * columns.Count * 8);
                    for (var r = 0; r < count; r++)
                    {
                        text.Append(r == 0 ? "(" : ", (");
                        for (var c = 0; c < columns.Count; c++)
                        {
                            if (c > 0) text.Append(", ");
                            text.Append(sql.GenerateParameterNamePlaceholder($"p{r}_{c}"));
                        }
                        text.Append(')');
                    }
                    command.CommandText = text.ToString();
                    if (count == perStatement) full = command;
                }
                command.Parameters.Clear();
                for (var r = 0; r < count; r++)
                {
                    var row = rows[start + r];
                    for (var c = 0; c < columns.Count; c++)
                        command.Parameters.Add(mappings[c].CreateParameter(command, sql.GenerateParameterName($"p{r}_{c}"),
                            getters[c].GetClrValue(row), columns[c].IsNullable));
                }
                try { written += await command.ExecuteNonQueryAsync(ct); }
                finally { if (command != full) await command.DisposeAsync(); }
            }
        }
        finally
        {
            if (full is not null) await full.DisposeAsync();
        }
        return written;
    }
}
