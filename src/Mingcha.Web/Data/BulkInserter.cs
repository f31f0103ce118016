using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Mingcha.Web.Data;

/// <summary>
/// Inserts many new entities on the connection and transaction of the context, bypassing the change tracker:
/// a prepared INSERT on SQLite, binary COPY on PostgreSQL. EF's own SaveChanges with 300,000 tracked entities spends most
/// of its time tracking; this spends it in the database (bench/org-import/README.md has the figures).
/// Table, columns and value conversions (enums as text, UTC dates, SQLite's text GUIDs) come from the EF model
/// and its type mappings, so the rows are exactly what EF itself would write on either provider.
/// The entities are still built by their constructors, so their rules hold.
/// Used by the organisation import, the nightly escalation and the scoring computation (decisions 004 and 013); rows
/// written this way are not audited one by one: the caller writes a summary audit event in the same transaction.
/// A constraint violation throws the provider's <see cref="DbException"/> and the caller's transaction rolls back.
/// </summary>
public sealed class BulkInserter(MingchaDb db)
{
    // A table's columns, statements and converters, worked out once per model and entity type.
    private static readonly ConcurrentDictionary<(IModel, Type), Table> Tables = new();

    public long RowsWritten { get; private set; }

    public async Task InsertAsync<T>(IReadOnlyList<T> entities, CancellationToken ct) where T : class
    {
        if (entities.Count == 0) return;
        var table = TableOf(typeof(T));
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Bulk inserts run inside the import's transaction.");
        if (db.IsPostgres) await InsertCopyAsync(table, entities, transaction, ct);
        else await InsertPreparedAsync(table, entities, transaction, ct);
        RowsWritten += entities.Count;
    }

    /// <summary>
    /// SQLite: one prepared single-row INSERT, executed per row. Inside one transaction that is SQLite's fastest
    /// path; a multi-row statement would cost more, because Microsoft.Data.Sqlite finds each named parameter by a linear
    /// search. When every column has a positional binder (<see cref="SqliteRaw"/>: text, integers, decimals, dates,
    /// Guids as text) the statement runs on SQLite's C API, binding by position: about half the time for 10,000 score
    /// results (decision 015). Otherwise it goes through Microsoft.Data.Sqlite's parameters.
    /// </summary>
    private static async Task InsertPreparedAsync<T>(Table table, IReadOnlyList<T> entities, DbTransaction transaction, CancellationToken ct) where T : class
    {
        var connection = (SqliteConnection)transaction.Connection!;
        var binders = table.SqliteBinders(connection);
        if (binders is not null)
        {
            using var statement = SqliteRaw.Prepare(connection, table.PositionalInsertCommand);
            for (var r = 0; r < entities.Count; r++)
            {
                if ((r & 1023) == 0) ct.ThrowIfCancellationRequested();
                for (var c = 0; c < binders.Length; c++)
                    binders[c](statement, c + 1, table.Columns[c].ProviderValue(entities[r]));
                SqliteRaw.Execute(connection, statement);
            }
            return;
        }
        await using var command = connection.CreateCommand();
        command.Transaction = (SqliteTransaction)transaction;
        command.CommandText = table.InsertCommand;
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

    /// <summary>
    /// PostgreSQL: binary COPY, the server's own bulk path. Values go through the same model converters as in EF,
    /// and Npgsql picks each column's wire type from the value (uuid, text, integer, boolean, timestamptz for UTC).
    /// </summary>
    private static async Task InsertCopyAsync<T>(Table table, IReadOnlyList<T> entities, DbTransaction transaction, CancellationToken ct) where T : class
    {
        var connection = (NpgsqlConnection)transaction.Connection!;
        await using var copy = await connection.BeginBinaryImportAsync(table.CopyCommand, ct);
        foreach (var entity in entities)
        {
            await copy.StartRowAsync(ct);
            foreach (var column in table.Columns)
            {
                var value = column.ProviderValue(entity);
                if (value is DBNull) await copy.WriteNullAsync(ct);
                else await copy.WriteAsync(value, ct);
            }
        }
        await copy.CompleteAsync(ct);
    }

    private Table TableOf(Type type) =>
        Tables.GetOrAdd((db.Model, type), static (key, sql) =>
        {
            var entityType = key.Item1.FindEntityType(key.Item2) ?? throw new InvalidOperationException($"{key.Item2.Name} is not in the model.");
            foreach (var p in entityType.GetProperties())
                if (p.IsShadowProperty()) throw new NotSupportedException($"Bulk inserts: {key.Item2.Name}.{p.Name} is a shadow property.");
            return new Table(entityType, sql);
        }, db.GetService<ISqlGenerationHelper>());

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
        public Table(IEntityType entityType, ISqlGenerationHelper sql)
        {
            var name = sql.DelimitIdentifier(entityType.GetTableName()!, entityType.GetSchema());
            var store = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
            Columns = entityType.GetProperties().Select(p => new Column(p, (RelationalTypeMapping)p.GetRelationalTypeMapping())).ToList();
            var columns = string.Join(", ", Columns.Select(c => sql.DelimitIdentifier(c.Property.GetColumnName(store)!)));
            InsertCommand = $"INSERT INTO {name} ({columns}) VALUES ("
                + string.Join(", ", Columns.Select((_, i) => sql.GenerateParameterNamePlaceholder(ParameterName(i)))) + ")";
            PositionalInsertCommand = $"INSERT INTO {name} ({columns}) VALUES (" + string.Join(", ", Columns.Select(_ => "?")) + ")";
            CopyCommand = $"COPY {name} ({columns}) FROM STDIN (FORMAT BINARY)";
        }

        public List<Column> Columns { get; }
        public string InsertCommand { get; }
        public string PositionalInsertCommand { get; }

        // Worked out once per table: a positional binder per column, or null when a column has none (decision 015).
        private volatile StrongBox<SqliteRaw.Binder[]?>? _binders;

        public SqliteRaw.Binder[]? SqliteBinders(SqliteConnection connection)
        {
            if (_binders is { } known) return known.Value;
            using var command = connection.CreateCommand();
            var binders = new SqliteRaw.Binder[Columns.Count];
            for (var c = 0; c < binders.Length; c++)
            {
                var column = Columns[c];
                var providerType = column.Mapping.Converter?.ProviderClrType ?? column.Mapping.ClrType;
                var probe = column.Mapping.CreateParameter(command, ParameterName(c), null, column.Property.IsNullable);
                if (SqliteRaw.BinderFor(providerType, probe) is not { } binder) { binders = null; break; }
                binders[c] = binder;
            }
            _binders = new StrongBox<SqliteRaw.Binder[]?>(binders);
            return binders;
        }
        public string CopyCommand { get; }

        public static string ParameterName(int i) => "p" + i.ToString(CultureInfo.InvariantCulture);
    }
}
