using System.Net.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Jobs;

namespace Mingcha.Web.Features.Rectification;

/// <summary>
/// Tells people: an in-app notification to each addressee (per user, so one unit's liaisons never see another's, SEC-2),
/// plus an e-mail and an SMS queued in the outbox for those with an address or phone number. The outbox job delivers them.
/// </summary>
public sealed class RectificationNotifier(MingchaDb db, TimeProvider time)
{
    private sealed record Addressee(string Id, string? Email, string? Phone);

    public Task NotifyUnitAsync(Guid unitId, string kind, string title, string? body, string link, string dedupKey, CancellationToken ct) =>
        NotifyAsync(LiaisonsOf(unitId), unitId, kind, title, body, link, dedupKey, ct);

    public Task NotifyOfficeAsync(string kind, string title, string link, string dedupKey, CancellationToken ct) =>
        NotifyAsync(InRoles(Roles.OfficeAdmin, Roles.OfficeStaff), null, kind, title, null, link, dedupKey, ct);

    private IQueryable<Addressee> LiaisonsOf(Guid unitId)
    {
        var roleId = db.Roles.Where(r => r.Name == Roles.UnitLiaison).Select(r => r.Id);
        return db.Users.Where(u => u.UnitId == unitId && db.UserRoles.Any(ur => ur.UserId == u.Id && roleId.Contains(ur.RoleId)))
            .OrderBy(u => u.Id).Select(u => new Addressee(u.Id, u.Email, u.PhoneNumber));
    }

    private IQueryable<Addressee> InRoles(params string[] roles)
    {
        var roleIds = db.Roles.Where(r => roles.Contains(r.Name!)).Select(r => r.Id);
        // The Office's roles see every unit: an account bound to a unit never gets them (SEC-2, decision 034), nor their messages.
        return db.Users.Where(u => u.UnitId == null && db.UserRoles.Any(ur => ur.UserId == u.Id && roleIds.Contains(ur.RoleId)))
            .OrderBy(u => u.Id).Select(u => new Addressee(u.Id, u.Email, u.PhoneNumber));
    }

    private async Task NotifyAsync(IQueryable<Addressee> who, Guid? unitId, string kind, string title, string? body, string link, string dedupKey, CancellationToken ct)
    {
        var people = await who.AsNoTracking().Take(500).ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var keys = people.Select(p => Key(dedupKey, p.Id)).ToList();
        var existing = (await db.Notifications.AsNoTracking().Where(n => keys.Contains(n.DedupKey)).Select(n => n.DedupKey).ToListAsync(ct)).ToHashSet();
        foreach (var p in people)
        {
            var key = Key(dedupKey, p.Id);
            if (existing.Contains(key)) continue;
            db.Notifications.Add(new Notification(p.Id, null, unitId, kind, Cut(title, 300), body is null ? null : Cut(body, 2000), link, key, now));
            if (!string.IsNullOrWhiteSpace(p.Email) && MailAddress.TryCreate(p.Email, out _))
                db.OutboundMessages.Add(new OutboundMessage("email", p.Email!, Cut(title, 300), Cut($"{title}\n\n{body}\n\n{link}", 8000), "email:" + key, now));
            if (!string.IsNullOrWhiteSpace(p.Phone))
                db.OutboundMessages.Add(new OutboundMessage("sms", p.Phone!, Cut(title, 300), Cut(title, 300), "sms:" + key, now));
        }
        await db.SaveChangesAsync(ct);
    }

    private static string Key(string dedupKey, string userId) => Cut($"{dedupKey}:{userId}", 300);
    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];
}

/// <summary>E-mail delivery.</summary>
public interface IMailTransport
{
    Task SendAsync(string recipient, string subject, string body, CancellationToken ct);
}

