package io.jmtcp.it.contract;

import io.jmtcp.it.contract.NioContractCases.Case;
import java.io.PrintStream;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs contract cases in this JVM and prints one line per case, for {@link NioContractTest} to
 * read from a forked JVM (or for a person to run by hand):
 * <pre>
 * CONTRACT PROVIDER &lt;provider class&gt; JAVA &lt;version&gt;
 * CONTRACT PASS &lt;case&gt; &lt;ms&gt;
 * CONTRACT FAIL &lt;case&gt; &lt;ms&gt; &lt;message on one line&gt;
 * CONTRACT DONE &lt;passed&gt; &lt;failed&gt;
 * </pre>
 * Arguments: {@code --expect-provider <class>} fails every case unless
 * {@code SelectorProvider.provider()} is that class (so a run meant for jmtcp can never pass on
 * the JDK's provider); {@code --case-timeout-ms <ms>} bounds each case (default 30000); any other
 * argument names a case to run (default: all). Each case runs on a fresh thread, so interrupt
 * status and thread-locals never leak from one case to the next; a case that overstays its
 * timeout fails with its thread's stack and is abandoned (its thread is a daemon). Exits 0 when
 * every case passed, 1 otherwise.
 */
public final class ContractRunner {

    /** The prefix of every line the runner prints. */
    public static final String PREFIX = "CONTRACT ";

    private ContractRunner() {}

    public static void main(String[] args) throws Exception {
        String expectProvider = null;
        long timeoutMs = 30_000;
        List<String> selected = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--expect-provider" -> expectProvider = args[++i];
                case "--case-timeout-ms" -> timeoutMs = Long.parseLong(args[++i]);
                default -> selected.addAll(Arrays.asList(args[i].split(",")));
            }
        }
        PrintStream out = System.out;
        String actual = SelectorProvider.provider().getClass().getName();
        out.println(PREFIX + "PROVIDER " + actual + " JAVA " + Runtime.version());
        String wrongProvider = expectProvider != null && !expectProvider.equals(actual)
                ? "this JVM runs on provider " + actual + ", not on " + expectProvider : null;

        Set<String> wanted = Set.copyOf(selected);
        int passed = 0;
        int failed = 0;
        for (Case c : NioContractCases.all()) {
            if (!wanted.isEmpty() && !wanted.contains(c.name())) {
                continue;
            }
            long start = System.nanoTime();
            String failure = wrongProvider != null ? wrongProvider : runOne(c, timeoutMs);
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (failure == null) {
                passed++;
                out.println(PREFIX + "PASS " + c.name() + " " + ms);
            } else {
                failed++;
                out.println(PREFIX + "FAIL " + c.name() + " " + ms + " " + oneLine(failure));
            }
            out.flush();
        }
        out.println(PREFIX + "DONE " + passed + " " + failed);
        out.flush();
        // abandoned case threads and whatever a provider left running must not keep the JVM alive
        System.exit(failed == 0 ? 0 : 1);
    }

    /** Runs one case on its own thread; null when it passed, else why it failed. */
    static String runOne(Case c, long timeoutMs) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                c.run();
            } catch (Throwable e) {
                thrown.set(e);
            }
        }, "case-" + c.name());
        t.setDaemon(true);
        t.start();
        t.join(timeoutMs);
        if (t.isAlive()) {
            return "did not finish within " + timeoutMs + " ms; its thread is at "
                    + Arrays.toString(Arrays.copyOf(t.getStackTrace(), 8));
        }
        Throwable e = thrown.get();
        return e == null ? null : describe(e);
    }

    /** The exception, where in the case code it came from, and its causes. */
    static String describe(Throwable e) {
        StringBuilder s = new StringBuilder(String.valueOf(e));
        for (StackTraceElement f : e.getStackTrace()) {
            if (f.getClassName().startsWith(ContractRunner.class.getPackageName())) {
                s.append(" (at ").append(f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1))
                        .append('.').append(f.getMethodName()).append(':').append(f.getLineNumber()).append(')');
                break;
            }
        }
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            s.append("; caused by ").append(cause);
        }
        return s.toString();
    }

    private static String oneLine(String s) {
        return s.replace("\r", "").replace('\n', ' ').replace('\t', ' ');
    }
}
