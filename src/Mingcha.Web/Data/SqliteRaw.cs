using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Mingcha.Web.Data;

/// <summary>
/// SQLite's own C API, through SQLitePCLRaw (the library Microsoft.Data.Sqlite is built on and ships with), for the few
/// paths that move tens of thousands of rows in one go: the bulk inserter and the scoring aggregate (decision 015).
/// Microsoft.Data.Sqlite finds every parameter by its name on every execution and checks the type of every column it
/// reads; for 10,000 result rows that cost twice SQLite's own B-tree work (bench/README.md, "Scoring"). Here parameters
/// are bound by position and columns read by position.
/// A value is written exactly as Microsoft.Data.Sqlite writes it (a Guid as upper-case text, a decimal and a date as
/// invariant text, a bool as 0 or 1); <c>SqliteRawTests</c> binds each kind of value both ways and compares the stored
/// values. A value of any other kind has no binder here, and its caller keeps Microsoft.Data.Sqlite's path.
/// </summary>
internal static class SqliteRaw
{
    /// <summary>Binds one value (never null; <see cref="DBNull"/> for NULL) at a 1-based position.</summary>
    public delegate void Binder(sqlite3_stmt statement, int position, object value);

    // Microsoft.Data.Sqlite's text forms (SqliteValueBinder): a decimal with up to 28 decimals, a DateTime to the tick
    // without trailing zeros, a DateOnly as the ISO day.
    private const string DecimalFormat = "0.0###########################";
    private const string DateTimeFormat = "yyyy-MM-dd HH:mm:ss.FFFFFFF";
    private const string DateOnlyFormat = "yyyy-MM-dd";

    /// <summary>
    /// The binder for values of <paramref name="providerType"/> (the type after the model's value converter), or null
    /// when this class does not bind that kind exactly as Microsoft.Data.Sqlite does. <paramref name="probe"/> is a
    /// parameter made by the column's EF type mapping: it says whether a Guid goes in as text (EF's mapping) or a blob.
    /// </summary>
    public static Binder? BinderFor(Type providerType, DbParameter probe)
    {
        var type = Nullable.GetUnderlyingType(providerType) ?? providerType;
        Binder? bind = type switch
        {
            _ when type == typeof(string) => static (s, i, v) => BindString(s, i, (string)v),
            _ when type == typeof(bool) => static (s, i, v) => BindInt64(s, i, (bool)v ? 1 : 0),
            _ when type == typeof(int) => static (s, i, v) => BindInt64(s, i, (int)v),
            _ when type == typeof(long) => static (s, i, v) => BindInt64(s, i, (long)v),
            _ when type == typeof(short) => static (s, i, v) => BindInt64(s, i, (short)v),
            _ when type == typeof(byte) => static (s, i, v) => BindInt64(s, i, (byte)v),
            _ when type == typeof(decimal) => static (s, i, v) => BindAscii(s, i, (decimal)v, DecimalFormat),
            _ when type == typeof(DateTime) => static (s, i, v) => BindDateTime(s, i, (DateTime)v),
            _ when type == typeof(DateOnly) => static (s, i, v) => BindAscii(s, i, (DateOnly)v, DateOnlyFormat),
            _ when type == typeof(Guid) && probe is SqliteParameter { SqliteType: SqliteType.Text } => static (s, i, v) => BindGuid(s, i, (Guid)v),
            _ => null,
        };
        if (bind is null) return null;
        return (s, i, v) =>
        {
            if (v is DBNull) Check(raw.sqlite3_bind_null(s, i));
            else bind(s, i, v);
        };
    }

    /// <summary>Text, or NULL.</summary>
    public static void BindText(sqlite3_stmt statement, int position, string? value)
    {
        if (value is null) Check(raw.sqlite3_bind_null(statement, position));
        else BindString(statement, position, value);
    }

    /// <summary>An integer (a bool as 0 or 1, as Microsoft.Data.Sqlite binds it).</summary>
    public static void BindInt64(sqlite3_stmt statement, int position, long value) => Check(raw.sqlite3_bind_int64(statement, position, value));

