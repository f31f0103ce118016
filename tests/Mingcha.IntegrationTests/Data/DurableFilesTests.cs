using Mingcha.Web.Infrastructure;

namespace Mingcha.IntegrationTests.Data;

/// <summary>The folder flush that makes a rename durable (decision 016): it reaches the kernel, and a failure is an error.</summary>
public sealed class DurableFilesTests
{
    [Fact]
    public void SyncDirectory_FlushesARealFolder_AndRefusesAMissingOneNamingIt()
    {
        var folder = Directory.CreateTempSubdirectory("mingcha-sync-").FullName;
        try
        {
            var chinese = Directory.CreateDirectory(Path.Combine(folder, "证据")).FullName; // a mangled UTF-8 name would not be found
            File.WriteAllText(Path.Combine(chinese, "renamed.tmp"), "x");
            File.Move(Path.Combine(chinese, "renamed.tmp"), Path.Combine(chinese, "renamed"));
            DurableFiles.SyncDirectory(chinese);
            DurableFiles.SyncDirectory(folder);

            var missing = Path.Combine(folder, "不存在");
            var e = Assert.Throws<IOException>(() => DurableFiles.SyncDirectory(missing));
            Assert.Contains(missing, e.Message, StringComparison.Ordinal);
            Assert.Contains("errno 2", e.Message, StringComparison.Ordinal); // ENOENT
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
