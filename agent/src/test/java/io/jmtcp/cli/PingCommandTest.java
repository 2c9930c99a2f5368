package io.jmtcp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PingCommandTest {

    @Test
    void pingsItsOwnLoopbackAddressAndGetsEveryReply() {
        CliRun run = CliRun.of("ping", "--count", "5", "--interval", "20ms", "127.0.0.1");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).startsWith("PING 127.0.0.1: 56 data bytes, from device loopback");
        assertThat(run.out().lines().filter(l -> l.matches("64 bytes from 127\\.0\\.0\\.1: seq=[0-4] time=[0-9.]+ µs")))
                .hasSize(5);
        assertThat(run.out()).contains("5 sent, 5 received, 0% loss").containsPattern("rtt min/avg/max = [0-9.]+/[0-9.]+/");
        assertThat(run.out()).containsPattern("ICMP_RX_ECHO_REPLIES +5\\R")
                .containsPattern("ICMP_TX_ECHO_REQUESTS +5\\R")
                .containsPattern("ICMP_TX_ECHO_REPLIES +5\\R");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void sendsTheRequestedDataSize() {
        CliRun run = CliRun.of("ping", "--count", "1", "--size", "1000");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("1008 bytes from 127.0.0.1: seq=0");
    }

    @Test
    void anUnansweredDestinationExits1AndReportsTheLoss() {
        // On loopback the stack's own ARP requests come back to it and are not answered (their sender
        // is itself), so a neighbour in its subnet never resolves; nothing leaves the JVM.
        CliRun run = CliRun.of("ping", "--ip", "198.18.0.1/24", "--count", "2", "--interval", "10ms",
                "--timeout", "100ms", "198.18.0.9");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("seq=0: no reply within 0.1s").contains("2 sent, 0 received, 100% loss")
                .doesNotContain("rtt min").containsPattern("ARP_TX_REQUESTS +[1-9]");
    }

    @Test
    void dataLargerThanTheMtuAllowsExits2NamingTheLimit() {
        CliRun run = CliRun.of("ping", "--count", "1", "--mtu", "1500", "--size", "1473");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("jmtcp: --size=1473 is not valid; allowed: 0..1472 (the device's MTU 1500 minus"
                + " 28 header bytes)" + System.lineSeparator());
    }

    @Test
    void aDestinationThatIsNotAnAddressExits2() {
        CliRun run = CliRun.of("ping", "localhost.example");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("DEST 'localhost.example' is not an IPv4 address");
    }

    @Test
    void printsMicrosecondsInAsciiWhenTheConsoleCannotEncodeTheMicroSign() {
        java.io.StringWriter out = new java.io.StringWriter();
        int code = Main.execute(new String[] {"ping", "--count", "1"}, new java.io.PrintWriter(out, true),
                new java.io.PrintWriter(new java.io.StringWriter(), true), false);

        assertThat(code).isZero();
        assertThat(out.toString()).containsPattern("seq=0 time=[0-9.]+ us\\R").doesNotContain("µ");
    }
}
