using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Infrastructure;

namespace Mingcha.IntegrationTests.Security;

/// <summary>
/// <see cref="PageAccess"/>, which the navigation and the pages' links ask before showing a link, says of every page and
/// every role what the page itself answers: allowed where the page opens, refused where it sends the user to "access
/// denied". A link is then shown exactly to whom its page opens.
/// </summary>
public sealed class PageAccessServiceTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    [Fact]
    [Trait("Rule", "SEC-2")]
    public async Task PageAccess_AgreesWithEveryPage_ForEveryRole()
    {
        var pages = (await MappedPage.AllAsync(app.Services)).Where(p => p.Endpoint.RoutePattern.Parameters.Count == 0).ToList();
        Assert.True(pages.Count > 40, $"only {pages.Count} pages without route values");
        var unit = await app.WithDbAsync(db => db.Units.AsNoTracking().OrderBy(u => u.Code).Select(u => u.Id).FirstAsync());
        var access = app.Services.GetRequiredService<PageAccess>();
        var authorization = app.Services.GetRequiredService<IAuthorizationService>();
        var wrong = new StringBuilder();
        var allowedSomewhere = 0;
        foreach (var role in Roles.All)
        {
            var client = await app.ClientAsAsync(role, Roles.IsUnitBound(role) ? unit : null);
            var user = ActingAs.User("page-access-" + role, role);
            if (Roles.IsUnitBound(role)) ((ClaimsIdentity)user.Identity!).AddClaim(new Claim(MingchaClaims.Unit, unit.ToString()));
            foreach (var page in pages)
            {
                var path = "/" + (page.Endpoint.RoutePattern.RawText ?? "").TrimStart('/');
                using var response = await client.GetAsync(path);
                var refused = response.StatusCode == HttpStatusCode.Forbidden
                    || response.Headers.Location?.OriginalString.Contains("/Account/Denied", StringComparison.Ordinal) == true;
                var allowed = await access.AllowsAsync(user, authorization, page.ViewPath);
                if (allowed) allowedSomewhere++;
                if (allowed == refused)
                    wrong.AppendLine(CultureInfo.InvariantCulture, $"  {role,-16} {path}: PageAccess says {(allowed ? "allowed" : "refused")}, the page answers {(int)response.StatusCode} {response.Headers.Location}");
            }
        }
        Assert.True(wrong.Length == 0, "PageAccess and the pages disagree:\n" + wrong);
        Assert.InRange(allowedSomewhere, Roles.All.Count, pages.Count * Roles.All.Count - 1); // neither everything nor nothing
        await Assert.ThrowsAsync<ArgumentException>(() => access.AllowsAsync(ActingAs.User("x", Roles.OfficeAdmin), authorization, "/No/Such/Page"));
    }
}
