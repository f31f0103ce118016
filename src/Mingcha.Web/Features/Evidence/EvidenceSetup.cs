using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Jobs;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Evidence;

/// <summary>The evidence vault's registration: <c>builder.Services.AddEvidence(config)</c> and <c>app.MapEvidence()</c>.</summary>
public static class EvidenceSetup
{
    public static IServiceCollection AddEvidence(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<EvidenceOptions>(configuration.GetSection(EvidenceOptions.Section));
        services.AddSingleton<IEvidenceStore>(sp =>
        {
            var evidence = sp.GetRequiredService<IOptions<EvidenceOptions>>().Value;
            if (evidence.UsesS3) return new S3EvidenceStore(evidence.S3);
            var data = sp.GetRequiredService<IOptions<MingchaOptions>>().Value.ResolvedDataFolder;
            return new LocalEvidenceStore(evidence.LocalFolder ?? Path.Combine(data, "evidence", "store"));
        });
        services.AddSingleton<TusStaging>();
        services.AddSingleton<MediaProbe>();
        services.AddSingleton<ManifestSigner>();
        services.AddScoped<EvidenceAccessService>();
        services.AddScoped<EvidenceCases>();
        services.AddScoped<EvidenceIntake>();
        services.AddScoped<EvidenceDelivery>();
        services.AddScoped<EvidenceVerifier>();
        services.AddScoped<EvidencePurge>();
        services.AddSingleton<IRecurringJob, ExpiredUploadSweep>();
        services.AddTransient<IStartupFilter, TusStartupFilter>();
        return services;
    }

    public static IEndpointRouteBuilder MapEvidence(this IEndpointRouteBuilder app)
    {
        TusUploads.Map(app);
        EvidenceApi.Map(app);
        return app;
    }

    /// <summary>Puts the tus headers middleware in front of everything, so even a 401 carries Tus-Resumable.</summary>
    private sealed class TusStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseTusHeaders();
            next(app);
        };
    }
}

/// <summary>
/// Every hour: unfinished uploads past their expiry lose their staged bytes (tus expiration). Each is taken under the same
/// per-upload gate that PATCH and HEAD hold, so an upload being written is never removed under the writer (it is skipped
/// and swept an hour later); the expiry is recorded on the row first (<see cref="EvidenceUpload.ExpiredAt"/>, so a later
/// PATCH gets 410 Gone whatever the clock says), and only then do the staged files go.
/// </summary>
public sealed class ExpiredUploadSweep : IRecurringJob
{
    public string Name => "evidence-expired-uploads";

    public DateTime NextRun(DateTime afterUtc, TimeZoneInfo zone) =>
        new DateTime(afterUtc.Ticks - (afterUtc.Ticks % TimeSpan.TicksPerHour), DateTimeKind.Utc).AddHours(1);

    public async Task<string> RunAsync(IServiceProvider services, DateTime occurrenceUtc, CancellationToken ct)
    {
        var db = services.GetRequiredService<MingchaDb>();
        var staging = services.GetRequiredService<TusStaging>();
        var time = services.GetRequiredService<TimeProvider>();
        var due = await db.EvidenceUploads.AsNoTracking()
            .Where(u => u.CompletedAt == null && u.FailedAt == null && u.ExpiredAt == null && u.ExpiresAt <= occurrenceUtc)
            .Select(u => u.Id).ToListAsync(ct);
        int removed = 0, busy = 0;
        foreach (var id in due)
        {
            var state = staging.State(id);
            if (!await state.Gate.WaitAsync(TimeSpan.Zero, ct)) { busy++; continue; } // a request is writing it: next hour
            try
            {
                var upload = await db.EvidenceUploads.FirstAsync(u => u.Id == id, ct);
                if (upload.CompletedAt is not null || upload.FailedAt is not null || upload.ExpiredAt is not null) continue; // finished meanwhile
                upload.Expire(time.GetUtcNow().UtcDateTime);
                await db.SaveChangesAsync(ct);
                staging.Remove(id);
                removed++;
            }
            finally
            {
                state.Gate.Release();
            }
        }
        return busy == 0 ? $"{removed} expired uploads removed" : $"{removed} expired uploads removed, {busy} busy (left for the next run)";
    }
}