    /// <summary>A DateTime as Microsoft.Data.Sqlite writes it: <c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c>.</summary>
    public static void BindDateTime(sqlite3_stmt statement, int position, DateTime value) => BindAscii(statement, position, value, DateTimeFormat);

    /// <summary>A Guid as text, or NULL.</summary>
    public static void BindGuid(sqlite3_stmt statement, int position, Guid? value)
    {
        if (value is { } g) BindGuid(statement, position, g);
        else Check(raw.sqlite3_bind_null(statement, position));
    }

    /// <summary>A Guid stored as text, or null when the column is NULL.</summary>
    public static Guid? ReadNullableGuid(sqlite3_stmt statement, int column) =>
        raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL ? null : ReadGuid(statement, column);

    /// <summary>A Guid as Microsoft.Data.Sqlite writes it into a text column: "D" format, upper case.</summary>
    public static void BindGuid(sqlite3_stmt statement, int position, Guid value)
    {
        Span<byte> text = stackalloc byte[36];
        value.TryFormat(text, out _, "D");
        for (var k = 0; k < text.Length; k++)
            if (text[k] is >= (byte)'a' and <= (byte)'f') text[k] -= 'a' - 'A';
        Check(raw.sqlite3_bind_text(statement, position, text));
    }

    /// <summary>Text as UTF-8 made by .NET (as Microsoft.Data.Sqlite makes it), with its length: an embedded NUL stays.</summary>
    private static void BindString(sqlite3_stmt statement, int position, string value)
    {
        // An empty span has no address, and SQLite binds a null address as NULL: "" goes through the string overload.
        if (value.Length == 0) { Check(raw.sqlite3_bind_text(statement, position, "")); return; }
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        var buffer = max <= 1024 ? stackalloc byte[1024] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var n = Encoding.UTF8.GetBytes(value, buffer);
            Check(raw.sqlite3_bind_text(statement, position, buffer[..n]));
        }
        finally
        {
            if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void BindAscii<T>(sqlite3_stmt statement, int position, T value, string format) where T : IUtf8SpanFormattable
    {
        Span<byte> text = stackalloc byte[64];
        if (!value.TryFormat(text, out var written, format, CultureInfo.InvariantCulture))
            throw new InvalidOperationException($"Cannot format {value} for SQLite.");
        Check(raw.sqlite3_bind_text(statement, position, text[..written]));
    }

    /// <summary>A Guid stored as text (EF's SQLite mapping), read without making a string.</summary>
    public static Guid ReadGuid(sqlite3_stmt statement, int column)
    {
        var bytes = raw.sqlite3_column_blob(statement, column);
        Span<char> chars = stackalloc char[64];
        if (bytes.Length > chars.Length) throw new FormatException("Not a GUID.");
        var n = Encoding.ASCII.GetChars(bytes, chars);
        return Guid.Parse(chars[..n]);
    }

    /// <summary>Prepares <paramref name="sql"/> on the connection's handle; the caller disposes the statement.</summary>
    public static sqlite3_stmt Prepare(SqliteConnection connection, string sql)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        var rc = raw.sqlite3_prepare_v2(db, sql, out var statement);
        if (rc != raw.SQLITE_OK)
        {
            statement?.Dispose();
            SqliteException.ThrowExceptionForRC(rc, db);
        }
        return statement ?? throw new InvalidOperationException("SQLite prepared no statement (empty SQL).");
    }

    /// <summary>One step of a statement that writes: SQLITE_DONE, or the SQLite error as a <see cref="SqliteException"/>.</summary>
    public static void Execute(SqliteConnection connection, sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, connection.Handle);
    }

    /// <summary>One step of a query: true with a row, false at the end, or the SQLite error.</summary>
    public static bool Step(SqliteConnection connection, sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        if (rc == raw.SQLITE_ROW) return true;
        if (rc == raw.SQLITE_DONE) return false;
        SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        return false;
    }

    private static void Check(int rc)
    {
        if (rc != raw.SQLITE_OK) throw new SqliteException($"SQLite could not bind a parameter (error {rc}).", rc);
    }
}
