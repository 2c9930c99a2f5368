package io.jmtcp.engine.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.jmtcp.engine.api.TcpSocket;
import io.jmtcp.engine.api.Waiter;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.engine.wire.Ipv4Address;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class EngineMBeanTest {

    @Test
    void listsOpenConnectionsAndListenersOverJmx() throws Exception {
        try (Stack stack = Stack.start(JmtcpConfig.of(Map.of("device", "loopback", "name", "mbean-test")))) {
            TcpSocket listener = stack.listen(0, 7100, 16);
            TcpSocket client = stack.connect(Ipv4Address.parse("127.0.0.1"), 7100);
            assertThat(client.awaitConnected(2_000_000_000L)).isEqualTo(Waiter.READY);
            assertThat(listener.awaitAcceptable(2_000_000_000L)).isEqualTo(Waiter.READY);
            TcpSocket server = listener.accept();
            assertThat(server).isNotNull();

            MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
            Set<ObjectName> names = jmx.queryNames(new ObjectName("io.jmtcp:type=Engine,stack=mbean-test,*"), null);
            assertThat(names).hasSize(1);
            String[] lines = (String[]) jmx.getAttribute(names.iterator().next(), "Connections");
            assertThat(lines).contains("LISTEN 0.0.0.0:7100")
                    .anyMatch(l -> l.matches("ESTABLISHED 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:7100"))
                    .anyMatch(l -> l.matches("ESTABLISHED 127\\.0\\.0\\.1:7100 -> 127\\.0\\.0\\.1:\\d+"));
            client.close();
            server.close();
        }
    }
}
