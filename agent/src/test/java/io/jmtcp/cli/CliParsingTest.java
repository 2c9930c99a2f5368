package io.jmtcp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CliParsingTest {

    private static CommandLine.ParseResult parse(String... args) {
        StringWriter sink = new StringWriter();
        return Main.commandLine(new PrintWriter(sink), new PrintWriter(sink), true).parseArgs(args);
    }

    private static <T> T command(CommandLine.ParseResult top) {
        return top.subcommand().commandSpec().commandLine().getCommand();
    }

    @Test
    void serveOptionsBecomeConfigurationKeysAndNamedOptionsWinOverSet() {
        ServeCommand serve = command(parse("serve", "--device", "loopback,slots=64", "--ip", "10.9.0.1/24",
                "--gateway", "10.9.0.254", "--mtu", "1500", "--engines", "1", "--pcap", "x.pcap",
                "--config", "my.properties", "--set", "arp.retry=2s", "--set", "jmtcp.mtu=9000",
                "--duration", "10s", "--stats-interval", "250ms"));

        assertThat(serve.stackOptions.options())
                .containsEntry("jmtcp.device", "loopback,slots=64")
                .containsEntry("jmtcp.ip", "10.9.0.1/24")
                .containsEntry("jmtcp.gateway", "10.9.0.254")
                .containsEntry("jmtcp.mtu", "1500")
                .containsEntry("jmtcp.engines", "1")
                .containsEntry("jmtcp.pcap", "x.pcap")
                .containsEntry("jmtcp.config", "my.properties")
                .containsEntry("arp.retry", "2s");
        assertThat(serve.durationNanos).isEqualTo(TimeUnit.SECONDS.toNanos(10));
        assertThat(serve.statsIntervalNanos).isEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
    }

    @Test
    void serveWithoutOptionsLeavesEveryKeyToTheOtherSourcesAndRunsUntilStopped() {
        ServeCommand serve = command(parse("serve"));

        assertThat(serve.stackOptions.options()).isEmpty();
        assertThat(serve.durationNanos).isZero();
        assertThat(serve.statsIntervalNanos).isZero();
    }

    @Test
    void pingDefaultsToTenProbesOfTheLoopbackAddress() {
        PingCommand ping = command(parse("ping"));

        assertThat(ping.destination).isEqualTo("127.0.0.1");
        assertThat(ping.count).isEqualTo(10);
        assertThat(ping.size).isEqualTo(56);
        assertThat(ping.intervalNanos).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(ping.timeoutNanos).isEqualTo(TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void pingTakesCountIntervalSizeAndDestination() {
        PingCommand ping = command(parse("ping", "--count", "5", "--interval", "20ms", "--size", "100",
                "--device", "loopback", "--ip", "127.0.0.1/8", "127.0.0.1"));

        assertThat(ping.count).isEqualTo(5);
        assertThat(ping.intervalNanos).isEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
        assertThat(ping.size).isEqualTo(100);
        assertThat(ping.stackOptions.options()).containsEntry("jmtcp.device", "loopback")
                .containsEntry("jmtcp.ip", "127.0.0.1/8");
    }

    @Test
    void aDurationThatIsNotOneIsAUsageErrorWithExitCode2() {
        CliRun run = CliRun.of("serve", "--duration", "soon");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--duration").contains("'soon' is not a duration");
    }

    @Test
    void anUnknownOptionIsAUsageErrorWithExitCode2() {
        CliRun run = CliRun.of("serve", "--frobnicate");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown option: '--frobnicate'");
    }

    @Test
    void noCommandPrintsTheUsageAndExits2() {
        CliRun run = CliRun.of();

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Usage: jmtcp").contains("serve").contains("ping").contains("config");
    }

    @Test
    void helpListsTheCommandsAndExits0() {
        CliRun run = CliRun.of("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: jmtcp").contains("version").contains("config").contains("serve")
                .contains("ping").contains("get").contains("attach")
                .contains("Configuration reference").contains("java -jar jmtcp.jar config")
                .contains("-javaagent:jmtcp.jar");
    }

    @Test
    void attachOutsideTheJarOrToNoProcessFailsWithExitCode1() {
        CliRun missing = CliRun.of("attach", "2147483646", "ip=127.0.0.1/8");

        assertThat(missing.exitCode()).isEqualTo(1);
        // run from classes (no jar) or against no process: either way one line saying why
        assertThat(missing.err()).containsAnyOf("no such process", "needs to run from jmtcp.jar");
    }

    @Test
    void attachHelpNamesThePidTheOptionsAndTheDynamicAgentWarning() {
        CliRun run = CliRun.of("attach", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("PID").contains("OPTIONS").contains("-XX:+EnableDynamicAgentLoading");
    }

    @Test
    void serveHelpNamesTheConfigurationKeyOfEachOption() {
        CliRun run = CliRun.of("serve", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--device=STR").contains("jmtcp.device").contains("--set=KEY=VALUE")
                .contains("--duration=DURATION");
    }

    @Test
    void versionPrintsJmtcpJavaOsAndWhereTheConfigurationReferenceIs() {
        CliRun run = CliRun.of("version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("jmtcp " + JmtcpVersion.jmtcp())
                .contains("java " + System.getProperty("java.version"))
                .contains(System.getProperty("os.arch"))
                .contains("jmtcp config")
                .contains("commands: version, config, serve, ping, get, attach");
        assertThat(JmtcpVersion.jmtcp()).isNotEqualTo("unknown").doesNotContain("${");
        assertThat(CliRun.of("--version").out()).isEqualTo(run.out());
    }

    @Test
    void configPrintsTheReferenceOfEveryKey() {
        CliRun run = CliRun.of("config");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo(io.jmtcp.engine.config.JmtcpConfig.reference())
                .contains("jmtcp.device").contains("jmtcp.engines");
    }
}
