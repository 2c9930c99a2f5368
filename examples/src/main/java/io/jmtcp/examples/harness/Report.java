package io.jmtcp.examples.harness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the outcomes of a run into the three things a reader gets: the text table, the JSON
 * document (every figure, per round), and an HTML page with an inline SVG bar chart per workload
 * (median bar, min–max whisker; no script, no external resource). Also judges issue 7's targets
 * from the ratios, saying "missed" as plainly as "met".
 *
 * <p>Threads: the harness thread only.
 */
final class Report {

    private final Map<Workload, Map<Cell.Kind, Outcome>> results;
    private final Map<Cell.Kind, Cell> cells;
    private final String mode;
    private final int rounds;
    private final double roundSeconds;
    private final double warmupSeconds;
    private final double elapsedSeconds;
    private final List<String> jvmFlags;

    Report(Map<Workload, Map<Cell.Kind, Outcome>> results, Map<Cell.Kind, Cell> cells, String mode, int rounds,
            double roundSeconds, double warmupSeconds, double elapsedSeconds, List<String> baseCommand) {
        this.results = results;
        this.cells = cells;
        this.mode = mode;
        this.rounds = rounds;
        this.roundSeconds = roundSeconds;
        this.warmupSeconds = warmupSeconds;
        this.elapsedSeconds = elapsedSeconds;
        // the flags, without java itself and the class path
        this.jvmFlags = baseCommand.subList(1, baseCommand.size() - 2);
    }

