package io.jmtcp.it.impact;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One run of the packetimpact driver ({@code run.py}) against one target: starts it inside the
 * harness namespace, answers its {@code CTL} requests through a handler (e.g. "make the DUT
 * connect to me"), and parses what each behaviour script reported. The process is killed by its
 * pid if it overstays its deadline.
 */
public final class ScriptRun {

    /**
     * What one behaviour script reported against one target.
     *
     * @param name the script's module name
     * @param ok whether every RFC check in it held
     * @param error why it failed (null when ok)
     * @param trace the normalised observations compared between targets
     */
    public record Result(String name, boolean ok, String error, List<String> trace) {}

    private ScriptRun() {}

    /**
     * Runs {@code scripts} from {@code dir} in namespace {@code netns} on interface {@code iface}.
     *
     * @param control answers a {@code CTL} request (its words) with a line starting {@code OK} or not
     * @return results by script name, in run order; scripts missing from the output (the driver
     *     died) are reported as failed
     */
    public static Map<String, Result> run(Path dir, String netns, String iface, String localIp, String dutIp,
            List<String> scripts, Function<String[], String> control, long timeoutSeconds) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", netns, "/usr/bin/python3", "-u",
                dir.resolve("run.py").toString(), iface, localIp, dutIp));
        command.addAll(scripts);
        Path stderr;
        Process p;
        try {
            stderr = Files.createTempFile("jmtcp-impact-", ".err");
            p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        Map<String, Result> results = new LinkedHashMap<>();
        Thread watchdog = new Thread(() -> {
            try {
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            } catch (InterruptedException ignored) {
                // the run finished first
            }
        }, "impact-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                Writer out = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
            String name = null;
            List<String> trace = new ArrayList<>();
            String error = null;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("CTL ")) {
                    String answer;
                    try {
                        answer = control.apply(line.substring(4).trim().split(" "));
                    } catch (RuntimeException e) {
                        answer = "FAIL " + e;
                    }
                    out.write(answer.replace('\n', ' ') + "\n");
                    out.flush();
                } else if (line.startsWith("BEGIN ")) {
                    name = line.substring(6).trim();
                    trace = new ArrayList<>();
                    error = null;
                } else if (line.startsWith("TRACE ")) {
                    trace.add(unescape(line.substring(6)));
                } else if (line.startsWith("ERROR ")) {
                    error = unescape(line.substring(6));
                } else if (line.startsWith("END ") && name != null) {
                    String[] words = line.split(" ");
                    results.put(name, new Result(name, "ok".equals(words[2]), error, List.copyOf(trace)));
                    name = null;
                }
            }
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            watchdog.interrupt();
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String err = readQuietly(stderr);
        for (String s : scripts) {
            results.putIfAbsent(s, new Result(s, false,
                    "the driver reported nothing for this script (exit " + exitOf(p) + ")\n" + err, List.of()));
        }
        return results;
    }

    private static String exitOf(Process p) {
        return p.isAlive() ? "still running" : Integer.toString(p.exitValue());
    }

    private static String readQuietly(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8);
            Files.deleteIfExists(file);
            return s;
        } catch (IOException e) {
            return "(stderr unreadable: " + e + ")";
        }
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(n == 'n' ? '\n' : n);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
