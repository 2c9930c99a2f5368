package io.jmtcp.cli;

import java.util.Map;

/** Formats counters as an aligned two-column table: name left-aligned, value right-aligned. */
final class CounterTable {

    private CounterTable() {}

    /** One line per counter, in the map's order; empty for an empty map. */
    static String format(Map<String, Long> counters) {
        int nameWidth = 0;
        int valueWidth = 0;
        for (Map.Entry<String, Long> e : counters.entrySet()) {
            nameWidth = Math.max(nameWidth, e.getKey().length());
            valueWidth = Math.max(valueWidth, Long.toString(e.getValue()).length());
        }
        StringBuilder sb = new StringBuilder();
        String format = "%-" + Math.max(1, nameWidth) + "s  %" + Math.max(1, valueWidth) + "d%n";
        counters.forEach((name, value) -> sb.append(String.format(format, name, value)));
        return sb.toString();
    }
}