    /** A figure in the workload's unit with sensible precision. */
    static String figure(Workload w, double v) {
        if (w == Workload.BULK) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        if (w == Workload.LATENCY) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String spread(Workload w, Outcome.Spread s) {
        return s == null ? "-" : figure(w, s.median()) + " [" + figure(w, s.min()) + "–" + figure(w, s.max()) + "]";
    }

    private static String ratio(Outcome.Spread s) {
        return s == null ? "-" : String.format(Locale.ROOT, "%.2f× [%.2f–%.2f]", s.median(), s.min(), s.max());
    }

    private static String num(Outcome.Spread s, String fmt) {
        return s == null ? "-" : String.format(Locale.ROOT, fmt, s.median());
    }

    String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "%njmtcp-compare, %s mode: %d rounds of %.1f s after a warm-up of up to %.1f s per cell, alternating;"
                        + " %d cores, Java %s; %.0f s%n",
                mode, rounds, roundSeconds, warmupSeconds, Runtime.getRuntime().availableProcessors(),
                Runtime.version(), elapsedSeconds));
        sb.append("figures: median [min–max] over rounds; ratio: this stack / JDK NIO (same JVM layout) in the"
                + " same round; CPU: user+sys of all the cell's JVMs per operation; wakeups: voluntary context"
                + " switches per operation\n");
        String fmt = "  %-34s %-28s %-24s %10s %11s  %s%n";
        for (Map.Entry<Workload, Map<Cell.Kind, Outcome>> e : results.entrySet()) {
            Workload w = e.getKey();
            sb.append(String.format(Locale.ROOT, "%n%s (%s%s)%n", w.title, w.unit,
                    w.higherIsBetter ? ", higher is better" : ", lower is better"));
            sb.append(String.format(Locale.ROOT, fmt, "stack", "median [min–max]", "ratio [min–max]", "CPU µs/op",
                    "wakeups/op", "status"));
            for (Outcome o : e.getValue().values()) {
                String status = o.status();
                if (o.ok() && w == Workload.LATENCY) {
                    status = String.format(Locale.ROOT, "ok; p50 %s µs, p99.9 %s µs", num(o.p50(), "%.1f"),
                            num(o.p999(), "%.1f"));
                }
                sb.append(String.format(Locale.ROOT, fmt, o.cell.label, o.ok() ? spread(w, o.headline()) : "-",
                        o.ok() ? ratio(o.ratio()) : "-", o.ok() ? num(o.cpuUsPerOp(), "%.1f") : "-",
                        o.ok() ? num(o.wakeupsPerOp(), "%.2f") : "-", status));
            }
        }
        sb.append("\nchecks (each jmtcp cell: jmtcp's connection counters equal the app's; kernel cells: no jmtcp engine)\n");
        for (Cell c : cells.values()) {
            String what = c.unavailable != null ? "not available: " + c.unavailable
                    : c.failure != null ? "FAILED: " + c.failure : "ok: " + c.check;
            sb.append(String.format(Locale.ROOT, "  %-16s %s%n", c.kind.id, what));
        }
        sb.append("\ntargets (issue 7)\n");
        for (Map<String, Object> t : targets()) {
            sb.append(String.format(Locale.ROOT, "  %-62s %s%n", t.get("target") + " [" + t.get("cell") + "]",
                    t.get("verdict")));
        }
        return sb.toString();
    }

    /** Issue 7's targets, judged on the median per-round ratio of every jmtcp cell that ran. */
    List<Map<String, Object>> targets() {
        List<Map<String, Object>> list = new ArrayList<>();
        target(list, Workload.SHORT, "short connections ≥ 3× JDK NIO", 3, true);
        target(list, Workload.PERSISTENT, "persistent 64 B req/resp ≥ 2× JDK NIO", 2, true);
        target(list, Workload.BULK, "bulk single stream ≥ 1× kernel loopback", 1, true);
        target(list, Workload.LATENCY, "64 B ping-pong p99 ≤ 0.5× kernel", 0.5, false);
        return list;
    }

    private void target(List<Map<String, Object>> list, Workload w, String text, double goal, boolean atLeast) {
        Map<Cell.Kind, Outcome> byCell = results.get(w);
        for (Cell.Kind k : List.of(Cell.Kind.JMTCP, Cell.Kind.JMTCP_INLINE, Cell.Kind.JMTCP_BUSY_POLL, Cell.Kind.JMTCP_SHM)) {
            boolean always = k == Cell.Kind.JMTCP || k == Cell.Kind.JMTCP_SHM;
            if (!always && (byCell == null || !byCell.containsKey(k))) {
                continue; // the threading variants are listed only where they ran
            }
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("target", text);
            t.put("workload", w.cliName());
            t.put("cell", k.id);
            t.put("goal", goal);
            Outcome o = byCell == null ? null : byCell.get(k);
            Outcome.Spread r = o == null || !o.ok() ? null : o.ratio();
            if (r == null) {
                t.put("ratio", null);
                t.put("met", null);
                t.put("verdict", "not measured" + (o == null ? " in this mode" : ": " + o.status()));
            } else {
                boolean met = atLeast ? r.median() >= goal : r.median() <= goal;
                t.put("ratio", r.median());
                t.put("met", met);
                t.put("verdict", String.format(Locale.ROOT, "%s (%.2f×)", met ? "met" : "MISSED", r.median()));
            }
            list.add(t);
        }
    }

    private static Map<String, Object> spreadJson(Outcome.Spread s) {
        if (s == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median", s.median());
        m.put("min", s.min());
        m.put("max", s.max());
        return m;
    }

    Map<String, Object> json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("tool", "jmtcp-compare");
        root.put("schema", 1);
        root.put("mode", mode);
        root.put("java", Runtime.version().toString());
        root.put("vm", System.getProperty("java.vm.name"));
        root.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        root.put("cores", Runtime.getRuntime().availableProcessors());
        root.put("rounds", rounds);
        root.put("roundSeconds", roundSeconds);
        root.put("warmupSeconds", warmupSeconds);
        root.put("elapsedSeconds", elapsedSeconds);
        root.put("jvmFlags", List.copyOf(jvmFlags));
        List<Object> cellList = new ArrayList<>();
        for (Cell c : cells.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", c.kind.id);
            m.put("label", c.kind.label);
            m.put("transport", c.kind.transport.cliName());
            m.put("jmtcp", c.kind.jmtcp);
            m.put("jvms", c.kind.twoJvms ? 2 : 1);
            m.put("processes", c.forks.stream().map(f -> f.name).toList());
            m.put("stackProperties", c.kind.twoJvms
                    ? List.of(c.stackProperties("server"), c.stackProperties("client"))
                    : List.of(c.stackProperties("both")));
            m.put("status", c.unavailable != null ? "unavailable" : c.failure != null ? "failed" : "ok");
            m.put("reason", c.unavailable != null ? c.unavailable : c.failure);
            m.put("check", c.check);
            cellList.add(m);
        }
        root.put("cells", cellList);
        List<Object> res = new ArrayList<>();
        for (Map<Cell.Kind, Outcome> byCell : results.values()) {
            for (Outcome o : byCell.values()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("workload", o.workload.cliName());
                m.put("title", o.workload.title);
                m.put("unit", o.workload.unit);
                m.put("higherIsBetter", o.workload.higherIsBetter);
                m.put("cell", o.cell.id);
                m.put("baseline", o.baseline.id);
                m.put("status", o.unavailable != null ? "unavailable" : o.failure != null ? "failed" : "ok");
                m.put("reason", o.unavailable != null ? o.unavailable : o.failure);
                m.put("headline", spreadJson(o.headline()));
                m.put("ratio", spreadJson(o.ratio()));
                m.put("cpuUsPerOp", spreadJson(o.cpuUsPerOp()));
                m.put("cpuNsPerOpByProcess", o.cpuNsPerOpByProcessMedian());
                m.put("wakeupsPerOp", spreadJson(o.wakeupsPerOp()));
                Map<String, Object> lat = new LinkedHashMap<>();
                lat.put("p50", spreadJson(o.p50()));
                lat.put("p99", spreadJson(o.p99()));
                lat.put("p999", spreadJson(o.p999()));
                m.put("latencyUs", o.workload == Workload.LATENCY ? lat : null);
                m.put("errors", o.errors());
                List<Object> rs = new ArrayList<>();
                for (int i = 0; i < o.rounds.size(); i++) {
                    Outcome.Round r = o.rounds.get(i);
                    Map<String, Object> rm = new LinkedHashMap<>();
                    rm.put("headline", r.headline());
                    rm.put("ratio", i < o.ratios.size() ? o.ratios.get(i) : null);
                    rm.put("ops", r.ops());
                    rm.put("totalOps", r.totalOps());
                    rm.put("seconds", r.seconds());
                    rm.put("cpuNsPerOp", r.cpuNsPerOp());
                    rm.put("cpuNsPerOpByProcess", r.cpuNsPerOpByProcess());
                    rm.put("wakeupsPerOp", r.wakeupsPerOp());
                    rm.put("p50Us", r.p50Us());
                    rm.put("p99Us", r.p99Us());
                    rm.put("p999Us", r.p999Us());
                    rm.put("errors", r.errors());
                    rs.add(rm);
                }
                m.put("rounds", rs);
                res.add(m);
            }
        }
        root.put("results", res);
        root.put("targets", targets());
        return root;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    String html() {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>jmtcp-compare</title>\n")
                .append("<style>body{font:14px sans-serif;margin:2em;max-width:960px}")
                .append("pre{font-size:12px;background:#f6f6f6;padding:1em;overflow-x:auto}")
                .append("h2{font-size:16px;margin-top:2em}</style></head><body>\n")
                .append("<h1>jmtcp vs the kernel: the same Netty app, side by side</h1>\n");
        for (Map.Entry<Workload, Map<Cell.Kind, Outcome>> e : results.entrySet()) {
            sb.append("<h2>").append(esc(e.getKey().title)).append(" (").append(esc(e.getKey().unit))
                    .append(e.getKey().higherIsBetter ? ", higher is better" : ", lower is better").append(")</h2>\n");
            sb.append(chart(e.getKey(), e.getValue()));
        }
        sb.append("<h2>Table</h2>\n<pre>").append(esc(table())).append("</pre>\n</body></html>\n");
        return sb.toString();
    }

    /** Horizontal bars: median as the bar, min–max as a whisker; cells without figures say why. */
    private static String chart(Workload w, Map<Cell.Kind, Outcome> byCell) {
        int rowH = 30;
        int labelW = 260;
        int barW = 520;
        int width = labelW + barW + 150;
        int height = rowH * byCell.size() + 10;
        double max = byCell.values().stream().filter(Outcome::ok).mapToDouble(o -> o.headline().max()).max().orElse(1);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">\n",
                width, height, esc(w.title)));
        int y = 5;
        for (Outcome o : byCell.values()) {
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"12\">%s</text>\n",
                    labelW - 8, y + 19, esc(o.cell.label)));
            if (o.ok()) {
                Outcome.Spread s = o.headline();
                double scale = barW / (max <= 0 ? 1 : max);
                String colour = o.cell.jmtcp ? "#2b7bb9" : "#9a9a9a";
                sb.append(String.format(Locale.ROOT,
                        "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"%s\"><title>%s</title></rect>\n",
                        labelW, y + 4, s.median() * scale, colour, esc(spread(w, s) + " " + w.unit)));
                double x0 = labelW + s.min() * scale;
                double x1 = labelW + s.max() * scale;
                sb.append(String.format(Locale.ROOT,
                        "<path d=\"M%.1f %d V%d M%.1f %d H%.1f M%.1f %d V%d\" stroke=\"#222\" fill=\"none\"/>\n",
                        x0, y + 8, y + 20, x0, y + 14, x1, x1, y + 8, y + 20));
                String ratio = o.ratio() == null ? ""
                        : String.format(Locale.ROOT, " (%.2f×)", o.ratio().median());
                sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\">%s%s</text>\n",
                        Math.max(x1, labelW + s.median() * scale) + 6, y + 19, esc(figure(w, s.median())), esc(ratio)));
            } else {
                sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#a00\">%s</text>\n",
                        labelW, y + 19, esc(o.status())));
            }
            y += rowH;
        }
        return sb.append("</svg>\n").toString();
    }
}
