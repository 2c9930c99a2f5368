package io.jmtcp.cli;

import io.jmtcp.engine.config.Cidr;
import io.jmtcp.engine.stack.Stack;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code jmtcp ping}: starts a stack and has it ping a destination through its own ICMP
 * (RFC 792 echo), printing a line per reply, a summary and the stack's counters, like the ping
 * tool. On the default loopback device, pinging the stack's own address exercises the whole
 * receive and transmit path without ARP.
 *
 * <p>Each probe is one {@link Stack#ping} exchange (its own identifier, sequence number 0 on the
 * wire), so each reply is printed as it arrives; {@code seq} in the output numbers the probes.
 * Exit code 0 if every probe was answered, 1 otherwise.
 */
@Command(name = "ping", mixinStandardHelpOptions = true,
        description = "Start a stack and ping DEST from it (ICMP echo), then print a summary and the counters.")
final class PingCommand implements Callable<Integer> {

    /** IPv4 (20) plus ICMP echo (8) header bytes around the data. */
    private static final int HEADERS = 28;

    @Spec
    CommandSpec spec;

    @ParentCommand
    JmtcpCommand parent;

    @Mixin
    StackOptions stackOptions = new StackOptions();

    @Option(names = {"-c", "--count"}, paramLabel = "N", description = "Echo requests to send. Default: ${DEFAULT-VALUE}.")
    int count = 10;

    @Option(names = {"-i", "--interval"}, paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Time between requests. Default: 100ms.")
    long intervalNanos = TimeUnit.MILLISECONDS.toNanos(100);

    @Option(names = {"-s", "--size"}, paramLabel = "N", description = "Echo data bytes. Default: ${DEFAULT-VALUE}.")
    int size = 56;

    @Option(names = {"-W", "--timeout"}, paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to wait for each reply. Default: 1s.")
    long timeoutNanos = TimeUnit.SECONDS.toNanos(1);

    @Parameters(index = "0", arity = "0..1", paramLabel = "DEST", description = "IPv4 address to ping. Default: ${DEFAULT-VALUE}.")
    String destination = "127.0.0.1";

    @Override
    public Integer call() throws InterruptedException {
        CommandLine cl = spec.commandLine();
        if (count < 1) {
            throw new CommandLine.ParameterException(cl, "--count must be at least 1, got " + count);
        }
        if (size < 0) {
            throw new CommandLine.ParameterException(cl, "--size must not be negative, got " + size);
        }
        int dest;
        try {
            dest = Cidr.parseAddress(destination);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "DEST '" + destination + "' is not an IPv4 address a.b.c.d");
        }
        PrintWriter out = cl.getOut();
        String us = parent.micros();
        Stack stack = stackOptions.start();
        int received = 0;
        try {
            int mtu = stack.device().capabilities().mtu();
            if (size + HEADERS > mtu) {
                throw new StartFailure("--size=" + size + " is not valid; allowed: 0.." + (mtu - HEADERS)
                        + " (the device's MTU " + mtu + " minus 28 header bytes)", StartFailure.USAGE, null);
            }
            out.println("PING " + Cidr.format(dest) + ": " + size + " data bytes, from " + StackOptions.describe(stack));
            out.flush();
            double min = Double.MAX_VALUE;
            double max = 0;
            double sum = 0;
            for (int seq = 0; seq < count; seq++) {
                long began = System.nanoTime();
                Stack.PingResult r = stack.ping(dest, 1, 0, timeoutNanos, size);
                if (r.received() == 1) {
                    double rtt = r.rttMicros()[0];
                    received++;
                    sum += rtt;
                    min = Math.min(min, rtt);
                    max = Math.max(max, rtt);
                    out.println(String.format(Locale.ROOT, "%d bytes from %s: seq=%d time=%.1f %s",
                            size + 8, Cidr.format(dest), seq, rtt, us));
                } else if (r.sent() == 0) {
                    out.println("seq=" + seq + ": not sent (the engine's command queue is full)");
                } else {
                    out.println("seq=" + seq + ": no reply within " + ServeCommand.seconds(timeoutNanos));
                }
                out.flush();
                long rest = intervalNanos - (System.nanoTime() - began);
                if (seq + 1 < count && rest > 0) {
                    TimeUnit.NANOSECONDS.sleep(rest);
                }
            }
            out.println("--- " + Cidr.format(dest) + " ping statistics ---");
            out.println(String.format(Locale.ROOT, "%d sent, %d received, %.0f%% loss", count, received,
                    100.0 * (count - received) / count));
            if (received > 0) {
                out.println(String.format(Locale.ROOT, "rtt min/avg/max = %.1f/%.1f/%.1f %s", min, sum / received, max, us));
            }
        } finally {
            stack.close(); // engines stopped: the counters below are final
        }
        out.println("counters:");
        out.print(CounterTable.format(stack.counters()));
        out.flush();
        return received == count ? 0 : 1;
    }
}
