using Mingcha.Domain.Rectification;

namespace Mingcha.Web.Features.Rectification;

/// <summary>Settings of the module (section Mingcha:Rectification). The ladder's rungs and deadlines are the Office's to configure (RCT-4).</summary>
public sealed class RectificationOptions
{
    public const string Section = "Mingcha:Rectification";

    /// <summary>The working days a notice gives unless the Office sets others.</summary>
    public int NoticeWorkingDays { get; set; } = RectificationRules.DefaultNoticeWorkingDays;

    /// <summary>RCT-4: the rungs after the notice, with their working days (defaults: S1/S4 second supervision 5, listed supervision 10).</summary>
    public List<LadderStep> Ladder { get; set; } = [.. RectificationRules.DefaultLadder];

    /// <summary>Reminders this many working days before each rung's last day (0 = on the last day).</summary>
    public List<int> ReminderDays { get; set; } = [.. RectificationRules.DefaultReminderDays];

    /// <summary>SMTP server for e-mail notifications; none means e-mails are queued but not sent.</summary>
    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 25;
    public string SmtpFrom { get; set; } = "mingcha@localhost";
    public bool SmtpSsl { get; set; }
    public string? SmtpUser { get; set; }
    public string? SmtpPassword { get; set; }

    /// <summary>How many messages one run of the sender delivers at most.</summary>
    public int SendBatch { get; set; } = 200;
}
