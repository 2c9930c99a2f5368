package io.jmtcp.boot;

import java.nio.channels.Selector;
import java.nio.channels.spi.SelectorProvider;
import java.util.function.Function;

/**
 * The bridge between woven code and the agent, defined in {@code java.base} (renamed, see the
 * package documentation). After the
 * agent redirected {@code SelectorProvider.provider()} (attach, or a provider initialised before
 * {@code premain}), the woven method asks {@link #provider()} which provider to return, and
 * Netty's channel factories ask {@link #forChannel} which provider a new channel comes from.
 *
 * <p>The rules, so that a selector is never handed a channel of the other provider (a JDK
 * selector throws {@code IllegalSelectorException} for a foreign channel): code of the JDK's own
 * modules ({@code java.net.http}'s client, which keeps its selector for its whole life) keeps the
 * kernel provider; any other caller of {@code provider()} gets jmtcp. A Netty channel made by a
 * bootstrap follows the event loop group it will be registered with: the provider of that
 * group's loops, whatever Netty's static default says.
 *
 * <p>Threads: any. The agent sets the fields before installing the weaving that reads them.
 */
public final class JmtcpBoot {

    /** jmtcp's provider once the redirect is on; null before (the woven code then does nothing). */
    public static volatile SelectorProvider jmtcp;
    /** The JDK's own default provider, as {@code provider()} returned it before the redirect. */
    public static volatile SelectorProvider kernel;
    /** The selector provider of a Netty event loop group (null: not a NIO group, or unknown). */
    public static volatile Function<Object, SelectorProvider> groupProvider;

    private static final ThreadLocal<SelectorProvider> LOOP = new ThreadLocal<>();
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private JmtcpBoot() {
    }

    /**
     * Called first in {@code SelectorProvider.provider()}: the provider it returns instead, or
     * null to let it return its own (the JDK's). Never throws.
     */
    public static SelectorProvider provider() {
        SelectorProvider p = jmtcp;
        if (p == null) {
            return null;
        }
        try {
            Class<?> caller = WALKER.walk(frames -> frames.map(StackWalker.StackFrame::getDeclaringClass)
                    .filter(c -> !passThrough(c)).findFirst().orElse(null));
            return caller == null || isJdk(caller) ? null : p;
        } catch (Throwable t) {
            return null; // never throw into NIO's users: keep them on the JDK's provider
        }
    }

    /** Frames between the real caller and us: this class and the NIO factory methods. */
    private static boolean passThrough(Class<?> c) {
        if (c == JmtcpBoot.class) {
            return true;
        }
        String pkg = c.getPackageName();
        return pkg.equals("java.nio.channels") || pkg.equals("java.nio.channels.spi");
    }

    /** A class of the JDK's own modules (bootstrap or platform loader). */
    private static boolean isJdk(Class<?> c) {
        if (!c.getModule().isNamed()) {
            return false;
        }
        ClassLoader l = c.getClassLoader();
        return l == null || l == ClassLoader.getPlatformClassLoader();
    }

    /**
     * Called first in the {@code open()} of XNIO's selector creators ({@code NioXnio} caches the
     * provider of its first use in a JVM-wide singleton, so a worker made after the attach would
     * otherwise open the JDK's selectors and then fail to register the jmtcp channels it opens):
     * once the redirect is on, a new jmtcp selector (it also takes the JDK's channels of workers
     * made before the attach); null to let XNIO open its own. Never throws.
     */
    public static Selector frameworkSelector() {
        SelectorProvider p = jmtcp;
        if (p == null) {
            return null;
        }
        try {
            return p.openSelector();
        } catch (Throwable t) {
            return null; // XNIO's own selector: the worker still starts (on the kernel's selectors)
        }
    }

    /**
     * Called when a Netty bootstrap starts making and registering a channel for {@code group}.
     *
     * @return what to hand back to {@link #exitLoop}
     */
    public static SelectorProvider enterLoop(Object group) {
        SelectorProvider previous = LOOP.get();
        try {
            Function<Object, SelectorProvider> f = groupProvider;
            SelectorProvider p = f == null || group == null ? null : f.apply(group);
            LOOP.set(p);
        } catch (Throwable t) {
            LOOP.set(null);
        }
        return previous;
    }

    /** Called when the bootstrap's {@code initAndRegister} returns or throws. */
    public static void exitLoop(SelectorProvider previous) {
        if (previous == null) {
            LOOP.remove();
        } else {
            LOOP.set(previous);
        }
    }

    /**
     * Called with the provider a Netty NIO channel is about to be opened from: a default
     * provider (the JDK's or jmtcp's) is replaced by the provider of the event loop group the
     * bootstrap registers the channel with; an explicit other provider is left alone.
     */
    public static SelectorProvider forChannel(SelectorProvider given) {
        SelectorProvider j = jmtcp;
        SelectorProvider k = kernel;
        if (j == null || (given != j && given != k)) {
            return given;
        }
        SelectorProvider loop = LOOP.get();
        return loop == j || loop == k ? loop : given;
    }
}