/// <summary>
/// SMTP through .NET's own client (the NuGet copy has no MailKit). Subjects and bodies are UTF-8, so Chinese text arrives intact.
/// </summary>
public sealed class SmtpMailTransport(IOptions<RectificationOptions> options) : IMailTransport
{
    public async Task SendAsync(string recipient, string subject, string body, CancellationToken ct)
    {
        var o = options.Value;
        if (string.IsNullOrWhiteSpace(o.SmtpHost)) throw new InvalidOperationException("No SMTP server is configured (Mingcha:Rectification:SmtpHost).");
        using var client = new SmtpClient(o.SmtpHost, o.SmtpPort) { EnableSsl = o.SmtpSsl, DeliveryMethod = SmtpDeliveryMethod.Network };
        if (o.SmtpUser is { Length: > 0 }) client.Credentials = new System.Net.NetworkCredential(o.SmtpUser, o.SmtpPassword);
        using var message = new MailMessage(o.SmtpFrom, recipient, subject, body)
        {
            SubjectEncoding = System.Text.Encoding.UTF8,
            BodyEncoding = System.Text.Encoding.UTF8,
            HeadersEncoding = System.Text.Encoding.UTF8,
        };
        await client.SendMailAsync(message, ct);
    }
}

/// <summary>An SMS gateway (the city's SMS platform); plug one in by registering it.</summary>
public interface ISmsGateway
{
    Task SendAsync(string phone, string text, CancellationToken ct);
}

/// <summary>The default gateway: writes the message to the log (no SMS platform configured).</summary>
public sealed partial class LoggingSmsGateway(ILogger<LoggingSmsGateway> logger) : ISmsGateway
{
    public Task SendAsync(string phone, string text, CancellationToken ct)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            var masked = Identifiers.Mask(phone);
            LogSms(logger, masked, text);
        }
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS to {Phone}: {Text}")]
    private static partial void LogSms(ILogger logger, string phone, string text);

    private static class Identifiers
    {
        public static string Mask(string phone) => phone.Length <= 7 ? "***" : phone[..3] + new string('*', phone.Length - 7) + phone[^4..];
    }
}

/// <summary>Delivers queued e-mails and SMS every minute; a failure is kept and retried (up to 10 attempts).</summary>
public sealed class OutboxJob : IRecurringJob
{
    public const string JobName = "rectification-outbox";
    public string Name => JobName;

    public DateTime NextRun(DateTime afterUtc, TimeZoneInfo zone)
    {
        var t = new DateTime(afterUtc.Ticks - afterUtc.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);
        return t.AddMinutes(1);
    }

    public Task<string> RunAsync(IServiceProvider services, DateTime occurrenceUtc, CancellationToken ct) =>
        services.GetRequiredService<OutboxSender>().SendPendingAsync(ct);
}

public sealed class OutboxSender(MingchaDb db, IMailTransport mail, ISmsGateway sms, TimeProvider time, IOptions<RectificationOptions> options)
{
    public async Task<string> SendPendingAsync(CancellationToken ct)
    {
        var pending = await db.OutboundMessages.Where(m => m.SentAt == null && m.Attempts < 10).OrderBy(m => m.CreatedAt).Take(options.Value.SendBatch).ToListAsync(ct);
        int sent = 0, failed = 0;
        var mailConfigured = !string.IsNullOrWhiteSpace(options.Value.SmtpHost);
        foreach (var m in pending)
        {
            if (m.Channel == "email" && !mailConfigured) continue; // kept until a server is configured
            m.Attempts++;
            try
            {
                if (m.Channel == "email") await mail.SendAsync(m.Recipient, m.Subject, m.Body, ct);
                else await sms.SendAsync(m.Recipient, m.Body, ct);
                m.SentAt = time.GetUtcNow().UtcDateTime; m.LastError = null; sent++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                m.LastError = e.Message.Length > 1000 ? e.Message[..1000] : e.Message; failed++;
            }
        }
        await db.SaveChangesAsync(ct);
        return $"{sent} sent, {failed} failed";
    }
}
