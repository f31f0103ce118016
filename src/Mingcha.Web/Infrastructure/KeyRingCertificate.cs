using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mingcha.Web.Infrastructure;

/// <summary>
/// The certificate that encrypts ASP.NET Core's data-protection key ring at rest (decision 016). The key ring lives in
/// the database (<see cref="DbKeyRepository"/>); it signs the sign-in cookies and seals the personal data in the audit
/// log (SEC-4). Encrypted with a certificate kept outside the database, a copy of the database alone (a backup, a dump)
/// neither opens the sealed values nor lets anyone forge a cookie.
/// </summary>
public static class KeyRingCertificate
{
    /// <summary>
    /// Loads the PKCS#12 file at <paramref name="path"/>, or creates it (a self-signed RSA 3072 certificate, readable by
    /// its owner only) when there is none. Instances that start at once on the same path all end with the same file:
    /// each writes its own to a temporary name, and only the first rename wins.
    /// </summary>
    public static X509Certificate2 LoadOrCreate(string path, string? password)
    {
        if (!File.Exists(path)) Create(path, password);
        return Load(path, password, "Mingcha:KeyCertificatePassword");
    }

    /// <summary>
    /// The certificates that wrapped the ring before the current one (<see cref="MingchaOptions.PreviousKeyCertificates"/>),
    /// to read the keys they wrapped. Never created: a missing one is a configuration error, refused at start.
    /// </summary>
    public static X509Certificate2[] LoadPrevious(IEnumerable<PreviousKeyCertificate> previous) =>
        previous.Select(p =>
        {
            var path = Path.GetFullPath(p.Path);
            if (!File.Exists(path))
                throw new InvalidOperationException($"The previous key-ring certificate {path} (Mingcha:PreviousKeyCertificates) does not exist; without it the keys it wrapped cannot be read.");
            return Load(path, p.Password, "Mingcha:PreviousKeyCertificates password");
        }).ToArray();

    private static X509Certificate2 Load(string path, string? password, string passwordSetting)
    {
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException(
                $"The key-ring certificate {path} cannot be read (wrong {passwordSetting}, or not a PKCS#12 file): {e.Message}", e);
        }
    }

    private static void Create(string path, string? password)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest("CN=Mingcha key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
        var now = DateTimeOffset.UtcNow;
        // Long-lived on purpose: the key ring's own keys rotate every 90 days; this certificate only wraps them, and
        // replacing it means keeping the old one to read the keys it wrapped.
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(100));
        var pfx = certificate.Export(X509ContentType.Pkcs12, password);

        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        using (var file = DurableFiles.CreateNew(temp, ownerOnly: true))
        {
            file.Write(pfx);
            file.Flush(flushToDisk: true);
        }
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp); // another instance created it first: everyone uses that one
        }
        // Keys wrapped with this certificate are about to be committed to the database: the file must outlive a
        // power cut from then on, or those keys (and every cookie and sealed value) could never be opened again.
        DurableFiles.SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }
}
