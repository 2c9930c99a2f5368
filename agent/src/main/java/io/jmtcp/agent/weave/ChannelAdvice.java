package io.jmtcp.agent.weave;

import io.jmtcp.boot.JmtcpBoot;
import java.nio.channels.spi.SelectorProvider;
import net.bytebuddy.asm.Advice;

/**
 * Woven into the static factories ({@code newChannel}/{@code newSocket}, first argument a
 * {@code SelectorProvider}) of Netty's {@code NioSocketChannel}, {@code NioServerSocketChannel}
 * and {@code NioDatagramChannel} (4.1 and 4.2): their default constructors pass a
 * provider Netty cached in a static field when the class was first used, which may be the JDK's
 * (loaded before the attach) or jmtcp's (loaded after); {@link JmtcpBoot#forChannel} swaps it for
 * the provider of the event loop the channel is made for.
 */
final class ChannelAdvice {

    private ChannelAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(value = 0, readOnly = false) SelectorProvider provider) {
        provider = JmtcpBoot.forChannel(provider);
    }
}
