package io.jmtcp.agent.weave;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.nameEndsWith;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.channels.spi.SelectorProvider;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.field.FieldList;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.Remapper;
import net.bytebuddy.jar.asm.commons.SimpleRemapper;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.utility.JavaModule;

/**
 * Redirects {@code SelectorProvider.provider()} to jmtcp in a JVM whose NIO was initialised
 * before the agent ran (an attach, or another agent before {@code premain}), and makes Netty's
 * NIO channels follow their event loop group, and XNIO's selector creators open jmtcp's selectors
 * (see {@link io.jmtcp.boot.JmtcpBoot} for the rules).
 *
 * <p>Steps: advice inlined into {@code java.base} resolves names through the bootstrap loader
 * only, and a named module reads only what it declares, so {@code JmtcpBoot} is defined inside
 * {@code java.base} itself, renamed to {@value #BRIDGE} (a {@code Lookup.defineClass} in the
 * package the agent opened to itself with {@link Instrumentation#redefineModule}); every class
 * loader sees it there. Not {@link Instrumentation#appendToBootstrapClassLoaderSearch}: with class
 * data sharing on, HotSpot prints a warning for it. The woven code gets the same renaming. Then
 * ByteBuddy retransforms the loaded classes (method bodies only, as retransformation allows) and
 * weaves Netty classes loaded later. If anything fails, the weaving is undone.
 *
 * <p>Threads: {@link #redirect} runs once, on the agent's thread.
 */
public final class Weaver {

    private static final String BOOT_CLASS = "io.jmtcp.boot.JmtcpBoot";
    private static final String SPI_PACKAGE = "java.nio.channels.spi";
    /** Where {@code JmtcpBoot} lives at run time: in {@code java.base}, beside {@code SelectorProvider}. */
    static final String BRIDGE = SPI_PACKAGE + ".JmtcpBridge";
    private static final Remapper RENAME = new SimpleRemapper(BOOT_CLASS.replace('.', '/'), BRIDGE.replace('.', '/'));

    private Weaver() {
    }

    /**
     * Makes {@code jmtcp} what {@code provider()} returns to non-JDK callers from now on.
     *
     * @param kernel what {@code provider()} returned so far (the JDK's default provider)
     * @throws IllegalStateException naming the step that failed; the JVM is then left as it was
     *         (the redirect switched off)
     */
    public static void redirect(Instrumentation inst, SelectorProvider jmtcp, SelectorProvider kernel) {
        if (!inst.isRetransformClassesSupported()) {
            throw new IllegalStateException("this JVM cannot retransform classes (Can-Retransform-Classes missing?)");
        }
        Class<?> boot = bridgeClass(inst);
        set(boot, "kernel", kernel);
        set(boot, "groupProvider", (Function<Object, SelectorProvider>) new EventLoopProviders());
        set(boot, "jmtcp", jmtcp);
        List<String> errors = new ArrayList<>();
        ResettableClassFileTransformer woven = null;
        try {
            woven = weave(inst, errors);
            if (!errors.isEmpty()) {
                throw new IllegalStateException("weaving failed: " + String.join("; ", errors));
            }
            SelectorProvider now = SelectorProvider.provider();
            if (now != jmtcp) {
                throw new IllegalStateException("SelectorProvider.provider() still returns " + now.getClass().getName());
            }
        } catch (RuntimeException | Error e) {
            set(boot, "jmtcp", null); // the woven code does nothing without it: everything stays on the kernel
            if (woven != null) {
                woven.reset(inst, AgentBuilder.RedefinitionStrategy.RETRANSFORMATION); // and the classes as they were
            }
            throw e;
        }
    }

