package io.jmtcp.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.testing.Prerequisites;
import io.jmtcp.testing.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * jmtcp runs inside other people's JVMs: a stack on the loopback device must need no
 * {@code --add-exports}/{@code --add-opens} and print no JVM warning, on JDK 17 and JDK 25,
 * whether it is started from the class path (as an application embedding it would) or as the
 * runnable jar.
 */
class CleanJvmTest {

    static Stream<Arguments> jvms() {
        String jdk17 = System.getProperty("jmtcp.it.jdk17", "/usr/lib/jvm/java-17-openjdk-amd64");
        String jdk25 = System.getProperty("jmtcp.it.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64");
        return Stream.of(
                Arguments.of("JDK 17, class path", jdk17, false),
                Arguments.of("JDK 17, java -jar", jdk17, true),
                Arguments.of("JDK 25, class path", jdk25, false),
                Arguments.of("JDK 25, java -jar", jdk25, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jvms")
    void loopbackStackNeedsNoFlagsAndPrintsNoWarning(String label, String javaHome, boolean asJar) {
        Path java = Path.of(javaHome, "bin", "java");
        Prerequisites.check(Files.isExecutable(java), "no JVM at " + java + " for the " + label + " check");
        Path jar = Path.of(System.getProperty("jmtcp.it.jar", "../agent/target/jmtcp.jar"));
        Prerequisites.check(Files.isRegularFile(jar), "the shaded jar " + jar + " was not built");

        List<String> command = asJar
                ? List.of(java.toString(), "-jar", jar.toString(), "ping", "--count", "3", "--interval", "10ms", "127.0.0.1")
                : List.of(java.toString(), "-cp", jar.toString(), "io.jmtcp.cli.Main",
                        "ping", "--count", "3", "--interval", "10ms", "127.0.0.1");
        Shell.Result result = Shell.run(Duration.ofSeconds(60), command.toArray(String[]::new));

        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat((result.stdout() + result.stderr()).lines())
                .as("JVM warnings in " + result.describe())
                .noneMatch(line -> line.contains("WARNING"));
        assertThat(result.stdout()).contains("3 received");
    }
}
