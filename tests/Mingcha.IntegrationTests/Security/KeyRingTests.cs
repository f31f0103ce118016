using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Infrastructure;

namespace Mingcha.IntegrationTests.Security;

/// <summary>
/// Decision 016: the data-protection key ring (cookies, antiforgery, the sealed personal data of the audit log) is kept
/// in the database encrypted with a certificate kept outside it, so that a copy of the database alone opens nothing.
/// </summary>
public sealed class KeyRingTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    [Fact]
    public async Task KeyRing_InTheDatabase_IsEncrypted_AndItsCertificateIsReadableByItsOwnerOnly()
    {
        app.Services.GetRequiredService<PersonalDataSealer>().Seal("13812345678"); // makes sure a key exists

        await using var scope = app.Services.CreateAsyncScope();
        var keys = await scope.ServiceProvider.GetRequiredService<MingchaDb>().DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync();
        Assert.NotEmpty(keys);
        Assert.All(keys, xml =>
        {
            Assert.Contains("<encryptedSecret", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("unencrypted form", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        });

        var path = app.Services.GetRequiredService<IOptions<MingchaOptions>>().Value.ResolvedKeyCertificate;
        Assert.StartsWith(app.Database.DataFolder, path, StringComparison.Ordinal);
        Assert.True(File.Exists(path));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    [Trait("Rule", "SEC-4")]
    public void SealedPersonalData_FromACopyOfTheDatabase_OpensOnlyWithTheCertificate()
    {
        var sealedPhone = app.Services.GetRequiredService<PersonalDataSealer>().Seal("13812345678");
        var path = app.Services.GetRequiredService<IOptions<MingchaOptions>>().Value.ResolvedKeyCertificate;
        var other = Path.Combine(app.Database.DataFolder, "other", "key-ring.pfx");

        Assert.Null(OpenWith(null, sealedPhone));
        using (var wrong = KeyRingCertificate.LoadOrCreate(other, null))
            Assert.Null(OpenWith(wrong, sealedPhone));
        using (var right = KeyRingCertificate.LoadOrCreate(path, null))
            Assert.Equal("13812345678", OpenWith(right, sealedPhone));
    }

    /// <summary>A reader with the database's key rows and, perhaps, a certificate: what an attacker with a dump has.</summary>
    private string? OpenWith(X509Certificate2? certificate, string sealedValue)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var builder = services.AddDataProtection().SetApplicationName("Mingcha").DisableAutomaticKeyGeneration();
        if (certificate is not null) builder.UnprotectKeysWithAnyCertificate(certificate);
        var repository = new DbKeyRepository(app.Services.GetRequiredService<IServiceScopeFactory>());
        services.Configure<KeyManagementOptions>(o => o.XmlRepository = repository);
        using var provider = services.BuildServiceProvider();
        return new PersonalDataSealer(provider.GetRequiredService<IDataProtectionProvider>()).Open(sealedValue);
    }

    [Fact]
    public async Task Certificate_WhenInstancesCreateItAtOnce_IsOneFileTheyAllLoad()
    {
        var folder = Path.Combine(app.Database.DataFolder, "race");
        var path = Path.Combine(folder, "key-ring.pfx");

        var loaded = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => KeyRingCertificate.LoadOrCreate(path, "s3cret"))));

        Assert.Single(loaded.Select(c => c.Thumbprint).Distinct());
        Assert.True(loaded.All(c => c.HasPrivateKey));
        Assert.Equal(["key-ring.pfx"], Directory.GetFiles(folder).Select(Path.GetFileName));
        foreach (var c in loaded) c.Dispose();
    }

    /// <summary>Another instance on the same database, its key ring wrapped with <paramref name="current"/>.</summary>
    private sealed class RotatedApp(MingchaApp first, string current, string? previous) : MingchaApp(first.Database, first.Clock, ownsDatabase: false)
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Mingcha:KeyCertificate", current);
            if (previous is not null) builder.UseSetting("Mingcha:PreviousKeyCertificates:0:Path", previous);
        }
    }

    [Fact]
    [Trait("Rule", "SEC-4")]
    public async Task Certificate_WhenReplaced_TheOldOneListedAsPrevious_StillOpensWhatItsKeysSealed_AndNewKeysUseTheNewOne()
    {
        using var first = new BareMingchaApp();
        var sealedBefore = first.Services.GetRequiredService<PersonalDataSealer>().Seal("13812345678");
        var old = first.Services.GetRequiredService<IOptions<MingchaOptions>>().Value.ResolvedKeyCertificate;
        var replacement = Path.Combine(first.Database.DataFolder, "keys-2027", "key-ring.pfx");

        using (var rotated = new RotatedApp(first, replacement, previous: old))
        {
            Assert.Equal("13812345678", rotated.Services.GetRequiredService<PersonalDataSealer>().Open(sealedBefore));

            // A key made from now on is wrapped with the new certificate only.
            var now = DateTimeOffset.UtcNow;
            rotated.Services.GetRequiredService<IKeyManager>().CreateNewKey(now, now.AddDays(90));
            var newest = await first.WithDbAsync(db => db.DataProtectionKeys.AsNoTracking().OrderByDescending(k => k.Id).Select(k => k.Xml).FirstAsync());
            using var oldCertificate = KeyRingCertificate.LoadOrCreate(old, null);
            using var newCertificate = KeyRingCertificate.LoadOrCreate(replacement, null);
            Assert.Contains(Convert.ToBase64String(newCertificate.RawData), newest, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(oldCertificate.RawData), newest, StringComparison.Ordinal);

            // A backup carries the previous certificate as well: a restore needs it to read the old keys.
            var backup = Path.Combine(Path.GetTempPath(), "mingcha-backup-" + Guid.NewGuid().ToString("N"));
            try
            {
                Assert.Equal(0, await Commands.RunAsync(["backup", backup, "--no-evidence"], rotated.Services));
                Assert.Equal(await File.ReadAllBytesAsync(old), await File.ReadAllBytesAsync(Path.Combine(backup, "keys", "previous", "1-key-ring.pfx")));
                Assert.Equal(await File.ReadAllBytesAsync(replacement), await File.ReadAllBytesAsync(Path.Combine(backup, "keys", "key-ring.pfx")));
            }
            finally
            {
                if (Directory.Exists(backup)) Directory.Delete(backup, recursive: true);
            }
        }

        // Without the previous certificate the keys it wrapped, and what they sealed, stay closed.
        using var forgotten = new RotatedApp(first, replacement, previous: null);
        Assert.Null(forgotten.Services.GetRequiredService<PersonalDataSealer>().Open(sealedBefore));
    }

    [Fact]
    public void PreviousCertificate_ThatDoesNotExist_IsRefusedAtStart_NamingTheFileAndTheSetting()
    {
        var missing = Path.Combine(app.Database.DataFolder, "gone", "key-ring.pfx");

        var e = Assert.Throws<InvalidOperationException>(() => KeyRingCertificate.LoadPrevious([new PreviousKeyCertificate { Path = missing }]));

        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
        Assert.Contains("Mingcha:PreviousKeyCertificates", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_WithTheWrongPassword_IsRefusedNamingTheFileAndTheSetting()
    {
        var path = Path.Combine(app.Database.DataFolder, "pw", "key-ring.pfx");
        KeyRingCertificate.LoadOrCreate(path, "right").Dispose();

        var e = Assert.Throws<InvalidOperationException>(() => KeyRingCertificate.LoadOrCreate(path, "wrong"));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("Mingcha:KeyCertificatePassword", e.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<CryptographicException>(e.InnerException);
    }
}
