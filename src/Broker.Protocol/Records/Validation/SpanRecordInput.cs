namespace Broker.Protocol.Records.Validation;

/// <summary>Records of an uncompressed batch, read in place. Allocates nothing.</summary>
internal ref struct SpanRecordInput(ReadOnlySpan<byte> records) : IRecordInput
{
    private readonly ReadOnlySpan<byte> _records = records;
    private int _position;

    public readonly long Position => _position;

    public bool TryReadByte(out byte value)
    {
        if (_position < _records.Length)
        {
            value = _records[_position++];
            return true;
        }

        value = 0;
        return false;
    }

    public bool TrySkip(int count)
    {
        if (count > _records.Length - _position)
        {
            return false;
        }

        _position += count;
        return true;
    }

    public readonly bool AtEnd() => _position == _records.Length;
}
