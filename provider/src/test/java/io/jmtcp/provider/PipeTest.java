package io.jmtcp.provider;

import static io.jmtcp.provider.Loopback.PROVIDER;
import static io.jmtcp.provider.Loopback.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class PipeTest {

    @Test
    void sourceIsSelectedWhenTheSinkWritesAndSeesEndOfStreamWhenTheSinkCloses() throws Exception {
        Pipe pipe = PROVIDER.openPipe();
        try (Selector sel = PROVIDER.openSelector()) {
            pipe.source().configureBlocking(false);
            SelectionKey k = pipe.source().register(sel, SelectionKey.OP_READ);
            assertThat(sel.selectNow()).isZero();
            CompletableFuture<Integer> f = CompletableFuture.supplyAsync(() -> {
                try {
                    return sel.select(5000);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(50);
            pipe.sink().write(ascii("wake"));
            assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(k.isReadable()).isTrue();
            ByteBuffer b = ByteBuffer.allocate(16);
            assertThat(pipe.source().read(b)).isEqualTo(4);
            assertThat(ascii(b)).isEqualTo("wake");
            assertThat(pipe.source().read(ByteBuffer.allocate(4))).isZero();
            pipe.sink().close();
            assertThat(pipe.source().read(ByteBuffer.allocate(4))).isEqualTo(-1);
            pipe.source().close();
        }
    }

    @Test
    void blockingWriterWaitsForRoomAndWriteAfterSourceCloseIsABrokenPipe() throws Exception {
        Pipe pipe = PROVIDER.openPipe();
        ByteBuffer big = ByteBuffer.allocate(200_000);
        CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> {
            try {
                return pipe.sink().write(big);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        ByteBuffer in = ByteBuffer.allocate(8192);
        long total = 0;
        while (total < 200_000) {
            in.clear();
            total += pipe.source().read(in);
        }
        assertThat(writer.get(5, TimeUnit.SECONDS)).isEqualTo(200_000);
        pipe.source().close();
        assertThatThrownBy(() -> pipe.sink().write(ascii("x"))).isInstanceOf(IOException.class).hasMessage("Broken pipe");
        pipe.sink().close();
    }

    @Test
    void closingTheSourceFailsABlockedReadWithAsynchronousClose() throws Exception {
        Pipe pipe = PROVIDER.openPipe();
        CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
            try {
                pipe.source().read(ByteBuffer.allocate(4));
                return null;
            } catch (Throwable e) {
                return e;
            }
        });
        Thread.sleep(100);
        pipe.source().close();
        assertThat(reader.get(5, TimeUnit.SECONDS)).isInstanceOf(AsynchronousCloseException.class);
        pipe.sink().close();
    }
}
