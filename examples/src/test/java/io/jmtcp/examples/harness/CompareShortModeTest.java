package io.jmtcp.examples.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness in its CI mode ({@code --short}) over the whole matrix: every cell either produced
 * figures for each of its workloads or says why it is not available, every jmtcp cell passed the
 * connection-count check, and the JSON and HTML are complete. No speed is asserted (issue 7:
 * figures from a shared two-core machine are not test material).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CompareShortModeTest {

    @TempDir
    static Path dir;

    private int status;
    private String table;
    private JsonNode json;
    private String html;

    @BeforeAll
    void runShortMode() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Path file = dir.resolve("results.json");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        status = Compare.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(progress, true, StandardCharsets.UTF_8),
                "--short", "--full", "--rounds", "2", "--round-seconds", "0.3", "--warmup-seconds", "0.3",
                "--class-path", cp, "--json", file.toString());
        table = out.toString(StandardCharsets.UTF_8) + "\nprogress:\n" + progress.toString(StandardCharsets.UTF_8);
        json = new ObjectMapper().readTree(file.toFile());
        html = Files.readString(dir.resolve("results.html"));
    }

    @Test
    void everyCellThatRanPassedItsChecks() {
        assertThat(status).as(table).isZero();
        for (JsonNode cell : json.get("cells")) {
            String status = cell.get("status").asText();
            assertThat(status).as(cell.toString()).isIn("ok", "unavailable");
            if (status.equals("unavailable")) {
                assertThat(cell.get("reason").asText()).as(cell.toString()).isNotBlank();
            } else if (cell.get("jmtcp").asBoolean()) {
                // the app's connects and accepts all went through jmtcp's engines
                assertThat(cell.get("check").asText()).as(cell.toString()).contains("engines=").doesNotContain("engines=0");
            }
        }
    }

    @Test
    void coversTheWholeMatrixWithAFigureOrAReasonInEveryCell() {
        Set<String> cells = new HashSet<>();
        json.get("cells").forEach(c -> cells.add(c.get("id").asText()));
        assertThat(cells).containsExactlyInAnyOrder(Cell.Kind.ids());
        Map<String, Set<String>> cellsByWorkload = new HashMap<>();
        for (JsonNode r : json.get("results")) {
            cellsByWorkload.computeIfAbsent(r.get("workload").asText(), k -> new HashSet<>()).add(r.get("cell").asText());
            if (r.get("status").asText().equals("ok")) {
                assertThat(r.get("headline").get("median").asDouble()).as(r.toString()).isPositive();
                assertThat(r.get("ratio").get("median").asDouble()).as(r.toString()).isPositive();
                assertThat(r.get("cpuUsPerOp").get("median").isNumber()).as(r.toString()).isTrue();
                assertThat(r.get("wakeupsPerOp").get("median").isNumber()).as(r.toString()).isTrue();
                assertThat(r.get("rounds")).as(r.toString()).hasSize(2);
                assertThat(r.get("errors").asLong()).isZero();
                if (r.get("workload").asText().equals("latency")) {
                    for (String p : new String[] {"p50", "p99", "p999"}) {
                        assertThat(r.get("latencyUs").get(p).get("median").asDouble()).as(r.toString()).isPositive();
                    }
                }
            } else {
                assertThat(r.get("status").asText()).as(r.toString()).isEqualTo("unavailable");
                assertThat(r.get("reason").asText()).as(r.toString()).isNotBlank();
            }
        }
        assertThat(cellsByWorkload.keySet()).containsExactlyInAnyOrder("short", "persistent", "http", "bulk", "latency");
        assertThat(cellsByWorkload.get("latency")).contains("jmtcp-busy-poll");
        assertThat(cellsByWorkload.get("short")).contains("jdk-nio", "netty-epoll", "netty-io_uring", "jmtcp",
                "jdk-nio-2jvm", "jmtcp-shm").doesNotContain("jmtcp-busy-poll");
        // the baseline itself must have run, or no ratio means anything
        assertThat(json.get("cells").get(0).get("id").asText()).isEqualTo("jdk-nio");
        assertThat(json.get("cells").get(0).get("status").asText()).isEqualTo("ok");
    }

    @Test
    void jsonCarriesTheRunsSettingsAndTheTargets() {
        for (String field : new String[] {"tool", "mode", "java", "cores", "rounds", "roundSeconds", "warmupSeconds",
                "jvmFlags", "cells", "results", "targets"}) {
            assertThat(json.has(field)).as(field).isTrue();
        }
        // 4 workloads for jmtcp, jmtcp-inline and jmtcp-shm, and latency for jmtcp-busy-poll
        assertThat(json.get("targets")).hasSize(4 * 3 + 1);
        json.get("targets").forEach(t -> assertThat(t.get("verdict").asText()).isNotBlank());
    }

    @Test
    void tableAndChartNameEveryStack() {
        for (Cell.Kind k : Cell.Kind.values()) {
            assertThat(table).contains(k.label);
            assertThat(html).contains(k.label);
        }
        assertThat(html).contains("<svg").doesNotContain("<script");
    }
}
