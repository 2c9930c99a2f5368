package io.jmtcp.examples.harness;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux says a process has used so far: CPU time (user + system, from
 * {@code /proc/PID/stat} fields 14 and 15, proc(5)) and voluntary context switches summed over
 * its threads ({@code /proc/PID/task/TID/status}) — each one a thread that went to sleep and
 * had to be woken, which is the cost "wakeups per transaction" counts. Threads that ended
 * between two samples take their switches with them; the JVMs here keep their threads.
 *
 * @param cpuNanos user + system time of all the process's threads
 * @param voluntarySwitches voluntary context switches of its live threads
 */
record ProcStat(long cpuNanos, long voluntarySwitches) {

    /** USER_HZ: the unit of the stat file's times; 100 on every Linux architecture in use. */
    private static final long TICK_NANOS = 1_000_000_000L / 100;

    static ProcStat of(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // the command name (field 2) may hold spaces and parentheses: count fields after the last ')'
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime: fields 14, 15
        long switches = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            switches += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException threadEnded) {
                    // the thread exited while we listed: its switches are gone with it
                }
            }
        }
        return new ProcStat(ticks * TICK_NANOS, switches);
    }

    ProcStat minus(ProcStat earlier) {
        return new ProcStat(cpuNanos - earlier.cpuNanos, voluntarySwitches - earlier.voluntarySwitches);
    }
}
