using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;

namespace Mingcha.Web.Infrastructure;

/// <summary>
/// Whether a user may open a page, asked of the page's own authorization (the folder's convention and its model's
/// <c>[Authorize]</c>, combined as the authorization middleware combines them), so that the navigation and the links to a
/// page follow the page and never repeat its roles: a link is shown exactly to whom the page opens (SEC-2). Each page's
/// policy is read once (decision 041).
/// </summary>
public sealed class PageAccess(EndpointDataSource endpoints, PageLoader loader, IAuthorizationPolicyProvider policies)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<AuthorizationPolicy?>>> _policies = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Whether the request's user may open <paramref name="page"/>, the page's path without its route values
    /// ("/Scoring/Campaign"; "/Org" for "/Org/Index"), evaluated with the request's own services.
    /// </summary>
    /// <exception cref="ArgumentException">No such page.</exception>
    public Task<bool> AllowsAsync(HttpContext context, string page)
    {
        ArgumentNullException.ThrowIfNull(context);
        return AllowsAsync(context.User, context.RequestServices.GetRequiredService<IAuthorizationService>(), page);
    }

    public async Task<bool> AllowsAsync(ClaimsPrincipal user, IAuthorizationService authorization, string page)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        var policy = await _policies.GetOrAdd(page, p => new Lazy<Task<AuthorizationPolicy?>>(() => PolicyAsync(p))).Value;
        return policy is null || (await authorization.AuthorizeAsync(user, null, policy)).Succeeded;
    }

    private async Task<AuthorizationPolicy?> PolicyAsync(string page)
    {
        var endpoint = endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is { } d
                && (string.Equals(d.ViewEnginePath, page, StringComparison.OrdinalIgnoreCase) || string.Equals(d.ViewEnginePath, page.TrimEnd('/') + "/Index", StringComparison.OrdinalIgnoreCase)))
            .FirstOrDefault() ?? throw new ArgumentException($"No page {page}.", nameof(page));
        var descriptor = endpoint.Metadata.GetMetadata<PageActionDescriptor>()!;
        // The model's attributes are known once the page is compiled (as at its first request).
        var compiled = descriptor as CompiledPageActionDescriptor ?? await loader.LoadAsync(descriptor, endpoint.Metadata);
        var metadata = compiled.Endpoint?.Metadata ?? endpoint.Metadata;
        if (metadata.GetMetadata<IAllowAnonymous>() is not null) return null;
        return await AuthorizationPolicy.CombineAsync(policies, metadata.GetOrderedMetadata<IAuthorizeData>());
    }
}
