package io.jmtcp.it.frameworks.apps;

import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A Jetty 12 app that lives through an attach of the jmtcp agent. Before: server 1 (one
 * {@link ServerConnector}, kernel) and Jetty's own {@link HttpClient} 1, which fetches from it
 * (with {@code Connection: close}, so no connection is pooled); prints {@code FACT server1.port}
 * and waits for {@code attached} on standard input (the test attaches meanwhile). After: server 2
 * (a new {@code Server}) and a connector 3 added to the running server 1, both expected on jmtcp;
 * a client 2 made after the attach fetches from both (its connection to server 2 held for the
 * test's {@code PROBE}) and from server 1 (a jmtcp channel routed to the kernel listener); then
 * the pre-attach client 1 opens new connections to servers 2 and 1 (the documented limit: its
 * selector is the JDK's, the new channel jmtcp's). Every outcome is a {@code FACT}, failures as
 * {@code failed <exception>}; {@code stop} ends it with exit 0.
 */
public final class AttachJettyApp {

    private static final long TIMEOUT_S = 15;

    private AttachJettyApp() {
    }

    public static void main(String[] args) throws Exception {
        Probe.fact("pid", ProcessHandle.current().pid());
        Server s1 = server();
        s1.start();
        int p1 = port(s1);
        HttpClient c1 = new HttpClient();
        c1.start();
        Probe.fact("before.jetty1", fetch(c1, p1, true));
        Probe.fact("server1.channel", channel(s1));
        Probe.fact("server1.port", p1);
        String command = Probe.command();
        if (!"attached".equals(command)) {
            throw new IllegalStateException("expected 'attached', got " + command);
        }

        Probe.fact("provider", SelectorProvider.provider().getClass().getName());
        Server s2 = server();
        s2.start();
        int p2 = port(s2);
        Probe.fact("server2.channel", channel(s2));
        Probe.fact("server2.port", p2);
        // a connector added to the running pre-attach server: its selectors and listener are new
        ServerConnector c3 = new ServerConnector(s1);
        c3.setHost("127.0.0.1");
        s1.addConnector(c3);
        c3.start();
        Probe.fact("connector3.channel", c3.getTransport().getClass().getName());
        Probe.fact("connector3.port", c3.getLocalPort());

        HttpClient c2 = new HttpClient();
        c2.start();
        String r2 = fetch(c2, p2, false);
        Probe.fact("after.client2.server2", r2);
        if (r2.startsWith("200 ")) {
            // the connection stays pooled in client 2: the server's x-remote-port names it
            int clientPort = Integer.parseInt(r2.substring(r2.lastIndexOf(' ') + 1));
            Probe.hold("jetty-after-attach", clientPort, new InetSocketAddress("127.0.0.1", p2));
        }
        Probe.fact("after.client2.connector3", fetch(c2, c3.getLocalPort(), true));
        Probe.fact("after.client2.server1", fetch(c2, p1, true));
        // the pre-attach client: new connections after the attach
        Probe.fact("after.client1.server2", fetch(c1, p2, true));
        Probe.fact("after.client1.server1", fetch(c1, p1, true));
        Probe.fact("done", "after");

        command = Probe.command();
        if (command != null && !command.equals("stop")) {
            throw new IllegalStateException("unknown command " + command);
        }
        c1.stop();
        c2.stop();
        s2.stop();
        s1.stop();
        Probe.fact("exit", 0);
        System.exit(0);
    }

    private static Server server() {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Hello());
        return server;
    }

    private static int port(Server s) {
        return ((ServerConnector) s.getConnectors()[0]).getLocalPort();
    }

    /** The class of the server's listening channel. */
    private static String channel(Server s) {
        return ((ServerConnector) s.getConnectors()[0]).getTransport().getClass().getName();
    }

    /**
     * {@code GET /hello} with Jetty's client: "status body channel-class remote-port" (the class of
     * the server's end, the client's port as the server saw it), or {@code failed} and the cause.
     */
    private static String fetch(HttpClient client, int port, boolean close) {
        try {
            var request = client.newRequest("127.0.0.1", port).path("/hello").timeout(TIMEOUT_S, TimeUnit.SECONDS);
            if (close) {
                request.headers(h -> h.put(HttpHeader.CONNECTION, "close"));
            }
            ContentResponse r = request.send();
            return r.getStatus() + " " + r.getContentAsString() + " " + r.getHeaders().get("x-channel") + " "
                    + r.getHeaders().get("x-remote-port");
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return "failed " + root;
        }
    }

    /** Answers {@code GET /hello}; headers name the server end's channel class and the client's port. */
    private static final class Hello extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if (!request.getHttpURI().getPath().equals("/hello")) {
                Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                return true;
            }
            Object transport = request.getConnectionMetaData().getConnection().getEndPoint().getTransport();
            response.getHeaders().put("x-channel", transport == null ? "none" : transport.getClass().getName());
            response.getHeaders().put("x-remote-port", String.valueOf(Request.getRemotePort(request)));
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
            Content.Sink.write(response, true, "hello-from-jetty", callback);
            return true;
        }
    }
}
