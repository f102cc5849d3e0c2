package io.paddock.coordinator.tree;

import java.util.AbstractSet;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;

/**
 * A znode's child names. Most znodes are leaves, so the hash set is only allocated with the first
 * child: an empty ChildSet is 16 bytes where an empty HashSet is 64, per znode.
 */
final class ChildSet extends AbstractSet<String> {
    private HashSet<String> names;

    @Override
    public boolean add(String name) {
        if (names == null) {
            names = new HashSet<>(4);
        }
        return names.add(name);
    }

    @Override
    public boolean remove(Object name) {
        return names != null && names.remove(name);
    }

    @Override
    public boolean contains(Object name) {
        return names != null && names.contains(name);
    }

    @Override
    public int size() {
        return names == null ? 0 : names.size();
    }

    @Override
    public Iterator<String> iterator() {
        return names == null ? Collections.emptyIterator() : names.iterator();
    }
}
