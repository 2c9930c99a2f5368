package io.jmtcp.cli;

import io.jmtcp.engine.services.HttpClient;
import io.jmtcp.engine.stack.Stack;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jmtcp get URL}: starts a stack and downloads {@code URL} over jmtcp's own TCP with
 * HTTP/1.1 ({@code Connection: close}), then prints the status, the body's byte count and
 * SHA-256, the time and the throughput, and the stack's counters. The URL must be
 * {@code http://a.b.c.d[:port]/path} (jmtcp has no resolver). Exit code 0 on status 200 with a
 * complete body, 1 otherwise, 2 for a bad command line.
 */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = {"Start a stack and download URL (http://a.b.c.d[:port]/path) over it with HTTP/1.1;",
            "print the status, bytes, SHA-256, seconds, throughput (Mbit/s) and the stack's counters."})
final class GetCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StackOptions stackOptions = new StackOptions();

    @Parameters(index = "0", paramLabel = "URL", description = "http://a.b.c.d[:port]/path (dotted IPv4 only).")
    String url;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Write the body to FILE (default: discard it).")
    Path outFile;

    @Option(names = {"-H", "--header"}, paramLabel = "NAME: VALUE", description = "An extra request header; repeatable.")
    List<String> headers = new ArrayList<>();

    @Option(names = "--connect-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to wait for the connection. Default: 10s.")
    long connectTimeoutNanos = TimeUnit.SECONDS.toNanos(10);

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long the transfer may stall without progress. Default: 30s.")
    long idleTimeoutNanos = TimeUnit.SECONDS.toNanos(30);

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        HttpClient.Url target;
        try {
            target = HttpClient.Url.parse(url);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        for (String h : headers) {
            int colon = h.indexOf(':');
            if (colon <= 0 || h.contains("\r") || h.contains("\n")) {
                throw new CommandLine.ParameterException(cl, "--header '" + h + "' is not of the form 'Name: value'");
            }
        }
        PrintWriter out = cl.getOut();
        PrintWriter err = cl.getErr();
        Stack stack = stackOptions.start();
        int code = 1;
        try {
            code = download(stack, target, out, err);
        } finally {
            stack.close();
        }
        out.println("counters:");
        out.print(CounterTable.format(stack.counters()));
        out.flush();
        return code;
    }

    private int download(Stack stack, HttpClient.Url target, PrintWriter out, PrintWriter err) throws IOException {
        List<String> request = new ArrayList<>(headers);
        request.add("User-Agent: jmtcp/" + JmtcpVersion.jmtcp());
        request.add("Accept: */*");
        request.add("Connection: close");
        long began = System.nanoTime();
        HttpClient.Response r;
        try (OutputStream sink = outFile == null ? null : new BufferedOutputStream(Files.newOutputStream(outFile), 1 << 16);
             HttpClient client = HttpClient.connect(stack, target, connectTimeoutNanos, idleTimeoutNanos)) {
            client.send("GET", target.target(), target.host(), request, null);
            r = client.receive("GET", sink);
        } catch (IOException e) {
            err.println("jmtcp: GET " + url + " failed: " + e);
            err.flush();
            return 1;
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        out.println("HTTP " + r.status() + " " + r.reason());
        out.println("bytes " + r.bodyBytes() + (r.complete() ? "" : " (incomplete)"));
        out.println("sha256 " + r.sha256Hex());
        out.println(String.format(Locale.ROOT, "seconds %.3f", seconds));
        out.println(String.format(Locale.ROOT, "throughput %.1f Mbit/s", r.bodyBytes() * 8 / seconds / 1e6));
        out.flush();
        return r.status() == 200 && r.complete() ? 0 : 1;
    }
}
