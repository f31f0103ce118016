using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Inspections;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.Web.Features.Inspections;

/// <summary>
/// INS-12: the question bank: questions per service item (ORG-6), graded by depth, and the personas inspectors play;
/// plus the re-run of a visit's draw, which anyone who may see the visit's protocol can check.
/// </summary>
public sealed class QuestionBank(MingchaDb db)
{
    public sealed record NewPersona([property: Required, StringLength(100, MinimumLength = 1)] string Name, [property: Required, StringLength(2000, MinimumLength = 1)] string Description);
    public sealed record NewQuestion([property: Required] Guid? ServiceItemId, [property: Range(1, 3)] int Depth, [property: Required, StringLength(1000, MinimumLength = 1)] string Text,
        [property: StringLength(2000)] string? ExpectedAnswer, bool TestsConduct);
    public sealed record QuestionLine(Guid Id, Guid ServiceItemId, string ServiceItemCode, string ServiceItem, int Depth, string Text, string? ExpectedAnswer, bool TestsConduct);
    public sealed record PersonaLine(Guid Id, string Name, string Description);
    public sealed record BankView(IReadOnlyList<PersonaLine> Personas, IReadOnlyList<QuestionLine> Questions);

    public async Task<BankView> GetAsync(Guid? serviceItemId, CancellationToken ct)
    {
        var personas = await db.BankPersonas.AsNoTracking().Where(p => p.Active).OrderBy(p => p.Name).Select(p => new PersonaLine(p.Id, p.Name, p.Description)).ToListAsync(ct);
        var q = from b in db.BankQuestions.AsNoTracking()
                join i in db.ServiceItems.AsNoTracking() on b.ServiceItemId equals i.Id
                where b.Active
                select new { b, i };
        if (serviceItemId is { } sid) q = q.Where(x => x.b.ServiceItemId == sid);
        var questions = await q.OrderBy(x => x.i.Code).ThenBy(x => x.b.Depth).Take(2000)
            .Select(x => new QuestionLine(x.b.Id, x.i.Id, x.i.Code, x.i.Name, x.b.Depth, x.b.Text, x.b.ExpectedAnswer, x.b.TestsConduct)).ToListAsync(ct);
        return new BankView(personas, questions);
    }

    public async Task<Guid> AddPersonaAsync(NewPersona r, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var p = new BankPersona(r.Name.Trim(), r.Description.Trim());
        db.BankPersonas.Add(p);
        await db.SaveChangesAsync(ct);
        return p.Id;
    }

    public async Task<Guid> AddQuestionAsync(NewQuestion r, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (!await db.ServiceItems.AnyAsync(i => i.Id == r.ServiceItemId, ct))
            throw new FieldException("serviceItemId", "服务事项不存在。 No such service item.");
        var q = new BankQuestion(r.ServiceItemId!.Value, r.Depth, r.Text.Trim(), string.IsNullOrWhiteSpace(r.ExpectedAnswer) ? null : r.ExpectedAnswer.Trim(), r.TestsConduct);
        db.BankQuestions.Add(q);
        await db.SaveChangesAsync(ct);
        return q.Id;
    }

    /// <summary>
    /// The demo bank (INS-12, S0, S2): personas and, for the demo human-resources service items, three graded questions
    /// each (basic → materials and time limit → a complication that tests conduct).
    /// </summary>
    public async Task LoadDemoAsync(CancellationToken ct)
    {
        if (await db.BankPersonas.AnyAsync(ct)) return;
        (string Name, string Description)[] personas =
        [
            ("外出务工返乡人员", "在外地务工多年，刚返乡，社保关系在外地，不熟悉本地办事流程，说话直接。"),
            ("刚毕业的大学生", "首次就业，第一次到政务大厅办事，对材料要求一无所知，需要耐心指引。"),
            ("代办业务的企业会计", "替公司员工集中办理，手里材料多，时间紧，追问办理时限和能否容缺受理。"),
            ("行动不便的老年人", "视力不好、听力较弱，由子女陪同或独自前来，需要窗口人员主动帮助。"),
        ];
        foreach (var (name, description) in personas) db.BankPersonas.Add(new BankPersona(name, description) { IsDemo = true });
        var items = await db.ServiceItems.AsNoTracking().Where(i => i.IsDemo).OrderBy(i => i.Code).Select(i => new { i.Id, i.Name, i.PromisedDays }).ToListAsync(ct);
        foreach (var i in items)
        {
            db.BankQuestions.Add(new BankQuestion(i.Id, 1, $"请问办理“{i.Name}”需要到哪个窗口？", "准确指明窗口，落实首问负责制。", true) { IsDemo = true });
            db.BankQuestions.Add(new BankQuestion(i.Id, 2, $"办理“{i.Name}”需要带哪些材料？多长时间能办好？",
                $"一次性告知全部材料；承诺时限{(i.PromisedDays is { } d ? $" {d} 个工作日" : "")}，不超过法定时限。", false) { IsDemo = true });
            db.BankQuestions.Add(new BankQuestion(i.Id, 3, $"我的材料少了一份复印件，今天能不能先受理“{i.Name}”？如果不行，下次来要找谁？",
                "说明容缺受理政策或一次性告知补齐方式，留下联系方式，态度耐心，不推诿。", true) { IsDemo = true });
        }
        db.SuppressRowAudit = true;
        db.Audit(new AuditEvent("demo.load", "QuestionBank", null, null, $"{personas.Length} personas, {items.Count * 3} questions (demo)"));
        await db.SaveChangesAsync(ct);
        db.SuppressRowAudit = false;
    }
}
