package io.jmtcp.examples.harness;

import java.util.Locale;

/**
 * The five workloads of the comparison (issue 7, item 3) and how each one's headline figure is
 * named. All but {@link #LATENCY} are rates where more is better; {@link #LATENCY}'s headline is
 * the p99 round-trip time, where less is better.
 */
enum Workload {
    /** connect, 64 B request, 64 B response, close; several connections in flight at once. */
    SHORT("short connections", "conn/s", true),
    /** 64 B request/response, one in flight on each of 64 long-lived connections. */
    PERSISTENT("persistent 64 B req/resp", "req/s", true),
    /** HTTP/1.1 keep-alive GET, one in flight on each of 16 connections. */
    HTTP("HTTP/1.1 keep-alive", "req/s", true),
    /** one connection writing as fast as the receiver takes it. */
    BULK("bulk single stream", "Gbit/s", true),
    /** one connection, one 64 B message echoed at a time; p99 of the round trip. */
    LATENCY("64 B ping-pong p99", "us", false);

    final String title;
    final String unit;
    final boolean higherIsBetter;

    Workload(String title, String unit, boolean higherIsBetter) {
        this.title = title;
        this.unit = unit;
        this.higherIsBetter = higherIsBetter;
    }

    String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Workload fromCli(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
