using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Audit;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Features.Identity;

namespace Mingcha.Web.Pages.Audit;

/// <summary>The audit log (SEC-3), newest first, with filters and paging, and the verification of the hash chain. Auditor only (三员分立).</summary>
[Authorize(Policy = Policies.AuditRead)]
public sealed class IndexModel(MingchaDb db, AuditVerifier verifier, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public const int PageSize = 50;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    public string? EntityType { get; set; }
    public string? AuditUser { get; set; }
    public long? BeforeSeq { get; set; }

    public AuditApi.AuditPage Entries { get; private set; } = new([], 0);
    public IReadOnlyList<string> EntityTypes { get; private set; } = [];
    public AuditChainReport? Report { get; private set; }
    public long? NextBeforeSeq { get; private set; }

    public async Task OnGetAsync(string? entityType, string? user, long? beforeSeq, CancellationToken ct) =>
        await LoadAsync(entityType, user, beforeSeq, ct);

    /// <summary>Walks the whole chain (SEC-3); shown above the list.</summary>
    public async Task OnGetVerifyAsync(string? entityType, string? user, long? beforeSeq, CancellationToken ct)
    {
        Report = await verifier.VerifyAsync(ct);
        await LoadAsync(entityType, user, beforeSeq, ct);
    }

    /// <summary>Pretty JSON when the value is JSON, the text as it is otherwise.</summary>
    public static string Pretty(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return "";
        try
        {
            using var doc = JsonDocument.Parse(value);
            return JsonSerializer.Serialize(doc.RootElement, Indented);
        }
        catch (JsonException)
        {
            return value;
        }
    }

    private async Task LoadAsync(string? entityType, string? user, long? beforeSeq, CancellationToken ct)
    {
        EntityType = string.IsNullOrWhiteSpace(entityType) ? null : entityType.Trim();
        AuditUser = string.IsNullOrWhiteSpace(user) ? null : user.Trim();
        BeforeSeq = beforeSeq is > 0 ? beforeSeq : null;
        EntityTypes = await AuditApi.EntityTypesAsync(db, ct);
        Entries = await AuditApi.QueryAsync(db, new AuditApi.AuditQuery(EntityType, null, AuditUser, BeforeSeq, PageSize), ct);
        NextBeforeSeq = Entries.Items.Count == PageSize ? Entries.Items[^1].Seq : null;
    }
}
