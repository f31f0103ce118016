using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Mingcha.Web.Infrastructure;

/// <summary>
/// PostgreSQL text cannot hold U+0000 (it fails the statement), SQLite would keep it, and no Mingcha field has a use
/// for it. Input carrying it is refused as a bad request naming the field, on both databases alike, instead of
/// ending in a 500 on PostgreSQL.
/// </summary>
public static class NulCharacters
{
    public const string Message = "文本中不能含有空字符（U+0000）。 Text may not contain the NUL character (U+0000).";

    /// <summary>
    /// Refuses requests whose query values contain U+0000 (decoded), with 400 naming the parameter.
    /// (Kestrel already refuses it in the path.)
    /// </summary>
    public static IApplicationBuilder UseNulRejection(this IApplicationBuilder app) => app.Use(async (ctx, next) =>
    {
        var field = ctx.Request.Query
            .Where(q => q.Key.Contains('\0', StringComparison.Ordinal) || q.Value.Any(v => v?.Contains('\0', StringComparison.Ordinal) == true))
            .Select(q => q.Key).FirstOrDefault();
        if (field is not null)
        {
            await Problems.Field(field, Message).ExecuteAsync(ctx);
            return;
        }
        await next(ctx);
    });

    /// <summary>
    /// The OpenAPI generator cannot see through <see cref="JsonConverter"/> and would describe every string as "any":
    /// give string schemas their type back (with null where the property may be null).
    /// </summary>
    public static Task DescribeStrings(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Type == typeof(string) && schema.Type is null)
            schema.Type = context.JsonPropertyInfo is { IsSetNullable: false } ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
        return Task.CompletedTask;
    }

    /// <summary>Reads JSON strings like the built-in converter, refusing U+0000 (the error names the JSON path).</summary>
    public sealed class JsonConverter : JsonConverter<string>
    {
        public override bool HandleNull => false;

        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var value = reader.GetString();
            return value is not null && value.Contains('\0', StringComparison.Ordinal) ? throw new JsonException(Message) : value;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }
}
