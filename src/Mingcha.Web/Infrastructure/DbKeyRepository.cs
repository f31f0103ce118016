using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Mingcha.Web.Data;

namespace Mingcha.Web.Infrastructure;

/// <summary>A data-protection key as stored in the database, shared by every app instance.</summary>
public sealed class DataProtectionKeyRow
{
    public int Id { get; set; }
    public string? FriendlyName { get; set; }
    public string Xml { get; set; } = "";
}

/// <summary>
/// Keeps ASP.NET Core's data-protection keys (cookies, antiforgery, two-factor state) in the database, so that
/// several instances behind a load balancer read each other's cookies and a restart keeps everyone signed in.
/// Microsoft.AspNetCore.DataProtection.EntityFrameworkCore is not in the package copy; this is its small equivalent.
/// </summary>
public sealed class DbKeyRepository(IServiceScopeFactory scopes) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
        return db.DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => k.Xml).ToList().Select(x => XElement.Parse(x)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
        db.DataProtectionKeys.Add(new DataProtectionKeyRow { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChangesAsync().GetAwaiter().GetResult(); // IXmlRepository is synchronous by contract
    }
}
