using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Inspections;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Evidence;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Inspections;

/// <summary>
/// One visit of the demo's open-inspection round carried out to the end, so that a fresh demo shows an inspection's trail:
/// the first team's leader (the `inspector` login) visits the housing bureau's approval window, photographs its hall
/// without the efficiency notice board, records that finding with the photo (INS-5, INS-7), and submits the report; the
/// Office accepts it (INS-19) and confirms the finding (RCT-1), which then waits on the rectification desk for a notice
/// (RCT-2). Made through <see cref="VisitProtocolFlow"/>, the evidence intake (as a finished tus upload of the photo) and
/// <see cref="Rectification.Notices"/>, as the inspector and the Office would. The round's other two visits stay for the
/// `inspector` login to carry out. Once, only with the demo city and its supervisor's login, by the demo's activity at
/// start (<see cref="DemoActivityLoop"/>); a start stopped half way is finished by the next, each step taken from the
/// state it follows, and a visit the user has started or handed in themselves (no finding or photo of the demo's on it)
/// is left to them.
/// </summary>
public sealed class DemoOpenVisit(IServiceScopeFactory scopes, TimeProvider time)
{
    /// <summary>The window visited: the housing bureau's approval window, a target of the demo's open round.</summary>
    public const string SectionCode = "M06-CJJ-S03";

    /// <summary>The deduction item found: no efficiency notice board in the entrance hall.</summary>
    public const string ItemCode = "A06";

    public const string Description = "大厅入口及候办区未设置效能提示牌，未公示效能投诉电话和投诉方式（见现场照片）。";

    /// <summary>The photo's file name in the visit's case.</summary>
    public const string PhotoName = "大厅入口现场照片.png";

    /// <returns>Whether the visit was moved on by this call.</returns>
    public async Task<bool> LoadAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<MingchaDb>();
        var visit = await (from v in db.Visits.AsNoTracking()
                           join r in db.InspectionRounds on v.RoundId equals r.Id
                           join s in db.Sections on v.SectionId equals s.Id
                           where v.IsDemo && r.IsDemo && r.Kind == InspectionKind.Open && s.Code == SectionCode
                           orderby r.StartsOn descending
                           select new { v.Id, v.Status, v.TeamId, v.SectionId, v.Year, v.EvidenceCaseId }).FirstOrDefaultAsync(ct);
        if (visit?.TeamId is not { } teamId) return false;
        var inspector = await (from t in db.Teams
                               join s in db.Supervisors on t.LeaderId equals s.Id
                               where t.Id == teamId && s.UserId != null
                               select new { s.UserId, s.Name }).FirstOrDefaultAsync(ct);
        if (inspector is null) return false; // no login to act as: the visit stays for the user
        var by = ActingAs.User(inspector.UserId!, Roles.Supervisor);
        var office = ActingAs.User("demo", Roles.OfficeAdmin);
        var flow = sp.GetRequiredService<VisitProtocolFlow>();
        var now = time.GetUtcNow().UtcDateTime;
        var status = visit.Status;
        var moved = false;
        // The demo's own work on the visit is known by its finding or its photo; a visit the user started or filled is theirs.
        Task<bool> FoundAsync() => db.Findings.AnyAsync(f => f.VisitId == visit.Id && f.Description == Description, ct);
        Task<Guid?> PhotoAsync(Guid caseId) => db.EvidenceItems.AsNoTracking()
            .Where(i => i.CaseId == caseId && i.FileName == PhotoName && i.UploadedBy == inspector.UserId).Select(i => (Guid?)i.Id).FirstOrDefaultAsync(ct);

        if (status == VisitStatus.Planned)
        {
            await flow.StartAsync(visit.Id, new VisitProtocolFlow.StartVisit([VisitMethod.OnSiteObservation], now), by, ct);
            status = VisitStatus.InProgress;
            moved = true;
        }
        if (status == VisitStatus.InProgress)
        {
            var caseId = await db.Visits.AsNoTracking().Where(v => v.Id == visit.Id).Select(v => v.EvidenceCaseId).FirstAsync(ct)
                ?? throw new InvalidOperationException("A started visit has its evidence case.");
            var photo = await PhotoAsync(caseId);
            var found = await FoundAsync();
            if (!moved && photo is null && !found) return false; // started by the user, not by a stopped start
            if (!found)
            {
                var item = await db.DeductionItems.AsNoTracking().Where(i => i.Year == visit.Year && i.Code == ItemCode).Select(i => (Guid?)i.Id).FirstOrDefaultAsync(ct);
                if (item is null) return moved; // the year's catalogue lacks the item: the visit stays open for the user
                photo ??= await StorePhotoAsync(sp, caseId, inspector.UserId!, inspector.Name, now, ct);
                await flow.RecordFindingAsync(visit.Id, new VisitProtocolFlow.RecordFinding(visit.SectionId, null, item, null, Description, null, [photo.Value], null), by, ct);
            }
            await flow.SubmitAsync(visit.Id, new VisitProtocolFlow.Submit(now), by, ct);
            status = VisitStatus.Submitted;
            moved = true;
        }
        if (status == VisitStatus.Submitted && (moved || await FoundAsync()))
        {
            await flow.DecideAsync(visit.Id, new VisitProtocolFlow.Decision(VisitStatus.Accepted, null), office, ct);
            status = VisitStatus.Accepted;
            moved = true;
        }
        if (status == VisitStatus.Accepted)
        {
            var notices = sp.GetRequiredService<Rectification.Notices>();
            foreach (var finding in await db.Findings.AsNoTracking().Where(f => f.VisitId == visit.Id && f.Status == FindingStatus.Recorded && f.Description == Description)
                         .Select(f => f.Id).ToListAsync(ct))
            {
                await notices.ConfirmAsync(finding, office, ct);
                moved = true;
            }
        }
        return moved;
    }

    /// <summary>The inspector's photo of the hall, handed in as a finished upload to the visit's case (EVD-1, EVD-2).</summary>
    private static async Task<Guid> StorePhotoAsync(IServiceProvider sp, Guid caseId, string userId, string userName, DateTime now, CancellationToken ct)
    {
        var db = sp.GetRequiredService<MingchaDb>();
        var bytes = HallPhoto();
        var upload = new EvidenceUpload(caseId, bytes.Length, PhotoName, "", userId, userName, now, now.AddDays(1));
        db.EvidenceUploads.Add(upload);
        await db.SaveChangesAsync(ct);
        var staging = sp.GetRequiredService<TusStaging>();
        await File.WriteAllBytesAsync(staging.PartPath(upload.Id), bytes, ct);
        var item = await sp.GetRequiredService<EvidenceIntake>().CompleteAsync(upload, staging.PartPath(upload.Id), Convert.ToHexStringLower(SHA256.HashData(bytes)), ct);
        return item.Id;
    }

    /// <summary>A stand-in for the photo (the demo has no camera): a 320×240 picture of a plain wall, a floor and a doorway.</summary>
    public static byte[] HallPhoto() => PngImage.Encode(320, 240, (x, y) =>
        x is >= 130 and < 190 && y is >= 60 and < 180 ? ((byte)70, (byte)90, (byte)110) // the doorway
        : y >= 180 ? ((byte)(150 - (y - 180)), (byte)(130 - (y - 180)), (byte)(110 - (y - 180))) // the floor
        : ((byte)(225 - y / 6), (byte)(220 - y / 6), (byte)(205 - y / 6))); // the wall
}