    private static ResettableClassFileTransformer weave(Instrumentation inst, List<String> errors) {
        AgentBuilder.Listener listener = new AgentBuilder.Listener.Adapter() {
            @Override
            public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable t) {
                String line = typeName + ": " + t;
                synchronized (errors) {
                    errors.add(line);
                }
                if (!loaded) {
                    // a Netty class loaded later, after install returned: nobody else will say it
                    System.err.println("jmtcp: could not weave " + line + " (its channels stay on the JDK's provider)");
                }
            }
        };
        // the advice templates are read as class files from the agent jar
        ClassFileLocator templates = ClassFileLocator.ForClassLoader.of(Weaver.class.getClassLoader());
        // ByteBuddy's defaults would reach for sun.misc.Unsafe (JDK 24+ warn on it) to prepare a
        // class injector this weaving never uses. These names are relocated with ByteBuddy by the
        // shading, so they only switch jmtcp's private copy into its safe mode.
        System.setProperty("net.bytebuddy.safe", "true");
        System.setProperty("net.bytebuddy.nexus.disabled", "true");
        Rename rename = new Rename();
        return new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(listener)
                // the default ignores bootstrap classes; we weave exactly one of them
                .ignore(nameStartsWith("io.jmtcp.").or(nameStartsWith("net.bytebuddy.")))
                .type(named("java.nio.channels.spi.SelectorProvider"))
                .transform((builder, type, loader, module, domain) -> builder.visit(rename).visit(
                        Advice.to(ProviderAdvice.class, templates).on(named("provider").and(isStatic()).and(takesNoArguments()))))
                .type(nameEndsWith("netty.bootstrap.AbstractBootstrap"))
                .transform((builder, type, loader, module, domain) -> builder.visit(rename).visit(
                        Advice.to(BootstrapAdvice.class, templates).on(named("initAndRegister").and(takesNoArguments()))))
                .type(nameEndsWith("netty.channel.socket.nio.NioSocketChannel")
                        .or(nameEndsWith("netty.channel.socket.nio.NioServerSocketChannel"))
                        .or(nameEndsWith("netty.channel.socket.nio.NioDatagramChannel")))
                .transform((builder, type, loader, module, domain) -> builder.visit(rename).visit(
                        Advice.to(ChannelAdvice.class, templates).on(named("newChannel").or(named("newSocket"))
                                .and(isStatic()).and(takesArgument(0, SelectorProvider.class)))))
                .type(nameEndsWith("xnio.nio.NioXnio$DefaultSelectorCreator")
                        .or(nameEndsWith("xnio.nio.NioXnio$ConstructorSelectorCreator")))
                .transform((builder, type, loader, module, domain) -> builder.visit(rename).visit(
                        Advice.to(SelectorAdvice.class, templates).on(named("open").and(takesNoArguments()))))
                .installOn(inst);
    }

    /**
     * The bridge class in {@code java.base}: {@code JmtcpBoot}'s class file renamed to
     * {@value #BRIDGE} and defined there with a {@link MethodHandles.Lookup} on
     * {@code SelectorProvider} (the agent opens that package to itself first). Defined once per JVM.
     */
    private static Class<?> bridgeClass(Instrumentation inst) {
        try {
            return Class.forName(BRIDGE, true, null); // a second attach finds it there already
        } catch (ClassNotFoundException absent) {
            // expected: define it below
        }
        String entry = BOOT_CLASS.replace('.', '/') + ".class";
        try (InputStream in = Weaver.class.getClassLoader().getResourceAsStream(entry)) {
            if (in == null) {
                throw new IllegalStateException(entry + " is missing from the agent jar");
            }
            ClassReader reader = new ClassReader(in.readAllBytes());
            ClassWriter writer = new ClassWriter(0);
            reader.accept(new ClassRemapper(writer, RENAME), 0);
            Module base = SelectorProvider.class.getModule();
            Module self = Weaver.class.getModule();
            inst.redefineModule(base, Set.of(), Map.of(), Map.of(SPI_PACKAGE, Set.of(self)), Set.of(), Map.of());
            MethodHandles.Lookup spi = MethodHandles.privateLookupIn(SelectorProvider.class, MethodHandles.lookup());
            Class<?> bridge = spi.defineClass(writer.toByteArray());
            return Class.forName(bridge.getName(), true, null);
        } catch (IOException | ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot define " + BRIDGE + " in java.base: " + e, e);
        }
    }

    /** Renames {@code JmtcpBoot} to the bridge in a class file (the bridge itself, and woven code). */
    private static final class Rename extends AsmVisitorWrapper.AbstractBase {
        @Override
        public ClassVisitor wrap(TypeDescription instrumentedType, ClassVisitor classVisitor, Implementation.Context context,
                TypePool typePool, FieldList<FieldDescription.InDefinedShape> fields, MethodList<?> methods,
                int writerFlags, int readerFlags) {
            return new ClassRemapper(classVisitor, RENAME);
        }
    }

    private static void set(Class<?> boot, String field, Object value) {
        try {
            boot.getField(field).set(null, value);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot set " + BOOT_CLASS + "." + field + ": " + e, e);
        }
    }
}
