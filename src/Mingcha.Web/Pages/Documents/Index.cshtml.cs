using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Mingcha.Domain.Documents;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Documents;

namespace Mingcha.Web.Pages.Documents;

/// <summary>The register of issued documents (发文登记), filtered by year and kind; a liaison sees their unit's only (SEC-2).</summary>
[Authorize(Roles = "OfficeAdmin,OfficeStaff,Leader,Auditor,UnitLiaison")]
public sealed class IndexModel(MingchaDb db) : PageModel
{
    public IReadOnlyList<DocumentsApi.DocumentLine> Documents { get; private set; } = [];

    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true)] public int? Year { get; set; }
    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true)] public DocumentKind? Kind { get; set; }

    public async Task OnGetAsync(CancellationToken ct) =>
        Documents = await DocumentsApi.ListAsync(db, User, Year, Kind, null, ct);

    public static string KindName(DocumentKind kind) => DocumentKinds.Zh(kind);
}
