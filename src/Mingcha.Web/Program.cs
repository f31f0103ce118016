using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Options;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Features.Calendar;
using Mingcha.Web.Features.Complaints;
using Mingcha.Web.Features.Documents;
using Mingcha.Web.Features.Evidence;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Features.Jobs;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Organisation.Import;
using Mingcha.Web.Features.Rectification;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Features.Scoring;
using Mingcha.Web.Infrastructure;

var command = Commands.IsCommand(args) ? args : null;
var builder = WebApplication.CreateBuilder(command is null ? args : args[1..]);
var options = builder.Configuration.GetSection(MingchaOptions.Section).Get<MingchaOptions>() ?? new MingchaOptions();
builder.Services.Configure<MingchaOptions>(builder.Configuration.GetSection(MingchaOptions.Section));

// Data, identity, audit
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<LocalClock>();
builder.Services.AddSingleton<PageAccess>();
builder.Services.AddHttpContextAccessor();
builder.Services.AddScoped<IAuditActor>(sp => command is null
    ? new HttpAuditActor(sp.GetRequiredService<IHttpContextAccessor>())
    : new SystemActor("cli:" + command[0]));
builder.Services.AddMingchaDatabase(options);
builder.Services.AddScoped<SchemaMigrator>();
builder.Services.AddMingchaIdentity();
builder.Services.AddScoped<SignInHandler>();
builder.Services.AddScoped<AccountService>();
builder.Services.AddScoped<AuditVerifier>();
builder.Services.AddScoped<Backup>();
var keyCertificate = KeyRingCertificate.LoadOrCreate(options.ResolvedKeyCertificate, options.KeyCertificatePassword);
builder.Services.AddDataProtection().SetApplicationName("Mingcha") // decision 016: new keys wrapped with the current certificate
    .ProtectKeysWithCertificate(keyCertificate)
    .UnprotectKeysWithAnyCertificate([keyCertificate, .. KeyRingCertificate.LoadPrevious(options.PreviousKeyCertificates)]);
builder.Services.AddSingleton<PersonalDataSealer>();
builder.Services.AddSingleton<DbKeyRepository>();
builder.Services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
    .Configure<DbKeyRepository>((o, repo) => o.XmlRepository = repo);

// Features
builder.Services.AddSingleton<CalendarService>();
builder.Services.AddScoped<CalendarAdmin>();
builder.Services.AddScoped<DemoData>();
builder.Services.AddOrganisationImport();
builder.Services.AddSingleton<IRecurringJob, DeadlineReminderJob>();
builder.Services.AddScoped<IReminderSource, CalendarCoverageReminder>();
builder.Services.AddEvidence(builder.Configuration);
builder.Services.AddInspections();
builder.Services.AddInspectionVisits();
builder.Services.AddDocuments(builder.Configuration);
builder.Services.AddRectification(builder.Configuration);
builder.Services.AddSingleton<JobScheduler>();
builder.Services.AddRatings(builder.Configuration);
builder.Services.AddComplaints(builder.Configuration);
builder.Services.AddScoring();
if (options.RunJobs && command is null)
{
    builder.Services.AddHostedService(sp => sp.GetRequiredService<JobScheduler>());
    builder.Services.AddHostedService<RatingDayCountCatchUp>(); // decision 043: the days counted at start, not within the hour
}
if (options.RunJobs && options.LoadDemoData && options.DemoActivity && command is null) builder.Services.AddHostedService<DemoActivityLoop>();

