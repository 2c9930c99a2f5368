package io.jmtcp.distribution;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.channels.Selector;

/**
 * Another java agent that uses NIO in its premain, before jmtcp's agent runs: the JDK's
 * {@code SelectorProvider.provider()} is then initialised (to the JDK's provider, for good)
 * before jmtcp can set the provider property.
 */
public final class NioTouchingAgent {

    private NioTouchingAgent() {
    }

    public static void premain(String options, Instrumentation inst) throws IOException {
        Selector.open().close();
    }
}
