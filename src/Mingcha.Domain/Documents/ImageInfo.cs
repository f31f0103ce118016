using System.Buffers.Binary;

namespace Mingcha.Domain.Documents;

/// <summary>The type and pixel size of a JPEG or PNG, read from its header (no image library in the package copy).</summary>
public sealed record ImageInfo(string MediaType, string Extension, int Width, int Height)
{
    public static ImageInfo? Read(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 24 && data[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])
            && data.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            var w = BinaryPrimitives.ReadInt32BigEndian(data.Slice(16, 4));
            var h = BinaryPrimitives.ReadInt32BigEndian(data.Slice(20, 4));
            return w > 0 && h > 0 ? new ImageInfo("image/png", ".png", w, h) : null;
        }
        if (data.Length >= 4 && data[0] == 0xFF && data[1] == 0xD8)
        {
            var i = 2;
            while (i + 9 < data.Length)
            {
                if (data[i] != 0xFF) return null;
                var marker = data[i + 1];
                if (marker == 0xFF) { i++; continue; }
                if (marker is 0xD8 or 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { i += 2; continue; }
                var length = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(i + 2, 2));
                if (length < 2) return null;
                // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
                if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
                {
                    var h = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(i + 5, 2));
                    var w = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(i + 7, 2));
                    return w > 0 && h > 0 ? new ImageInfo("image/jpeg", ".jpg", w, h) : null;
                }
                if (marker == 0xDA) return null; // scan data before any frame header
                i += 2 + length;
            }
        }
        return null;
    }
}
