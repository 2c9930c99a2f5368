package io.jmtcp.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;

/**
 * What {@code jmtcp version} and {@code jmtcp --version} print: jmtcp's version, the Java
 * runtime, the OS and architecture, and where the configuration reference is.
 */
final class JmtcpVersion implements CommandLine.IVersionProvider {

    /** jmtcp's version: the jar manifest's {@code Implementation-Version}, else the build's. */
    static String jmtcp() {
        String fromManifest = JmtcpVersion.class.getPackage().getImplementationVersion();
        if (fromManifest != null) {
            return fromManifest;
        }
        try (InputStream in = JmtcpVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> lines() {
        return List.of(
                "jmtcp " + jmtcp(),
                "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
                        + System.getProperty("java.vendor") + ")",
                "os " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                "commands: version, config, serve, ping, get, attach (java -jar jmtcp.jar --help)",
                "configuration reference: jmtcp config");
    }

    @Override
    public String[] getVersion() {
        return lines().toArray(new String[0]);
    }
}
