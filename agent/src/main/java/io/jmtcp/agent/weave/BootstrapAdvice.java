package io.jmtcp.agent.weave;

import io.jmtcp.boot.JmtcpBoot;
import java.nio.channels.spi.SelectorProvider;
import net.bytebuddy.asm.Advice;

/**
 * Woven into Netty's {@code AbstractBootstrap.initAndRegister()}, which makes the channel and
 * registers it with the bootstrap's group: tells {@link JmtcpBoot} which group the channel made
 * meanwhile on this thread is for.
 */
final class BootstrapAdvice {

    private BootstrapAdvice() {
    }

    @Advice.OnMethodEnter
    static SelectorProvider enter(@Advice.FieldValue("group") Object group) {
        return JmtcpBoot.enterLoop(group);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit(@Advice.Enter SelectorProvider previous) {
        JmtcpBoot.exitLoop(previous);
    }
}
