package io.jmtcp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {

    @Test
    void servesOnLoopbackForTheDurationThenPrintsNonZeroCountersAligned() {
        long began = System.nanoTime();
        CliRun run = CliRun.of("serve", "--device", "loopback", "--duration", "1s");
        long tookMillis = (System.nanoTime() - began) / 1_000_000;

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(tookMillis).isBetween(900L, 10_000L);
        assertThat(run.out()).contains("jmtcp up on device loopback, mac 02:00:00:00:00:01, ip 127.0.0.1/8, mtu 16384,"
                + " engines 1").contains("jmtcp stopped; counters:");
        String table = run.out().substring(run.out().indexOf("counters:") + "counters:".length()).trim();
        assertThat(table.lines()).isNotEmpty().allMatch(l -> l.matches("[A-Z_]+ +[1-9][0-9]*"));
        assertThat(table).contains("DUTY_CYCLES");
        assertThat(table.lines().mapToInt(l -> l.lastIndexOf(' ') + 1 + l.substring(l.lastIndexOf(' ') + 1).length())
                .distinct().count()).as("values end in one column").isEqualTo(1);
        assertThat(run.err()).isEmpty();
    }

    @Test
    void printsAStatsLinePerInterval() {
        CliRun run = CliRun.of("serve", "--duration", "1s", "--stats-interval", "200ms");

        assertThat(run.exitCode()).as(run.err()).isZero();
        // due at 0.2, 0.4, 0.6 and 0.8 s; a loaded machine may oversleep one past the end
        java.util.List<String> stats = run.out().lines()
                .filter(l -> l.matches("t=[0-9.]+s rx [0-9]+ frames \\([0-9]+/s\\), tx [0-9]+ frames \\([0-9]+/s\\), drops 0"))
                .toList();
        assertThat(stats).as(run.out()).hasSizeBetween(3, 4);
        assertThat(stats).isSortedAccordingTo(java.util.Comparator.comparingDouble(
                (String l) -> Double.parseDouble(l.substring(2, l.indexOf('s')))));
        assertThat(run.out().indexOf("jmtcp stopped")).isGreaterThan(run.out().indexOf(stats.get(stats.size() - 1)));
    }

    @Test
    void aBadOptionValueExits2WithTheKeyTheValueAndWhatIsAllowedAndNoStackTrace() {
        CliRun run = CliRun.of("serve", "--mtu", "5", "--duration", "1s");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("jmtcp: jmtcp.mtu=5 is not valid; allowed: 0 (the device's own) or 68..65535"
                + System.lineSeparator());
        assertThat(run.out()).doesNotContain("jmtcp up");
    }

    @Test
    void anUnknownKeyGivenWithSetExits2NamingIt() {
        CliRun run = CliRun.of("serve", "--set", "no.such.key=1", "--duration", "1s");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("jmtcp: jmtcp.no.such.key: unknown configuration key").doesNotContain("\tat ");
    }

    @Test
    void aGatewayOutsideTheSubnetExits2NamingTheGatewayKey() {
        CliRun run = CliRun.of("serve", "--ip", "10.1.0.1/24", "--gateway", "10.2.0.1", "--duration", "1s");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("jmtcp.gateway=10.2.0.1").contains("10.1.0.1/24").doesNotContain("\tat ");
    }

    @Test
    void aDeviceThisJarCannotOpenExits2ListingTheAvailableOnes() {
        CliRun run = CliRun.of("serve", "--device", "nosuch:x", "--duration", "1s");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("unknown device 'nosuch'").contains("loopback").doesNotContain("\tat ");
    }

    @Test
    void readsTheConfigFileAndTheCommandLineOverridesIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("jmtcp.properties");
        Files.writeString(file, "jmtcp.mtu=4000\njmtcp.name=from-file\n");

        CliRun fromFile = CliRun.of("serve", "--config", file.toString(), "--duration", "10ms");
        CliRun overridden = CliRun.of("serve", "--config", file.toString(), "--mtu", "2000", "--duration", "10ms");

        assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();
        assertThat(fromFile.out()).contains("mtu 4000");
        assertThat(overridden.exitCode()).as(overridden.err()).isZero();
        assertThat(overridden.out()).contains("mtu 2000");
    }

    @Test
    void aMissingConfigFileExits2NamingIt(@TempDir Path dir) {
        CliRun run = CliRun.of("serve", "--config", dir.resolve("absent.properties").toString(), "--duration", "10ms");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("jmtcp.config=").contains("absent.properties");
    }

    @Test
    void servicesAreAnnouncedOnTheirPortsAndStoppedWithTheStack() {
        CliRun run = CliRun.of("serve", "--device", "loopback", "--duration", "1s", "--echo", "--discard-port", "9009",
                "--chargen", "--http", "8080");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("echo on port 7").contains("discard on port 9009").contains("chargen on port 19")
                .contains("http on port 8080").contains("jmtcp stopped; counters:");
    }

    @Test
    void anHttpPortOutOfRangeExits2() {
        CliRun run = CliRun.of("serve", "--duration", "1s", "--http", "70000");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--http must be a port 1..65535, got 70000");
    }
}
