using System.Security.Claims;

namespace Mingcha.Web.Infrastructure;

/// <summary>
/// The user a piece of the server's own work acts as, when it goes through the services a request would (the demo's data,
/// made by the rules): the id the services record as the actor, and the role their checks ask for.
/// </summary>
public static class ActingAs
{
    public static ClaimsPrincipal User(string userId, string? role = null)
    {
        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, userId) };
        if (role is not null) claims.Add(new Claim(ClaimTypes.Role, role));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "system"));
    }
}