// Web
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
builder.Services.AddValidation();
builder.Services.ConfigureHttpJsonOptions(o =>
{
    o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
    o.SerializerOptions.Converters.Add(new NulCharacters.JsonConverter());
});
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.AddOpenApi("v1", o => o.AddSchemaTransformer(NulCharacters.DescribeStrings));
builder.Services.AddScoped<JobStatusReader>();
builder.Services.AddScoped<Mingcha.Web.Features.Home.WorkList>();
builder.Services.AddHealthChecks().AddDbContextCheck<MingchaDb>("database").AddCheck<JobsHealthCheck>("jobs");
builder.Services.AddLocalization(o => o.ResourcesPath = "Resources");
// Pages are Chinese first: written as UTF-8 characters (3 bytes each), not as numeric entities (&#x5DF2;, 8 bytes), their
// default. HTML's own special characters (< > & " ') are still encoded.
builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
    o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
builder.Services.AddRazorPages(o =>
{
    o.Conventions.AuthorizeFolder("/");
    // Only the sign-in pages are open: an anonymous folder would override [Authorize] on /Account/Manage and SetupTwoFactor.
    o.Conventions.AllowAnonymousToPage("/Account/Login");
    o.Conventions.AllowAnonymousToPage("/Account/LoginTwoFactor");
    o.Conventions.AllowAnonymousToPage("/Account/Logout");
    o.Conventions.AllowAnonymousToPage("/Account/Denied");
    o.Conventions.AllowAnonymousToPage("/Error");
    o.Conventions.AllowAnonymousToPage("/Rate/Index"); // the public rating page of a window's QR code (SAT-1)
    o.Conventions.AllowAnonymousToPage("/Complaints/File"); // the public complaint form (CMP-3)
    o.Conventions.AllowAnonymousToPage("/Complaints/Track"); // following a complaint by its query code (CMP-11)
}).AddViewLocalization().AddDataAnnotationsLocalization();

var app = builder.Build();

if (command is not null)
    return await Commands.RunAsync(command, app.Services);

var credentials = await Bootstrap.PrepareAsync(app.Services);

app.UseExceptionAnswers(); // the error page for a browser's pages, ProblemDetails for the rest
app.UseDeviceRatings(); // rating devices' lean path (decision 008): before the rest of the pipeline, after the exception handler
app.UseRatingsCaughtUp(); // every other request sees the ratings acknowledged before it (decision 017)
app.UseStatusCodeAnswers(); // empty 4xx/5xx answers: likewise
app.UseNulRejection();
var localization = new RequestLocalizationOptions()
    .SetDefaultCulture("zh-CN").AddSupportedCultures("zh-CN", "en").AddSupportedUICultures("zh-CN", "en");
// zh-CN unless the user chose English (/culture sets the cookie): a browser's Accept-Language does not switch the
// language, so an office PC with an English browser, and headless test browsers, see the Chinese pages.
localization.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider()];
app.UseRequestLocalization(localization);
app.UseStaticFiles();
app.UseRouting();
app.UseAuthentication();
app.UseTwoFactorEnrolment();
app.UseAuthorization();
app.UseRateLimiter();

app.MapGet("/culture", (string c, string? returnUrl, HttpContext ctx) =>
{
    var culture = c == "en" ? "en" : "zh-CN";
    ctx.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
        CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
        new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), SameSite = SameSiteMode.Lax, HttpOnly = true });
    return Results.LocalRedirect(returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) ? returnUrl : "/");
}).AllowAnonymous();
app.MapHealthChecks("/health").AllowAnonymous();
app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
AccountsApi.Map(app);
AuditApi.Map(app);
CalendarApi.Map(app);
OrganisationApi.Map(app);
app.MapRatings();
OrgImportApi.Map(app);
app.MapEvidence();
InspectionsApi.Map(app);
app.MapInspectionVisits();
app.MapDocuments();
app.MapRectificationApi();
app.MapComplaintsApi();
app.MapScoring();
app.MapJobs();
app.MapRazorPages();

app.Lifetime.ApplicationStarted.Register(() =>
    Bootstrap.Print(app.Urls, credentials, app.Services.GetRequiredService<IOptions<MingchaOptions>>().Value));

await app.RunAsync();
return 0;

/// <summary>Entry point, visible to the test host.</summary>
public partial class Program;
