using System.Runtime.InteropServices;

namespace Drydock.Packages.Deb;

/// <summary>
/// Decompresses .xz data with the system's liblzma (liblzma.so.5, xz-utils 5.x), the library
/// that dpkg itself uses. Multiple concatenated .xz streams are read as one, as xz does.
/// </summary>
internal sealed unsafe partial class LzmaDecoderStream : Stream
{
    private const string Library = "liblzma.so.5";
    private const int InputSize = 64 * 1024;

    // Enough for any preset up to xz -9e (a 64 MiB dictionary), as in xz-utils 5.4 docs.
    private const ulong MemoryLimit = 256UL * 1024 * 1024;
    private const uint Concatenated = 0x08;
    private const int ActionRun = 0;
    private const int ActionFinish = 3;
    private const int ResultOk = 0;
    private const int ResultStreamEnd = 1;

    private static readonly Lazy<bool> _available = new(() =>
    {
        if (!NativeLibrary.TryLoad(Library, out var handle))
        {
            return false;
        }

        NativeLibrary.Free(handle);
        return true;
    });

    private readonly Stream _inner;
    private readonly string _name;
    private LzmaStreamState* _state;
    private byte* _input;
    private bool _innerEnded;
    private bool _finished;

    public LzmaDecoderStream(Stream inner, string name)
    {
        _inner = inner;
        _name = name;
        _state = (LzmaStreamState*)NativeMemory.AllocZeroed((nuint)sizeof(LzmaStreamState));
        _input = (byte*)NativeMemory.Alloc(InputSize);
        var result = lzma_stream_decoder(_state, MemoryLimit, Concatenated);
        if (result != ResultOk)
        {
            Dispose(true);
            throw new InvalidOperationException($"liblzma could not start an .xz decoder (error {result}).");
        }
    }

    /// <summary>True when liblzma.so.5 can be loaded on this machine.</summary>
    public static bool IsAvailable => _available.Value;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_state is null, this);
        if (_finished || buffer.IsEmpty)
        {
            return 0;
        }

        fixed (byte* output = buffer)
        {
            _state->NextOut = output;
            _state->AvailOut = (nuint)buffer.Length;
            while (true)
            {
                if (_state->AvailIn == 0 && !_innerEnded)
                {
                    var read = _inner.Read(new Span<byte>(_input, InputSize));
                    _innerEnded = read == 0;
                    _state->NextIn = _input;
                    _state->AvailIn = (nuint)read;
                }

                var result = lzma_code(_state, _innerEnded ? ActionFinish : ActionRun);
                var produced = buffer.Length - (int)_state->AvailOut;
                if (result == ResultStreamEnd)
                {
                    _finished = true;
                    return produced;
                }

                if (result != ResultOk)
                {
                    throw new InvalidDataException(DescribeError(result));
                }

                if (produced > 0)
                {
                    return produced;
                }
            }
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (_state is not null)
        {
            lzma_end(_state);
            NativeMemory.Free(_state);
            NativeMemory.Free(_input);
            _state = null;
            _input = null;
        }

        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    // Result codes from lzma/base.h of xz-utils 5.4.
    private string DescribeError(int result) => result switch
    {
        5 or 6 => $"The xz data in '{_name}' needs more than {MemoryLimit / 1024 / 1024} MiB to decompress.",
        7 => $"The member '{_name}' is not in .xz format.",
        8 => $"The xz data in '{_name}' uses options that liblzma does not support.",
        9 => $"The xz data in '{_name}' is corrupt.",
        10 => $"The xz data in '{_name}' is truncated.",
        _ => $"liblzma failed on '{_name}' with error {result}.",
    };

    [LibraryImport(Library)]
    private static partial int lzma_stream_decoder(LzmaStreamState* stream, ulong memoryLimit, uint flags);

    [LibraryImport(Library)]
    private static partial int lzma_code(LzmaStreamState* stream, int action);

    [LibraryImport(Library)]
    private static partial void lzma_end(LzmaStreamState* stream);

    /// <summary>The layout of <c>lzma_stream</c> in lzma/base.h (xz-utils 5.x), which must stay zeroed until initialised.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct LzmaStreamState
    {
        public byte* NextIn;
        public nuint AvailIn;
        public ulong TotalIn;
        public byte* NextOut;
        public nuint AvailOut;
        public ulong TotalOut;
        public nint Allocator;
        public nint Internal;
        public nint Reserved1;
        public nint Reserved2;
        public nint Reserved3;
        public nint Reserved4;
        public ulong SeekPosition;
        public ulong ReservedInt2;
        public nuint ReservedInt3;
        public nuint ReservedInt4;
        public int ReservedEnum1;
        public int ReservedEnum2;
    }
}
