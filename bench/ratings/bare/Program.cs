var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
var n = 0L;
app.MapPost("/api/v1/ratings", (Body body) => Results.Json(new Answer(Guid.CreateVersion7(), "stored", Interlocked.Increment(ref n) + body.Level), statusCode: 201));
await app.RunAsync();

internal sealed record Body(Guid? SectionId, string? CaseNumber, int Level);
internal sealed record Answer(Guid Id, string Status, long N);
