namespace Mingcha.Web;

/// <summary>
/// A broken business rule. Carries the SPEC.md rule ID so that clients (ProblemDetails "rule") and
/// people reading a log know which rule refused the request.
/// </summary>
public sealed class DomainRuleException(string ruleId, string message, int statusCode = 409) : Exception(message)
{
    public string RuleId { get; } = ruleId;
    public int StatusCode { get; } = statusCode;
}

/// <summary>A request that names a record that does not exist (or that the caller may not know exists).</summary>
public sealed class NotFoundException(string message) : Exception(message);
