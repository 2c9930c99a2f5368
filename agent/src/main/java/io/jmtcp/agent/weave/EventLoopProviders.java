package io.jmtcp.agent.weave;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.channels.spi.SelectorProvider;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * The selector provider of a Netty event loop group, found by reflection so that the agent
 * needs no Netty class and works for 4.1 ({@code NioEventLoop.provider}) and 4.2
 * ({@code SingleThreadIoEventLoop.ioHandler} → {@code NioIoHandler.provider}) alike, also for
 * copies of Netty shaded into other libraries. Looks at the group's first loop; the answer is
 * cached per group (weakly, so groups are still collected). A group that is not NIO (epoll,
 * io_uring) has no provider: null.
 *
 * <p>Threads: any (the cache is synchronised; a group is inspected at most a few times).
 */
final class EventLoopProviders implements Function<Object, SelectorProvider> {

    private final Map<Object, Optional<SelectorProvider>> cache = Collections.synchronizedMap(new WeakHashMap<>());

    @Override
    public SelectorProvider apply(Object group) {
        Optional<SelectorProvider> known = cache.get(group);
        if (known == null) {
            known = Optional.ofNullable(find(group));
            cache.put(group, known);
        }
        return known.orElse(null);
    }

    private static SelectorProvider find(Object group) {
        if (!(group instanceof Iterable)) {
            return null;
        }
        try {
            Iterator<?> loops = ((Iterable<?>) group).iterator();
            return loops.hasNext() ? search(loops.next(), 2) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A SelectorProvider field of {@code o}, else one of an {@code *IoHandler} field's value, {@code depth} levels down. */
    private static SelectorProvider search(Object o, int depth) {
        if (o == null) {
            return null;
        }
        for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) && SelectorProvider.class.isAssignableFrom(f.getType())) {
                    Object v = read(f, o);
                    if (v != null) {
                        return (SelectorProvider) v;
                    }
                }
            }
        }
        if (depth == 0) {
            return null;
        }
        for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) && f.getType().getSimpleName().endsWith("IoHandler")) {
                    SelectorProvider p = search(read(f, o), depth - 1);
                    if (p != null) {
                        return p;
                    }
                }
            }
        }
        return null;
    }

    private static Object read(Field f, Object o) {
        try {
            f.setAccessible(true);
            return f.get(o);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // a module that does not open the package: not a loop we can follow
        }
    }
}
