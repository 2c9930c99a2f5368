package io.jmtcp.provider.select;

import java.nio.channels.SelectionKey;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A selector's selected-key set: an array with each key's index stored in the key, so add,
 * contains and remove are O(1) and iterating costs nothing but the loop. Like the JDK's it cannot
 * be added to by the application (only removed from), and like the JDK's it is not thread-safe.
 * One iterator is reused once the previous one has been run to its end, so the usual
 * {@code while (it.hasNext()) { it.next(); it.remove(); ... }} loop allocates nothing.
 */
final class SelectedKeySet extends AbstractSet<SelectionKey> {

    private JmtcpSelectionKey[] keys = new JmtcpSelectionKey[64];
    private int size;
    private int modCount;
    private KeyIterator spare;

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean contains(Object o) {
        if (o instanceof JmtcpSelectionKey) {
            JmtcpSelectionKey k = (JmtcpSelectionKey) o;
            int i = k.selectedIndex;
            return i >= 0 && i < size && keys[i] == k;
        }
        return false;
    }

    @Override
    public boolean add(SelectionKey key) {
        throw new UnsupportedOperationException();
    }

    /** Selector: adds a key known not to be in the set. */
    void addKey(JmtcpSelectionKey key) {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
        }
        key.selectedIndex = size;
        keys[size++] = key;
        modCount++;
    }

    @Override
    public boolean remove(Object o) {
        if (!contains(o)) {
            return false;
        }
        removeAt(((JmtcpSelectionKey) o).selectedIndex);
        return true;
    }

    /** Swap-remove: the last key takes the freed slot. */
    private void removeAt(int i) {
        JmtcpSelectionKey k = keys[i];
        k.selectedIndex = -1;
        int last = --size;
        if (i != last) {
            JmtcpSelectionKey moved = keys[last];
            keys[i] = moved;
            moved.selectedIndex = i;
        }
        keys[last] = null;
        modCount++;
    }

    @Override
    public void clear() {
        for (int i = 0; i < size; i++) {
            keys[i].selectedIndex = -1;
            keys[i] = null;
        }
        size = 0;
        modCount++;
    }

    @Override
    public Iterator<SelectionKey> iterator() {
        KeyIterator it = spare;
        if (it != null) {
            spare = null;
            it.reset();
            return it;
        }
        KeyIterator fresh = new KeyIterator();
        fresh.reset();
        return fresh;
    }

    @Override
    public Object[] toArray() {
        return Arrays.copyOf(keys, size, Object[].class);
    }

    private final class KeyIterator implements Iterator<SelectionKey> {
        private int cursor;
        private int lastReturned;
        private int expectedModCount;

        void reset() {
            cursor = 0;
            lastReturned = -1;
            expectedModCount = modCount;
        }

        @Override
        public boolean hasNext() {
            if (cursor < size) {
                return true;
            }
            // run to its end: the next iterator() call may hand this one out again
            spare = this;
            return false;
        }

        @Override
        public SelectionKey next() {
            if (modCount != expectedModCount) {
                throw new ConcurrentModificationException();
            }
            if (cursor >= size) {
                throw new NoSuchElementException();
            }
            lastReturned = cursor;
            return keys[cursor++];
        }

        @Override
        public void remove() {
            if (lastReturned < 0) {
                throw new IllegalStateException();
            }
            if (modCount != expectedModCount) {
                throw new ConcurrentModificationException();
            }
            // the last key moves into the removed slot: visit that slot again
            removeAt(lastReturned);
            cursor = lastReturned;
            lastReturned = -1;
            expectedModCount = modCount;
        }
    }
}
