package io.jmtcp.examples.apps;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A Jetty 12 server (one {@link ServerConnector}, HTTP/1.1) answering every request with
 * {@code hello from jetty}, from a non-blocking core {@link Handler}. Arguments
 * {@code [PORT] [--self-test N]}.
 *
 * <pre>
 * java -cp examples/target/examples.jar io.jmtcp.examples.apps.JettyHello 8080
 * </pre>
 */
public final class JettyHello {

    static final byte[] BODY = "hello from jetty".getBytes(StandardCharsets.US_ASCII);

    private JettyHello() {
    }

    public static void main(String[] args) throws Exception {
        AppArgs options = AppArgs.parse("JettyHello", args);
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(AppArgs.HOST);
        connector.setPort(options.port());
        server.addConnector(connector);
        server.setHandler(new Hello());
        server.start();
        AppArgs.banner("JettyHello", connector.getLocalPort());
        if (options.selfTestConnections() > 0) {
            SelfTest.run("JettyHello", connector.getLocalPort(), options.selfTestConnections(),
                    SelfTest.http("/", new String(BODY, StandardCharsets.US_ASCII)));
        }
        server.join();
    }

    /** Writes the text in one last write; it never blocks, so Jetty may call it on a selector thread. */
    static final class Hello extends Handler.Abstract.NonBlocking {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, BODY.length);
            response.write(true, ByteBuffer.wrap(BODY), callback);
            return true;
        }
    }
}
