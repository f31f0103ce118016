using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Mingcha.IntegrationTests.Infrastructure;

/// <summary>One Razor page the app maps: its view path ("/Org/Index"), its shortest route, and the page as compiled (handlers, bound properties).</summary>
public sealed record MappedPage(string ViewPath, RouteEndpoint Endpoint, CompiledPageActionDescriptor Compiled)
{
    /// <summary>The POST handlers' names ("" for the page's plain OnPost), ordered.</summary>
    public IReadOnlyList<string> PostHandlers => Compiled.HandlerMethods
        .Where(h => string.Equals(h.HttpMethod, "POST", StringComparison.OrdinalIgnoreCase))
        .Select(h => h.Name ?? "").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Every page of the app, read from its endpoints and compiled as the app compiles them, so that a test over all pages
    /// covers a new page or handler without being told (PageCatalog's comparison, PageFormTests' sweep).
    /// </summary>
    public static async Task<IReadOnlyList<MappedPage>> AllAsync(IServiceProvider services)
    {
        var loader = services.GetRequiredService<PageLoader>();
        var pages = new List<MappedPage>();
        var byPage = services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null)
            .GroupBy(e => e.Metadata.GetMetadata<PageActionDescriptor>()!.ViewEnginePath, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in byPage)
        {
            // "/Org" rather than "/Org/Index": the shortest route of the page.
            var endpoint = group.OrderBy(e => (e.RoutePattern.RawText ?? "").Length).First();
            var descriptor = endpoint.Metadata.GetMetadata<PageActionDescriptor>()!;
            var compiled = descriptor as CompiledPageActionDescriptor ?? await loader.LoadAsync(descriptor, endpoint.Metadata);
            pages.Add(new MappedPage(group.Key, endpoint, compiled));
        }
        return pages;
    }
}
