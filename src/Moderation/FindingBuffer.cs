using System.Collections;

namespace Kusd.Moderation;

/// <summary>
/// Where one checker puts its findings: it keeps the first <see cref="Capacity"/> and counts the rest
/// without holding them, so a post of a million names costs a counter, not gigabytes of findings.
/// </summary>
public sealed class FindingBuffer(int capacity) : IList<Finding>
{
    private readonly List<Finding> _items = [];

    public int Capacity { get; } = capacity;

    /// <summary>Findings the checker reported beyond the capacity.</summary>
    public int Dropped { get; private set; }

    public int Count => _items.Count;

    public bool IsReadOnly => false;

    public Finding this[int index]
    {
        get => _items[index];
        set => _items[index] = value;
    }

    public void Add(Finding item)
    {
        if (_items.Count < Capacity)
        {
            _items.Add(item);
        }
        else
        {
            Dropped++;
        }
    }

    public void Clear() => _items.Clear();

    public bool Contains(Finding item) => _items.Contains(item);

    public void CopyTo(Finding[] array, int arrayIndex) => _items.CopyTo(array, arrayIndex);

    public IEnumerator<Finding> GetEnumerator() => _items.GetEnumerator();

    public int IndexOf(Finding item) => _items.IndexOf(item);

    public void Insert(int index, Finding item)
    {
        if (_items.Count < Capacity)
        {
            _items.Insert(index, item);
        }
        else
        {
            Dropped++;
        }
    }

    public bool Remove(Finding item) => _items.Remove(item);

    public void RemoveAt(int index) => _items.RemoveAt(index);

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
