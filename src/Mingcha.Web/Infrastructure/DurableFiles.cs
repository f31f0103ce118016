using System.Runtime.InteropServices;

namespace Mingcha.Web.Infrastructure;

/// <summary>
/// A rename is durable only once the directory that holds the new name is flushed: POSIX leaves that to the caller
/// (SQLite does the same for its journal), and .NET opens no directory as a file. Used where a file must exist once
/// the database says it does: an evidence file in the vault, the key-ring certificate.
/// </summary>
public static class DurableFiles
{
    /// <summary>fsync of <paramref name="directory"/>; nothing to do on Windows, where NTFS journals the rename.</summary>
    public static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        var fd = Open(System.Text.Encoding.UTF8.GetBytes(directory + "\0"), 0); // O_RDONLY opens a directory on Linux and macOS alike
        if (fd < 0) throw new IOException($"Cannot open the folder {directory} to flush it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (Fsync(fd) != 0) throw new IOException($"Flushing the folder {directory} failed (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>
    /// A new file (never an existing one), readable and writable by its owner only when <paramref name="ownerOnly"/>
    /// (keys, copies of the database); the caller writes it and flushes it with <c>Flush(flushToDisk: true)</c>.
    /// </summary>
    public static FileStream CreateNew(string path, bool ownerOnly)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (ownerOnly && !OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return new FileStream(path, options);
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open(byte[] nulTerminatedUtf8Path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
