package io.jmtcp.agent.weave;

import io.jmtcp.boot.JmtcpBoot;
import java.nio.channels.spi.SelectorProvider;
import net.bytebuddy.asm.Advice;

/**
 * Woven into {@code SelectorProvider.provider()}: when {@link JmtcpBoot#provider()} names a
 * provider, the JDK's body is skipped and that provider returned. Inlined into {@code java.base},
 * so it may reference only the bootstrap class {@code JmtcpBoot}.
 */
final class ProviderAdvice {

    private ProviderAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static SelectorProvider enter() {
        return JmtcpBoot.provider();
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Enter SelectorProvider redirected,
            @Advice.Return(readOnly = false) SelectorProvider returned) {
        if (redirected != null) {
            returned = redirected;
        }
    }
}
