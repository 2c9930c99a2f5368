package io.jmtcp.examples.apps;

import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;

/**
 * An Undertow 2.3 server (XNIO over NIO) answering every request with {@code hello from undertow}
 * on its I/O thread. XNIO opens its selectors and channels through
 * {@code SelectorProvider.provider()}, so the provider property alone moves it to jmtcp.
 * Arguments {@code [PORT] [--self-test N]}.
 *
 * <pre>
 * java -cp examples/target/examples.jar io.jmtcp.examples.apps.UndertowHello 8080
 * </pre>
 */
public final class UndertowHello {

    static final String BODY = "hello from undertow";

    private UndertowHello() {
    }

    public static void main(String[] args) {
        AppArgs options = AppArgs.parse("UndertowHello", args);
        Undertow server = Undertow.builder()
                .addHttpListener(options.port(), AppArgs.HOST)
                .setHandler(exchange -> {
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
                    exchange.getResponseSender().send(BODY);
                })
                .build();
        server.start();
        int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        AppArgs.banner("UndertowHello", port);
        if (options.selfTestConnections() > 0) {
            SelfTest.run("UndertowHello", port, options.selfTestConnections(), SelfTest.http("/", BODY));
        }
        // Undertow's I/O threads are not daemons: main returns and the server serves until the process stops
    }
}
