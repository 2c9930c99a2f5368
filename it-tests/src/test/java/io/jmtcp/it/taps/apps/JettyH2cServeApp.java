package io.jmtcp.it.taps.apps;

import io.jmtcp.it.frameworks.apps.Probe;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A plain Jetty 12.1 server — one {@link ServerConnector} with its default blocking acceptors
 * speaking HTTP/1.1 and HTTP/2 cleartext (prior knowledge or upgrade) — answering every request
 * with a short text, on {@code HOST PORT} (arguments). Prints {@code FACT server.port} and
 * {@code FACT jetty.acceptors}, serves until {@code stop} (or end of input) on standard input
 * ({@code stats} prints jmtcp's engine counters meanwhile, {@link Probe#counters}), then prints the number of requests it handled as {@code FACT jetty.handled} and exits 0.
 */
public final class JettyH2cServeApp {

    private JettyH2cServeApp() {
    }

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http),
                new HTTP2CServerConnectionFactory(http));
        connector.setHost(args[0]);
        connector.setPort(Integer.parseInt(args[1]));
        server.addConnector(connector);
        LongAdder handled = new LongAdder();
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                handled.increment();
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                Content.Sink.write(response, true, "hello from jetty over " + request.getConnectionMetaData().getProtocol(),
                        callback);
                return true;
            }
        });
        int exit = 1;
        try {
            server.start();
            Probe.fact("jetty.acceptors", connector.getAcceptors());
            Probe.fact("server.port", connector.getLocalPort());
            String command = Probe.command();
            while ("stats".equals(command)) {
                Probe.counters();
                command = Probe.command();
            }
            if (command != null && !command.equals("stop")) {
                throw new IllegalArgumentException("unknown command " + command);
            }
            Probe.fact("jetty.handled", handled.sum());
            exit = 0;
        } finally {
            server.stop();
            Probe.fact("exit", exit);
        }
        System.exit(exit);
    }
}
