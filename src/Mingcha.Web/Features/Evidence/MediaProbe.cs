using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Mingcha.Web.Features.Evidence;

/// <summary>What ffprobe reads from a video or recording: its duration (INS-11's 40 minutes) and the creation time it carries.</summary>
public sealed record MediaFacts(long? DurationMs, DateTime? CreatedAt);

/// <summary>Runs Debian's ffprobe on a file (never on anything but a staged, type-checked evidence file).</summary>
public sealed partial class MediaProbe(IOptions<EvidenceOptions> options, ILogger<MediaProbe> logger)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public async Task<MediaFacts> ProbeAsync(string path, CancellationToken ct)
    {
        var start = new ProcessStartInfo(options.Value.FfprobePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-v", "error", "-print_format", "json", "-show_format", "-show_streams", path }) start.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(start)!;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(Timeout);
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            if (process.ExitCode != 0)
            {
                LogProbeFailed(logger, process.ExitCode, (await stderr).Trim());
                return new MediaFacts(null, null);
            }
            return Parse(await stdout);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            LogProbeMissing(logger, e.Message);
            return new MediaFacts(null, null);
        }
    }

    public static MediaFacts Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        long? duration = null;
        DateTime? created = null;
        if (doc.RootElement.TryGetProperty("format", out var format))
        {
            if (format.TryGetProperty("duration", out var d) && double.TryParse(d.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                duration = (long)Math.Round(seconds * 1000);
            created = CreationTime(format);
        }
        if (created is null && doc.RootElement.TryGetProperty("streams", out var streams))
            foreach (var s in streams.EnumerateArray())
                if ((created = CreationTime(s)) is not null) break;
        return new MediaFacts(duration, created);
    }

    private static DateTime? CreationTime(JsonElement e) =>
        e.TryGetProperty("tags", out var tags) && tags.TryGetProperty("creation_time", out var c)
        && DateTimeOffset.TryParse(c.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t.UtcDateTime
            : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "ffprobe exited {Code}: {Error}")]
    private static partial void LogProbeFailed(ILogger logger, int code, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ffprobe could not be started: {Error}")]
    private static partial void LogProbeMissing(ILogger logger, string error);
}
