using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Robustness;

/// <summary>
/// Every page, opened by every role over the demo city, answers a page, a redirect, 403 or 404 — never a 500. Pages
/// that take an id get one that names nothing. The list of pages is read from the app's own routes, so a new page is
/// covered without being added here.
/// </summary>
public sealed partial class PageSmokeTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private static readonly string[] AllRoles =
    [
        Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Supervisor, Roles.AgencyInspector, Roles.UnitLiaison, Roles.Leader,
        Roles.MonitoringPoint, Roles.EvaluationRep, Roles.SystemAdmin, Roles.SecurityAdmin, Roles.Auditor,
    ];

    [Fact]
    [Trait("Rule", "SEC-2")]
    public async Task EveryPage_OpenedByEveryRole_IsNeverAServerError()
    {
        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null)
            .Select(e => Concrete(e.RoutePattern.RawText ?? ""))
            .Where(r => r.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        Assert.True(routes.Count > 40, $"only {routes.Count} pages found: {string.Join(", ", routes)}");

        var unit = await app.WithDbAsync(db => db.Units.AsNoTracking().OrderBy(u => u.Code).Select(u => u.Id).FirstAsync());
        var wrong = new StringBuilder();
        foreach (var role in AllRoles)
        {
            var client = await app.ClientAsAsync(role, role == Roles.UnitLiaison ? unit : null);
            foreach (var route in routes)
            {
                using var response = await client.GetAsync(route);
                if ((int)response.StatusCode >= 500)
                    wrong.AppendLine(CultureInfo.InvariantCulture, $"  {role,-16} GET {route} → {(int)response.StatusCode}");
            }
        }
        Assert.True(wrong.Length == 0, "Pages answering a server error:\n" + wrong);
    }

    /// <summary>A route template made a path: a fresh id for a guid, this year for a number, a word for the rest; optional parts dropped.</summary>
    private static string Concrete(string template)
    {
        var path = "/" + template.TrimStart('/');
        path = OptionalPart().Replace(path, "");
        path = Parameter().Replace(path, m => m.Groups["constraint"].Value switch
        {
            var c when c.StartsWith("guid", StringComparison.Ordinal) => Guid.NewGuid().ToString(),
            var c when c.StartsWith("int", StringComparison.Ordinal) || c.StartsWith("long", StringComparison.Ordinal) => "2026",
            _ => "x",
        });
        return path.Replace("//", "/", StringComparison.Ordinal).TrimEnd('/') is { Length: > 0 } p ? p : "/";
    }

    [GeneratedRegex(@"/\{[^}]*\?\}")]
    private static partial Regex OptionalPart();

    [GeneratedRegex(@"\{(?<name>[^}:?]+)(:(?<constraint>[^}?]+))?\}")]
    private static partial Regex Parameter();
}
