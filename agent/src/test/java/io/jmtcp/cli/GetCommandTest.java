package io.jmtcp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GetCommandTest {

    @Test
    void aHostNameInsteadOfAnAddressExits2SayingOnlyDottedIpv4Works() {
        CliRun run = CliRun.of("get", "http://example.com/");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("the host must be a dotted IPv4 address a.b.c.d").doesNotContain("\tat ");
    }

    @Test
    void anHttpsUrlExits2() {
        CliRun run = CliRun.of("get", "https://198.18.0.1/");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("is not an http:// URL");
    }

    @Test
    void aMalformedHeaderExits2() {
        CliRun run = CliRun.of("get", "http://127.0.0.1:8080/", "--header", "no colon");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--header 'no colon' is not of the form 'Name: value'");
    }

    @Test
    void aPortNobodyListensOnFailsWithConnectionRefusedAndExit1() {
        CliRun run = CliRun.of("get", "--device", "loopback", "http://127.0.0.1:8080/bytes/10");

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.err()).contains("GET http://127.0.0.1:8080/bytes/10 failed").contains("Connection refused");
        assertThat(run.out()).contains("counters:").contains("TCP_RX_RESETS");
    }
}
