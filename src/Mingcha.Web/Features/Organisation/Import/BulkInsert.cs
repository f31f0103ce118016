using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Mingcha.Web.Data;

namespace Mingcha.Web.Features.Organisation.Import;

/// <summary>
/// Inserts many new entities with multi-row, parameterised INSERT statements on the connection and transaction
/// of the context, bypassing the change tracker. EF's own SaveChanges with 300,000 tracked entities spends most
/// of its time tracking; this spends it in the database (bench/org-import/README.md has the figures).
/// Table, columns and value conversions (enums as text, UTC dates, SQLite's text GUIDs) come from the EF model
/// and its type mappings, so the rows are exactly what EF itself would write on either provider.
/// The entities are still built by their constructors, so their rules hold.
/// </summary>
internal sealed class BulkInsert(MingchaDb db)
{
    // SQLite allows 32,766 parameters per statement, PostgreSQL 65,535; stay under both.
    private const int MaxParameters = 30_000;
    private const int MaxRowsPerStatement = 1_000;

    private readonly Dictionary<Type, Table> _tables = [];

    public long RowsWritten { get; private set; }

    public async Task InsertAsync<T>(IReadOnlyList<T> entities, CancellationToken ct) where T : class
    {
        if (entities.Count == 0) return;
        var table = TableOf(typeof(T));
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Bulk inserts run inside the import's transaction.");
        if (db.IsPostgres) await InsertMultiRowAsync(table, entities, transaction, ct);
        else await InsertPreparedAsync(table, entities, transaction, ct);
        RowsWritten += entities.Count;
    }

    /// <summary>
    /// SQLite: one prepared single-row INSERT, executed per row. Inside one transaction that is SQLite's fastest
    /// path; a multi-row statement would cost more, because SQLite finds each named parameter by a linear search.
    /// </summary>
    private static async Task InsertPreparedAsync<T>(Table table, IReadOnlyList<T> entities, DbTransaction transaction, CancellationToken ct) where T : class
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = table.Sql(1);
        var parameters = new DbParameter[table.Columns.Count];
        for (var c = 0; c < parameters.Length; c++)
        {
            var column = table.Columns[c];
            parameters[c] = column.Mapping.CreateParameter(command, Table.ParameterName(c), null, column.Property.IsNullable);
            command.Parameters.Add(parameters[c]);
        }
        await command.PrepareAsync(ct);
        foreach (var entity in entities)
        {
            for (var c = 0; c < parameters.Length; c++)
                parameters[c].Value = table.Columns[c].ProviderValue(entity);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>PostgreSQL: multi-row INSERT statements of up to 1,000 rows, one round trip each.</summary>
    private static async Task InsertMultiRowAsync<T>(Table table, IReadOnlyList<T> entities, DbTransaction transaction, CancellationToken ct) where T : class
    {
        for (var start = 0; start < entities.Count; start += table.RowsPerStatement)
        {
            var count = Math.Min(table.RowsPerStatement, entities.Count - start);
            await using var command = transaction.Connection!.CreateCommand();
            command.Transaction = transaction;
            command.CommandTimeout = 600;
            command.CommandText = table.Sql(count);
            var p = 0;
            for (var i = start; i < start + count; i++)
            {
                foreach (var column in table.Columns)
                {
                    var parameter = column.Mapping.CreateParameter(command, Table.ParameterName(p++), null, column.Property.IsNullable);
                    parameter.Value = column.ProviderValue(entities[i]);
                    command.Parameters.Add(parameter);
                }
            }
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private Table TableOf(Type type)
    {
        if (_tables.TryGetValue(type, out var table)) return table;
        var entityType = db.Model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not in the model.");
        table = new Table(entityType, db.GetService<ISqlGenerationHelper>());
        _tables[type] = table;
        return table;
    }

    /// <summary>A column: its property, and its type mapping, whose converter gives the value as stored (an enum as text, for example).</summary>
    private sealed record Column(IProperty Property, RelationalTypeMapping Mapping)
    {
        private readonly IClrPropertyGetter _getter = Property.GetGetter();

        public object ProviderValue(object entity)
        {
            var value = _getter.GetClrValueUsingContainingEntity(entity);
            if (value is not null && Mapping.Converter is { } converter) value = converter.ConvertToProvider(value);
            return value ?? DBNull.Value;
        }
    }

    private sealed class Table
    {
        private readonly string _prefix;
        private readonly ISqlGenerationHelper _sql;
        private readonly Dictionary<int, string> _statements = [];

        public Table(IEntityType entityType, ISqlGenerationHelper sql)
        {
            _sql = sql;
            var name = entityType.GetTableName()!;
            var store = StoreObjectIdentifier.Table(name, entityType.GetSchema());
            Columns = entityType.GetProperties().Select(p => new Column(p, (RelationalTypeMapping)p.GetRelationalTypeMapping())).ToList();
            RowsPerStatement = Math.Max(1, Math.Min(MaxRowsPerStatement, MaxParameters / Columns.Count));
            _prefix = $"INSERT INTO {sql.DelimitIdentifier(name, entityType.GetSchema())} ("
                + string.Join(", ", Columns.Select(c => sql.DelimitIdentifier(c.Property.GetColumnName(store)!))) + ") VALUES ";
        }

        public List<Column> Columns { get; }
        public int RowsPerStatement { get; }

        public static string ParameterName(int i) => "p" + i.ToString(CultureInfo.InvariantCulture);

        public string Sql(int rows)
        {
            if (_statements.TryGetValue(rows, out var sql)) return sql;
            var sb = new StringBuilder(_prefix, _prefix.Length + rows * Columns.Count * 8);
            var p = 0;
            for (var r = 0; r < rows; r++)
            {
                sb.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < Columns.Count; c++)
                {
                    if (c > 0) sb.Append(", ");
                    sb.Append(_sql.GenerateParameterNamePlaceholder(ParameterName(p++)));
                }
                sb.Append(')');
            }
            sql = sb.ToString();
            _statements[rows] = sql;
            return sql;
        }
    }
}
