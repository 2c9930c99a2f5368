package io.jmtcp.examples.harness;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every figure of one cell under one workload: one {@link Round} per measured round, the
 * headline's median with min–max, and the per-round ratio to the baseline cell (the ratio of two
 * figures measured back to back, which cancels the machine's slow drifts better than a ratio of
 * medians). A cell that did not run carries its reason instead.
 *
 * <p>Threads: the harness thread only.
 */
final class Outcome {

    /**
     * One measured round.
     *
     * @param headline the workload's figure: a rate (conn/s, req/s, Gbit/s) or the p99 in µs
     * @param ops operations completed within the round's time
     * @param totalOps operations completed including the drain after it (the CPU's denominator)
     * @param seconds the round's measured length
     * @param cpuNsPerOp user+sys CPU of all the cell's processes per operation
     * @param cpuNsPerOpByProcess the same, per process in fork order
     * @param wakeupsPerOp voluntary context switches of all the cell's processes per operation
     * @param p50Us median round trip (latency workload), else 0
     * @param p99Us 99th percentile round trip (latency workload), else 0
     * @param p999Us 99.9th percentile round trip (latency workload), else 0
     * @param errors failed connects, resets and requests left unanswered
     */
    record Round(double headline, long ops, long totalOps, double seconds, double cpuNsPerOp,
            double[] cpuNsPerOpByProcess, double wakeupsPerOp, double p50Us, double p99Us, double p999Us,
            long errors) {
    }

    /** Median, min and max of a series of figures. */
    record Spread(double median, double min, double max) {
        static Spread of(List<Double> values) {
            if (values.isEmpty()) {
                return null;
            }
            double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
            return new Spread(median, v[0], v[v.length - 1]);
        }
    }

    final Workload workload;
    final Cell.Kind cell;
    final Cell.Kind baseline;
    final List<Round> rounds = new ArrayList<>();
    /** Per round: this cell's headline / the baseline's in the same round. */
    final List<Double> ratios = new ArrayList<>();
    String unavailable;
    String failure;

    Outcome(Workload workload, Cell.Kind cell, Cell.Kind baseline) {
        this.workload = workload;
        this.cell = cell;
        this.baseline = baseline;
    }

    boolean ok() {
        return unavailable == null && failure == null && !rounds.isEmpty();
    }

    Spread headline() {
        return Spread.of(rounds.stream().map(Round::headline).toList());
    }

    Spread ratio() {
        return Spread.of(ratios);
    }

    Spread cpuUsPerOp() {
        return Spread.of(rounds.stream().map(r -> r.cpuNsPerOp() / 1000).toList());
    }

    Spread wakeupsPerOp() {
        return Spread.of(rounds.stream().map(Round::wakeupsPerOp).toList());
    }

    Spread p50() {
        return Spread.of(rounds.stream().map(Round::p50Us).toList());
    }

    Spread p99() {
        return Spread.of(rounds.stream().map(Round::p99Us).toList());
    }

    Spread p999() {
        return Spread.of(rounds.stream().map(Round::p999Us).toList());
    }

    long errors() {
        return rounds.stream().mapToLong(Round::errors).sum();
    }

    /** Median CPU per op of each process (client JVM last), for the JSON. */
    double[] cpuNsPerOpByProcessMedian() {
        if (rounds.isEmpty()) {
            return new double[0];
        }
        int n = rounds.get(0).cpuNsPerOpByProcess().length;
        double[] m = new double[n];
        for (int i = 0; i < n; i++) {
            int p = i;
            m[i] = Spread.of(rounds.stream().map(r -> r.cpuNsPerOpByProcess()[p]).toList()).median();
        }
        return m;
    }

    /** A short status for the table: ok, or the reason it has no figure. */
    String status() {
        if (unavailable != null) {
            return "not available: " + unavailable;
        }
        if (failure != null) {
            return "FAILED: " + failure;
        }
        return rounds.isEmpty() ? "no rounds" : "ok";
    }

    @Override
    public String toString() {
        return workload + "/" + cell.id + " " + status() + " " + Arrays.toString(rounds.toArray());
    }
}
