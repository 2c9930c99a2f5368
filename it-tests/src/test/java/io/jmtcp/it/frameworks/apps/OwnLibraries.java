package io.jmtcp.it.frameworks.apps;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;
import org.agrona.collections.Int2IntHashMap;

/**
 * An application's own use of ByteBuddy and Agrona, of whatever version its class path holds
 * (the agent test gives it other versions than jmtcp.jar shades): a generated subclass and an
 * Agrona map. Returns a line naming the versions and the results.
 */
final class OwnLibraries {

    private OwnLibraries() {
    }

    static String use() throws ReflectiveOperationException {
        Class<?> made = new ByteBuddy().subclass(Object.class)
                .method(ElementMatchers.named("toString")).intercept(FixedValue.value("made-by-own-bytebuddy"))
                .make().load(OwnLibraries.class.getClassLoader()).getLoaded();
        Int2IntHashMap map = new Int2IntHashMap(-1);
        map.put(7, 49);
        return "bytebuddy=" + version(ByteBuddy.class) + " agrona=" + version(Int2IntHashMap.class) + " "
                + made.getDeclaredConstructor().newInstance() + " map7=" + map.get(7);
    }

    /** The version of the jar a class came from (its file name: the manifests do not all carry one). */
    private static String version(Class<?> c) {
        String where = c.getProtectionDomain().getCodeSource().getLocation().getPath();
        return where.substring(where.lastIndexOf('/') + 1);
    }
}
