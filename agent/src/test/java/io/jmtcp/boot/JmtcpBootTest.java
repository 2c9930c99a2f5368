package io.jmtcp.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rules the woven code follows, on the template class itself (here under its own name, in
 * the test's class loader): who gets jmtcp from {@code provider()}, and which provider a Netty
 * channel made inside a bootstrap's {@code initAndRegister} comes from.
 */
class JmtcpBootTest {

    private final SelectorProvider jmtcp = new Named();
    private final SelectorProvider kernel = SelectorProvider.provider();
    private final SelectorProvider custom = new Named();
    private final Object jmtcpGroup = new Object();
    private final Object kernelGroup = new Object();

    @AfterEach
    void off() {
        JmtcpBoot.jmtcp = null;
        JmtcpBoot.kernel = null;
        JmtcpBoot.groupProvider = null;
    }

    private void on() {
        JmtcpBoot.kernel = kernel;
        JmtcpBoot.groupProvider = g -> g == jmtcpGroup ? jmtcp : g == kernelGroup ? kernel : null;
        JmtcpBoot.jmtcp = jmtcp;
    }

    @Test
    void doesNothingUntilTheAgentSetsTheProvider() {
        assertThat(JmtcpBoot.provider()).isNull();
        assertThat(JmtcpBoot.forChannel(kernel)).isSameAs(kernel);
    }

    @Test
    void applicationCallersGetJmtcp() {
        on();
        assertThat(JmtcpBoot.provider()).isSameAs(jmtcp); // the caller is this test class
    }

    @Test
    void aChannelFollowsTheProviderOfTheGroupItIsMadeFor() {
        on();
        SelectorProvider before = JmtcpBoot.enterLoop(kernelGroup);
        try {
            // Netty's static default became jmtcp's (class first used after the attach), but the
            // group's selector is the JDK's: the channel must be the JDK's
            assertThat(JmtcpBoot.forChannel(jmtcp)).isSameAs(kernel);
            SelectorProvider outer = JmtcpBoot.enterLoop(jmtcpGroup);
            assertThat(JmtcpBoot.forChannel(kernel)).isSameAs(jmtcp);
            JmtcpBoot.exitLoop(outer);
            assertThat(JmtcpBoot.forChannel(jmtcp)).isSameAs(kernel);
        } finally {
            JmtcpBoot.exitLoop(before);
        }
        assertThat(JmtcpBoot.forChannel(kernel)).as("outside a bootstrap: as given").isSameAs(kernel);
    }

    @Test
    void anExplicitProviderAndAnUnknownGroupAreLeftAlone() {
        on();
        SelectorProvider before = JmtcpBoot.enterLoop(jmtcpGroup);
        try {
            assertThat(JmtcpBoot.forChannel(custom)).isSameAs(custom);
        } finally {
            JmtcpBoot.exitLoop(before);
        }
        before = JmtcpBoot.enterLoop(new Object()); // an epoll group, say: no provider
        try {
            assertThat(JmtcpBoot.forChannel(kernel)).isSameAs(kernel);
        } finally {
            JmtcpBoot.exitLoop(before);
        }
    }

    @Test
    void aFailingGroupLookupNeverThrowsIntoNetty() {
        on();
        JmtcpBoot.groupProvider = g -> {
            throw new IllegalStateException("broken");
        };
        SelectorProvider before = JmtcpBoot.enterLoop(jmtcpGroup);
        try {
            assertThat(JmtcpBoot.forChannel(kernel)).isSameAs(kernel);
        } finally {
            JmtcpBoot.exitLoop(before);
        }
    }

    /** A provider that is only compared by identity here; opening anything is not part of the test. */
    private static final class Named extends SelectorProvider {
        @Override
        public DatagramChannel openDatagramChannel() throws IOException {
            throw new IOException("not used");
        }

        @Override
        public DatagramChannel openDatagramChannel(ProtocolFamily family) throws IOException {
            throw new IOException("not used");
        }

        @Override
        public Pipe openPipe() throws IOException {
            throw new IOException("not used");
        }

        @Override
        public AbstractSelector openSelector() throws IOException {
            throw new IOException("not used");
        }

        @Override
        public ServerSocketChannel openServerSocketChannel() throws IOException {
            throw new IOException("not used");
        }

        @Override
        public SocketChannel openSocketChannel() throws IOException {
            throw new IOException("not used");
        }
    }
}
