using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Complaints;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.Web.Features.Complaints;

/// <summary>
/// The demo city's complaints desk, so that a fresh demo shows the complaint pages at work: six complaints of the last
/// days, filed and moved on through <see cref="Complaints"/> as the Office and the human-resources bureau would (CMP):
/// two waiting for the Office to accept, one with the bureau to answer, one answered and waiting for the Office's review,
/// one closed after review, one not accepted. Made once (a complaint marked by its ticket number), only with the demo city,
/// by the demo's activity at start (<see cref="Infrastructure.DemoActivityLoop"/>). A start stopped half way is finished
/// by the next: a complaint already filed is not filed again, and is moved on from where it stands.
/// </summary>
public sealed class DemoComplaints(IServiceScopeFactory scopes, TimeProvider time)
{
    /// <summary>The hotline ticket numbers of the demo's complaints start with this.</summary>
    public const string TicketPrefix = "DEMO-12345-";

    private const string MarketRegulatorCode = "L07-GSJ";

    /// <returns>The complaints filed (0 when they exist already or there is no demo city).</returns>
    public async Task<int> LoadAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
        var complaints = scope.ServiceProvider.GetRequiredService<Complaints>();
        var filedBefore = await db.Complaints.AsNoTracking().Where(c => c.ExternalTicket != null && c.ExternalTicket.StartsWith(TicketPrefix))
            .Select(c => new { c.ExternalTicket, c.Id }).ToDictionaryAsync(c => c.ExternalTicket!, c => c.Id, StringComparer.Ordinal, ct);
        if (filedBefore.Count == 6) return 0; // all six filed: the desk is its users' now, whatever they did with them
        var units = await db.Units.AsNoTracking().Where(u => u.IsDemo && u.Active).OrderBy(u => u.Code).Select(u => new { u.Id, u.Code }).ToListAsync(ct);
        var hr = units.FirstOrDefault(u => u.Code == DemoData.HrUnitCode);
        if (hr is null || units.Count < 3) return 0;
        // The market regulator (business licences, its penalties), or any other demo unit when it was renamed or removed.
        var other = units.FirstOrDefault(u => u.Code == MarketRegulatorCode) ?? units.First(u => u.Id != hr.Id);
        var window = await db.Sections.AsNoTracking().Where(s => s.UnitId == hr.Id && s.Kind == SectionKind.Window && s.ParentSectionId != null)
            .OrderBy(s => s.Code).Select(s => (Guid?)s.Id).FirstOrDefaultAsync(ct);
        var office = new ComplaintViewer(true, true, null, "demo");
        var bureau = new ComplaintViewer(false, false, hr.Id, "demo");
        var now = time.GetUtcNow().UtcDateTime;
        var n = 0;
        var filedNow = 0;

        async Task<Guid> FileAsync(ComplaintType type, Guid unit, Guid? section, string matter, string reasons, string name, string phone, int hoursAgo)
        {
            var ticket = $"{TicketPrefix}{++n:000}";
            if (filedBefore.TryGetValue(ticket, out var id)) return id;
            var filed = await complaints.FileAsync(new Complaints.FileComplaint(ComplaintChannel.Hotline12345, type, unit, null, section, null, matter, reasons,
                null, name, phone, null, false, true, now.AddHours(-hoursAgo), ticket), office, fromHotlineSystem: false, publicAddress: null, ct);
            filedNow++;
            return filed.Id;
        }

        // Each step is taken from the status it follows, so a complaint a stopped start left half way is moved on, not twice.
        async Task<bool> IsAsync(Guid id, ComplaintStatus status) => await db.Complaints.AsNoTracking().AnyAsync(c => c.Id == id && c.Status == status, ct);

        await FileAsync(ComplaintType.BuckPassing, hr.Id, window, "社保卡补办被要求到其他网点办理",
            "在市人社综合服务大厅 1 号窗口补办社保卡，工作人员称须到户籍所在地服务站办理，服务站又称大厅可以办，来回两次未办成。", "王女士", "13900001001", 3);
        await FileAsync(ComplaintType.SlowHandling, other.Id, null, "营业执照变更登记超过承诺时限",
            "十一月初提交的营业执照变更登记，承诺 3 个工作日办结，至今未办结，电话询问无人说明原因。", "李先生", "13900001002", 20);

        var assigned = await FileAsync(ComplaintType.NotInforming, hr.Id, window, "失业保险金申领材料未一次性告知",
            "申领失业保险金时第一次被告知缺少离职证明，第二次又被告知缺少银行卡复印件，往返三次。", "张先生", "13900001003", 30);
        if (await IsAsync(assigned, ComplaintStatus.Received))
            await complaints.AssignAsync(assigned, new Complaints.Assign(hr.Id, "请核实窗口一次性告知制度落实情况，按期答复。"), office, ct);

        var answered = await FileAsync(ComplaintType.Attitude, hr.Id, window, "窗口工作人员态度生硬",
            "咨询养老保险关系转移时，工作人员不耐烦，说“自己回去看通知”。", "赵女士", "13900001004", 52);
        if (await IsAsync(answered, ComplaintStatus.Received)) await complaints.AssignAsync(answered, new Complaints.Assign(hr.Id, null), office, ct);
        if (await IsAsync(answered, ComplaintStatus.Assigned))
            await complaints.AnswerAsync(answered, new Complaints.Text("经调阅窗口录像并约谈当事工作人员，情况基本属实。已对其批评教育，并由科室负责人向投诉人当面致歉，投诉人表示接受。"), bureau, ct);

        var closed = await FileAsync(ComplaintType.SlowHandling, hr.Id, window, "职业技能培训补贴迟迟未到账",
            "十月份申请的职业技能培训补贴，公示已结束，一个多月未到账。", "陈先生", "13900001005", 75);
        if (await IsAsync(closed, ComplaintStatus.Received)) await complaints.AssignAsync(closed, new Complaints.Assign(hr.Id, null), office, ct);
        if (await IsAsync(closed, ComplaintStatus.Assigned))
            await complaints.AnswerAsync(closed, new Complaints.Text("经核查，补贴因财政拨付批次原因延迟，已于本周拨付到账，并电话告知投诉人。"), bureau, ct);
        if (await IsAsync(closed, ComplaintStatus.Answered)) await complaints.ReviewAsync(closed, new Complaints.Review(true, false, null, "答复属实，办结。"), office, ct);

        var refused = await FileAsync(ComplaintType.AbuseOfPost, other.Id, null, "对行政处罚决定不服",
            "对市场监管部门作出的行政处罚决定不服，要求撤销。", "周先生", "13900001006", 8);
        if (await IsAsync(refused, ComplaintStatus.Received))
            await complaints.RefuseAsync(refused, new Complaints.Refuse(NotAcceptedReason.ForLitigationArbitrationOrReconsideration,
                "属于行政复议或行政诉讼事项，已告知投诉人依法申请行政复议或提起行政诉讼。"), office, ct);
        return filedNow;
    }
}
