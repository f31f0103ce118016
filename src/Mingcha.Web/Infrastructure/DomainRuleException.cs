namespace Mingcha.Web;

/// <summary>
/// A broken business rule. Carries the SPEC.md rule ID so that clients (ProblemDetails "rule") and
/// people reading a log know which rule refused the request.
/// </summary>
public class DomainRuleException(string ruleId, string message, int statusCode = 409) : Exception(message)
{
    public string RuleId { get; } = ruleId;
    public int StatusCode { get; } = statusCode;
}

/// <summary>A request that names a record that does not exist (or that the caller may not know exists).</summary>
public sealed class NotFoundException(string message) : Exception(message);

/// <summary>
/// Bad input in one field of a request, found by a handler that both an endpoint and a page call. The API
/// answers 400 ValidationProblemDetails naming the field; a page shows the message beside its form.
/// </summary>
public sealed class FieldException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>
/// A service the request needs is missing, failed or is full (e.g. the PDF printer, the rating queue): 503 with the
/// message, not a 500, and a Retry-After header when a retry shortly is expected to succeed.
/// </summary>
public class UnavailableException(string message, int? retryAfterSeconds = null) : Exception(message)
{
    /// <summary>Seconds after which the client may retry (the Retry-After header), if known.</summary>
    public int? RetryAfterSeconds { get; } = retryAfterSeconds;
}

/// <summary>Bad input in several fields at once (e.g. an official document's content): 400 naming each field.</summary>
public sealed class FieldsException(IReadOnlyDictionary<string, string[]> errors)
    : Exception(string.Join(" ", errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}"))))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}
