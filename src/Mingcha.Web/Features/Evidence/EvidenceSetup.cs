using Microsoft.Extensions.Options;
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

/// <summary>Every hour: unfinished uploads past their expiry lose their staged bytes (tus expiration).</summary>
public sealed class ExpiredUploadSweep : IRecurringJob
{
    public string Name => "evidence-expired-uploads";

    public DateTime NextRun(DateTime afterUtc, TimeZoneInfo zone) =>
        new DateTime(afterUtc.Ticks - (afterUtc.Ticks % TimeSpan.TicksPerHour), DateTimeKind.Utc).AddHours(1);

    public async Task<string> RunAsync(IServiceProvider services, DateTime occurrenceUtc, CancellationToken ct)
    {
        var db = services.GetRequiredService<Data.MingchaDb>();
        var staging = services.GetRequiredService<TusStaging>();
        var expired = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            db.EvidenceUploads.Where(u => u.CompletedAt == null && u.FailedAt == null && u.ExpiresAt <= occurrenceUtc), ct);
        foreach (var upload in expired) staging.Remove(upload.Id);
        return $"{expired.Count} expired uploads removed";
    }
}
