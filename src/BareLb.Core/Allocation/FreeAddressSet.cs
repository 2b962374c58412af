namespace BareLb.Core.Allocation;

/// <summary>
/// The free addresses of one pool and family as disjoint, non-adjacent intervals in a treap kept
/// in an array of structs: O(log n) to find the lowest free address, take a given one or give one
/// back, memory proportional to the number of intervals (at most one more than the addresses in
/// use plus the pool's ranges), never to the pool's size, and no allocation once the array has grown.
/// </summary>
internal sealed class FreeAddressSet
{
    private const int None = -1;

    private Node[] _nodes = new Node[8];
    private int _used;
    private int _freeList = None;
    private int _root = None;
    private uint _random = 0x2545F491;

    /// <summary>The number of disjoint intervals.</summary>
    public int IntervalCount { get; private set; }

    /// <summary>Adds a range of free addresses that overlaps none already free.</summary>
    public void AddRange(UInt128 first, UInt128 last)
    {
        // Merge with neighbours that touch it, so intervals stay non-adjacent.
        var before = Floor(first);
        if (before != None && _nodes[before].End != UInt128.MaxValue && _nodes[before].End + 1 == first)
        {
            first = _nodes[before].Start;
            Erase(first);
        }

        var after = last == UInt128.MaxValue ? None : Find(last + 1);
        if (after != None)
        {
            last = _nodes[after].End;
            Erase(_nodes[after].Start);
        }

        Insert(first, last);
    }

    /// <summary>The lowest free address.</summary>
    public bool TryGetLowest(out UInt128 value)
    {
        var node = _root;
        if (node == None)
        {
            value = default;
            return false;
        }

        while (_nodes[node].Left != None)
        {
            node = _nodes[node].Left;
        }

        value = _nodes[node].Start;
        return true;
    }

    /// <summary>Whether an address is free.</summary>
    public bool Contains(UInt128 value)
    {
        var node = Floor(value);
        return node != None && _nodes[node].End >= value;
    }

    /// <summary>Takes an address out of the free set; false when it was not free.</summary>
    public bool Remove(UInt128 value)
    {
        var node = Floor(value);
        if (node == None || _nodes[node].End < value)
        {
            return false;
        }

        ref var n = ref _nodes[node];
        if (n.Start == n.End)
        {
            Erase(value);
        }
        else if (n.Start == value)
        {
            n.Start = value + 1; // still below the next interval's start: order holds
        }
        else if (n.End == value)
        {
            n.End = value - 1;
        }
        else
        {
            var end = n.End;
            n.End = value - 1;
            Insert(value + 1, end);
        }

        return true;
    }

    /// <summary>Gives an address back; false when it was already free.</summary>
    public bool Add(UInt128 value)
    {
        var before = Floor(value);
        if (before != None && _nodes[before].End >= value)
        {
            return false;
        }

        var joinsBefore = before != None && value != 0 && _nodes[before].End == value - 1;
        var after = value == UInt128.MaxValue ? None : Find(value + 1);
        if (joinsBefore && after != None)
        {
            var end = _nodes[after].End;
            Erase(value + 1);
            _nodes[before].End = end;
        }
        else if (joinsBefore)
        {
            _nodes[before].End = value;
        }
        else if (after != None)
        {
            _nodes[after].Start = value; // the previous interval ends before value - 1: order holds
        }
        else
        {
            Insert(value, value);
        }

        return true;
    }

    /// <summary>Removes every interval.</summary>
    public void Clear()
    {
        _root = None;
        _used = 0;
        _freeList = None;
        IntervalCount = 0;
    }

    // The node with the largest start <= value.
    private int Floor(UInt128 value)
    {
        var node = _root;
        var best = None;
        while (node != None)
        {
            if (_nodes[node].Start <= value)
            {
                best = node;
                node = _nodes[node].Right;
            }
            else
            {
                node = _nodes[node].Left;
            }
        }

        return best;
    }

    // The node whose start is exactly value.
    private int Find(UInt128 value)
    {
        var node = _root;
        while (node != None)
        {
            var start = _nodes[node].Start;
            if (start == value)
            {
                return node;
            }

            node = value < start ? _nodes[node].Left : _nodes[node].Right;
        }

        return None;
    }

    private void Insert(UInt128 start, UInt128 end)
    {
        var node = NewNode(start, end);
        _root = Insert(_root, node);
        IntervalCount++;
    }

    private int Insert(int tree, int node)
    {
        if (tree == None)
        {
            return node;
        }

        if (_nodes[node].Priority > _nodes[tree].Priority)
        {
            Split(tree, _nodes[node].Start, out _nodes[node].Left, out _nodes[node].Right);
            return node;
        }

        if (_nodes[node].Start < _nodes[tree].Start)
        {
            _nodes[tree].Left = Insert(_nodes[tree].Left, node);
        }
        else
        {
            _nodes[tree].Right = Insert(_nodes[tree].Right, node);
        }

        return tree;
    }

    private void Erase(UInt128 start)
    {
        _root = Erase(_root, start);
        IntervalCount--;
    }

    private int Erase(int tree, UInt128 start)
    {
        if (_nodes[tree].Start == start)
        {
            var merged = Merge(_nodes[tree].Left, _nodes[tree].Right);
            FreeNode(tree);
            return merged;
        }

        if (start < _nodes[tree].Start)
        {
            _nodes[tree].Left = Erase(_nodes[tree].Left, start);
        }
        else
        {
            _nodes[tree].Right = Erase(_nodes[tree].Right, start);
        }

        return tree;
    }

    // Left gets starts < key, right gets starts >= key.
    private void Split(int tree, UInt128 key, out int left, out int right)
    {
        if (tree == None)
        {
            left = right = None;
        }
        else if (_nodes[tree].Start < key)
        {
            Split(_nodes[tree].Right, key, out var l, out right);
            _nodes[tree].Right = l;
            left = tree;
        }
        else
        {
            Split(_nodes[tree].Left, key, out left, out var r);
            _nodes[tree].Left = r;
            right = tree;
        }
    }

    private int Merge(int left, int right)
    {
        if (left == None)
        {
            return right;
        }

        if (right == None)
        {
            return left;
        }

        if (_nodes[left].Priority > _nodes[right].Priority)
        {
            _nodes[left].Right = Merge(_nodes[left].Right, right);
            return left;
        }

        _nodes[right].Left = Merge(left, _nodes[right].Left);
        return right;
    }

    private int NewNode(UInt128 start, UInt128 end)
    {
        int index;
        if (_freeList != None)
        {
            index = _freeList;
            _freeList = _nodes[index].Left;
        }
        else
        {
            if (_used == _nodes.Length)
            {
                Array.Resize(ref _nodes, _nodes.Length * 2);
            }

            index = _used++;
        }

        // xorshift32: deterministic priorities, so the tree's shape is the same on every run.
        _random ^= _random << 13;
        _random ^= _random >> 17;
        _random ^= _random << 5;
        _nodes[index] = new Node { Start = start, End = end, Left = None, Right = None, Priority = _random };
        return index;
    }

    private void FreeNode(int index)
    {
        _nodes[index].Left = _freeList;
        _freeList = index;
    }

    private struct Node
    {
        public UInt128 Start;
        public UInt128 End;
        public int Left;
        public int Right;
        public uint Priority;
    }
}
