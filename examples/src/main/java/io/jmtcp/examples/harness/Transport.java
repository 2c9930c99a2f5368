package io.jmtcp.examples.harness;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;

/**
 * The Netty transport a {@link BenchApp} runs on. {@code NIO} uses whatever
 * {@link java.nio.channels.spi.SelectorProvider} the JVM has, so the same value runs on the
 * kernel (the JDK's provider) or on jmtcp (the provider property); {@code EPOLL} and
 * {@code IO_URING} are Netty's native kernel transports, which the kernel or the JVM may refuse:
 * {@link #unavailability()} then says why. Each constant touches its native classes only when
 * asked, so a JVM that cannot load them still runs the others.
 */
enum Transport {
    NIO {
        @Override
        IoHandlerFactory ioHandler() {
            return NioIoHandler.newFactory();
        }

        @Override
        Class<? extends ServerChannel> serverChannel() {
            return NioServerSocketChannel.class;
        }

        @Override
        Class<? extends Channel> channel() {
            return NioSocketChannel.class;
        }

        @Override
        String unavailability() {
            return null;
        }
    },
    EPOLL {
        @Override
        IoHandlerFactory ioHandler() {
            return EpollIoHandler.newFactory();
        }

        @Override
        Class<? extends ServerChannel> serverChannel() {
            return EpollServerSocketChannel.class;
        }

        @Override
        Class<? extends Channel> channel() {
            return EpollSocketChannel.class;
        }

        @Override
        String unavailability() {
            return Epoll.isAvailable() ? null : "epoll unavailable: " + Epoll.unavailabilityCause();
        }
    },
    IO_URING {
        @Override
        IoHandlerFactory ioHandler() {
            return IoUringIoHandler.newFactory();
        }

        @Override
        Class<? extends ServerChannel> serverChannel() {
            return IoUringServerSocketChannel.class;
        }

        @Override
        Class<? extends Channel> channel() {
            return IoUringSocketChannel.class;
        }

        @Override
        String unavailability() {
            return IoUring.isAvailable() ? null : "io_uring unavailable: " + IoUring.unavailabilityCause();
        }
    };

    abstract IoHandlerFactory ioHandler();

    abstract Class<? extends ServerChannel> serverChannel();

    abstract Class<? extends Channel> channel();

    /** Null when this JVM and kernel can run the transport, else the reason they cannot. */
    abstract String unavailability();

    /** The name used on command lines ({@code nio}, {@code epoll}, {@code io_uring}). */
    String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Transport fromCli(String s) {
        return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
}
