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
