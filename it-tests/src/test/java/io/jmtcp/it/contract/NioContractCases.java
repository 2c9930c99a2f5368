package io.jmtcp.it.contract;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The registry of the NIO contract: every public static no-argument method of the case classes
 * listed here is one case. A case is plain NIO code through the system-wide provider; it returns
 * normally when the behaviour holds and throws (usually an {@link AssertionError} with a sentence)
 * when it does not. Case names are unique across classes, so a result line names its case alone.
 */
public final class NioContractCases {

    /** The case classes, in the order their cases run. */
    static final List<Class<?>> CLASSES = List.of(
            ChannelCases.class,
            AdaptorCases.class,
            OptionAndAddressCases.class,
            SelectorCases.class,
            ThreadCases.class,
            MisuseCases.class,
            PipeCases.class,
            TransferCases.class);

    private NioContractCases() {}

    /**
     * One case of the contract.
     *
     * @param area the simple name of its class
     * @param name the method's name, unique across all classes
     * @param method the method to invoke
     */
    public record Case(String area, String name, Method method) {
        /** Runs the case on the calling thread, rethrowing what it threw unwrapped. */
        public void run() throws Throwable {
            try {
                method.invoke(null);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    /** Every case, class by class, by name within a class. */
    public static List<Case> all() {
        List<Case> cases = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Class<?> c : CLASSES) {
            List<Method> methods = new ArrayList<>();
            for (Method m : c.getDeclaredMethods()) {
                int mod = m.getModifiers();
                if (Modifier.isPublic(mod) && Modifier.isStatic(mod) && m.getParameterCount() == 0
                        && m.getReturnType() == void.class) {
                    methods.add(m);
                }
            }
            methods.sort(Comparator.comparing(Method::getName));
            for (Method m : methods) {
                if (!names.add(m.getName())) {
                    throw new IllegalStateException("duplicate contract case name " + m.getName() + " in " + c.getName());
                }
                cases.add(new Case(c.getSimpleName(), m.getName(), m));
            }
        }
        return List.copyOf(cases);
    }
}
