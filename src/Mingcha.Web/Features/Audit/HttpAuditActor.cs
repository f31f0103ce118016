using System.Security.Claims;

namespace Mingcha.Web.Features.Audit;

/// <summary>The signed-in user (or token) and remote address of the current request, for the audit log.</summary>
public sealed class HttpAuditActor(IHttpContextAccessor accessor) : IAuditActor
{
    public string? UserId => accessor.HttpContext?.User.FindFirstValue(ClaimTypes.NameIdentifier);
    public string? UserName => accessor.HttpContext?.User.Identity?.Name;
    public string? Ip => accessor.HttpContext?.Connection.RemoteIpAddress?.ToString();
}
