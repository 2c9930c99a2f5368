package io.jmtcp.agent.weave;

import io.jmtcp.boot.JmtcpBoot;
import java.nio.channels.Selector;
import net.bytebuddy.asm.Advice;

/**
 * Woven into the {@code open()} of XNIO's selector creators ({@code NioXnio$DefaultSelectorCreator}
 * and {@code NioXnio$ConstructorSelectorCreator}), which open selectors from the provider XNIO
 * cached when it was first used, before the attach the JDK's: once the redirect is on,
 * {@link JmtcpBoot#frameworkSelector()} opens jmtcp's selector instead, so a worker made after
 * the attach selects the jmtcp channels it opens (and its per-thread temporary selectors take any
 * channel).
 */
final class SelectorAdvice {

    private SelectorAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static Selector enter() {
        return JmtcpBoot.frameworkSelector();
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Enter Selector opened, @Advice.Return(readOnly = false) Selector returned) {
        if (opened != null) {
            returned = opened;
        }
    }
}
